package dev.tenantflags;

/**
 * The switch position of a flag in one environment (SPEC §2).
 *
 * <p>Thread safety: enum constants are immutable.
 */
public enum FlagState {
  /** Off for everybody; the kill switch. Beats overrides and prerequisites. */
  OFF,
  /** On for everybody whose prerequisites hold, unless a tenant override says otherwise. */
  ON,
  /** On only for tenants the flag's {@link Scope} matches; an empty scope matches nobody. */
  TARGETED,
  /**
   * On for tenants the scope matches (an empty scope matches everybody) whose bucket lies below the
   * rollout percentage; see {@link Bucketing}.
   */
  ROLLOUT
}
