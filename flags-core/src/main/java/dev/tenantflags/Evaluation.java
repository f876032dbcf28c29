package dev.tenantflags;

import java.util.Objects;

/**
 * The outcome of evaluating one flag for one tenant.
 *
 * <p>{@code overridesUnavailable} is true when the tenant's overrides were not available, so the
 * value was computed without them (SPEC §4). It happens only in lazy mode (more overrides than the
 * client holds in memory): a tenant not seen before whose load did not finish within {@code
 * coldLoadTimeout}, or while the store is unreachable.
 *
 * <p>Thread safety: immutable. The client returns shared constants, so evaluating allocates
 * nothing.
 *
 * @param enabled whether the feature is on for the tenant
 * @param reason the rule that decided it
 * @param overridesUnavailable whether tenant overrides were skipped because they could not be
 *     loaded
 */
public record Evaluation(boolean enabled, Reason reason, boolean overridesUnavailable) {

  private static final Evaluation[] CONSTANTS = new Evaluation[Reason.values().length * 4];

  static {
    for (Reason reason : Reason.values()) {
      for (int i = 0; i < 4; i++) {
        CONSTANTS[reason.ordinal() * 4 + i] = new Evaluation((i & 1) != 0, reason, (i & 2) != 0);
      }
    }
  }

  /**
   * Creates an evaluation.
   *
   * @throws NullPointerException if {@code reason} is null
   */
  public Evaluation {
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns the shared instance for these values; allocates nothing.
   *
   * @param enabled whether the feature is on
   * @param reason the deciding rule
   * @return a shared, immutable evaluation
   */
  public static Evaluation of(boolean enabled, Reason reason) {
    return of(enabled, reason, false);
  }

  /**
   * Returns the shared instance for these values; allocates nothing.
   *
   * @param enabled whether the feature is on
   * @param reason the deciding rule
   * @param overridesUnavailable whether overrides were skipped because they could not be loaded
   * @return a shared, immutable evaluation
   */
  public static Evaluation of(boolean enabled, Reason reason, boolean overridesUnavailable) {
    return CONSTANTS[reason.ordinal() * 4 + (enabled ? 1 : 0) + (overridesUnavailable ? 2 : 0)];
  }
}
