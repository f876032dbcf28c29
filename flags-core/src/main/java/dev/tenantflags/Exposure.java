package dev.tenantflags;

import java.time.Instant;
import java.util.Objects;

/**
 * One exposure (SPEC §8, issue 12): a tenant was shown a flag's value. Delivered to an {@link
 * ExposureListener} at most once per (flag, tenant, value) per the configured window.
 *
 * <p>Thread safety: immutable.
 *
 * @param flagKey the flag key
 * @param tenantId the tenant id
 * @param enabled the value the tenant got
 * @param reason why
 * @param at when the evaluation that caused it happened (client clock)
 */
public record Exposure(
    String flagKey, String tenantId, boolean enabled, Reason reason, Instant at) {

  /**
   * Creates an exposure.
   *
   * @throws NullPointerException if an argument is null
   */
  public Exposure {
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
