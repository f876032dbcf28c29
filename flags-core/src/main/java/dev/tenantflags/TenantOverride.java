package dev.tenantflags;

import java.time.Instant;

/**
 * A tenant override: {@code (environment, flagKey, tenantId) → enabled} (SPEC §2). It beats the
 * flag's state except {@code OFF} and failed prerequisites (SPEC §3).
 *
 * <p>Thread safety: immutable.
 *
 * @param flagKey the flag
 * @param tenantId the tenant, 1 to 256 characters
 * @param enabled the value this tenant gets
 * @param locked whether only an ADMIN may change or clear it
 * @param note optional free text (at most 1000 characters), or null
 * @param updatedAt when it was last set, or null before it is stored
 * @param updatedBy who last set it, or null before it is stored
 */
public record TenantOverride(
    String flagKey,
    String tenantId,
    boolean enabled,
    boolean locked,
    String note,
    Instant updatedAt,
    String updatedBy) {

  /**
   * Creates an override.
   *
   * @throws FlagValidationException naming the first invalid field
   */
  public TenantOverride {
    Checks.flagKey("flagKey", flagKey);
    Checks.tenantId("tenantId", tenantId);
    updatedAt = Checks.millis(updatedAt);
    Checks.text("note", note, Checks.MAX_TEXT);
    Checks.optionalName("updatedBy", updatedBy, Checks.MAX_NAME);
  }
}
