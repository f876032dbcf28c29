package dev.tenantflags.jdbc.internal;

import dev.tenantflags.TenantOverride;

/**
 * The column values of one {@code tf_overrides} row, for binding by name ({@code :flagKey} etc.).
 *
 * <p>Thread safety: immutable.
 *
 * @param environment the environment
 * @param flagKey the flag key
 * @param tenantId the tenant id
 * @param enabled the value
 * @param locked whether locked
 * @param note the note, or null
 * @param updatedAt epoch milliseconds, or null
 * @param updatedBy the actor, or null
 */
public record OverrideColumns(
    String environment,
    String flagKey,
    String tenantId,
    boolean enabled,
    boolean locked,
    String note,
    Long updatedAt,
    String updatedBy) {

  /**
   * Extracts the columns of an override.
   *
   * @param environment the environment
   * @param o the override
   */
  public OverrideColumns(String environment, TenantOverride o) {
    this(
        environment,
        o.flagKey(),
        o.tenantId(),
        o.enabled(),
        o.locked(),
        o.note(),
        o.updatedAt() == null ? null : o.updatedAt().toEpochMilli(),
        o.updatedBy());
  }
}
