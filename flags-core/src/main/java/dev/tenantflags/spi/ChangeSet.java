package dev.tenantflags.spi;

import java.util.Objects;
import java.util.Set;

/**
 * What changed in an environment after a given version, as returned by {@link
 * FlagStore#changesSince(String, long)}: the client reloads flags and drops the cached overrides of
 * the tenants named here.
 *
 * <p>Thread safety: immutable.
 *
 * @param version the newest change version covered
 * @param tenantIds the tenants whose overrides changed after the given version
 * @param complete false when the store cannot tell (its change log no longer reaches back that
 *     far); the client then drops every cached tenant
 */
public record ChangeSet(long version, Set<String> tenantIds, boolean complete) {

  /**
   * Creates a change set, copying the tenant ids.
   *
   * @throws NullPointerException if {@code tenantIds} is null
   */
  public ChangeSet {
    tenantIds = Set.copyOf(Objects.requireNonNull(tenantIds, "tenantIds"));
  }

  /**
   * Returns a change set that tells the client to drop every cached tenant.
   *
   * @param version the newest version covered
   * @return an incomplete change set
   */
  public static ChangeSet unknown(long version) {
    return new ChangeSet(version, Set.of(), false);
  }
}
