package dev.tenantflags.spi;

import dev.tenantflags.TenantOverride;
import java.util.List;
import java.util.Objects;

/**
 * Every override of one environment as of one change version, as returned by {@link
 * FlagStore#loadOverrides(String)}.
 *
 * <p>Thread safety: immutable.
 *
 * @param version the environment's change version the overrides reflect
 * @param overrides every readable override of the environment, in (flag key, tenant id) order
 * @param unreadable the override rows the store could not map to a valid {@link TenantOverride}
 */
public record OverrideSet(
    long version, List<TenantOverride> overrides, List<UnreadableRow> unreadable) {

  /**
   * Creates an override set, copying both lists.
   *
   * @throws NullPointerException if a list is null
   */
  public OverrideSet {
    overrides = List.copyOf(Objects.requireNonNull(overrides, "overrides"));
    unreadable = List.copyOf(Objects.requireNonNull(unreadable, "unreadable"));
  }
}
