package dev.tenantflags;

/**
 * Why an evaluation came out the way it did; one value per rule of SPEC §3.
 *
 * <p>Thread safety: enum constants are immutable.
 */
public enum Reason {
  /** Rule 1: no flag with this key exists in the client's environment. */
  FLAG_NOT_FOUND,
  /** Rule 1: the flag is archived (soft-deleted). */
  ARCHIVED,
  /** Rule 2: the flag's state is {@link FlagState#OFF}; the kill switch beats everything below. */
  OFF,
  /** Rule 3: at least one prerequisite evaluated to false for this tenant. */
  PREREQUISITE_FAILED,
  /** Rule 4: a tenant override decided the value. */
  OVERRIDE,
  /** Rule 5: the flag is {@link FlagState#ON}. */
  ON,
  /** Rule 6: a {@link FlagState#TARGETED} flag whose scope matches the tenant. */
  TARGET_MATCH,
  /** Rules 6 and 7: the scope does not match the tenant. */
  NO_MATCH,
  /** Rule 7: the tenant's bucket lies below the rollout percentage. */
  ROLLOUT_IN,
  /** Rule 7: the tenant's bucket lies at or above the rollout percentage. */
  ROLLOUT_OUT,
  /**
   * Rule 8: nothing could be evaluated (no snapshot was ever loaded, or a bug); the caller's
   * default.
   */
  ERROR
}
