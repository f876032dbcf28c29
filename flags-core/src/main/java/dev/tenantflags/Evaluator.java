package dev.tenantflags;

/*
 * Design note
 *
 * Rules: SPEC §3, first applicable wins: not found/archived, OFF (kill switch), prerequisites,
 * override, ON, TARGETED, ROLLOUT. Prerequisites are evaluated with the same rules for the same
 * tenant, overrides included.
 *
 * Performance: called on the hot path. It reads only immutable CompiledFlag state, returns shared
 * Evaluation constants, and asks the OverrideSource only for flags that have overrides at all. No
 * lock, no I/O on a warm tenant, no allocation, no logging.
 *
 * Cycles: writes reject prerequisite cycles, but a store edited by hand could hold one, so the depth
 * is bounded and a cycle evaluates to ERROR rather than overflowing the stack.
 */
/** The evaluation rules of SPEC §3 over a compiled snapshot. Stateless. */
final class Evaluator {
  static final int MAX_DEPTH = 32;

  /** Supplies a tenant's overrides; may load them on first use. */
  interface OverrideSource {
    TenantOverrides overridesOf(String tenantId);
  }

  private Evaluator() {}

  static Evaluation evaluate(CompiledFlag flag, TenantKey tenant, OverrideSource overrides) {
    return evaluate(flag, tenant, overrides, 0);
  }

  private static Evaluation evaluate(
      CompiledFlag flag, TenantKey tenant, OverrideSource overrides, int depth) {
    if (flag == null) {
      return Evaluation.of(false, Reason.FLAG_NOT_FOUND);
    }
    if (flag.archived) {
      return Evaluation.of(false, Reason.ARCHIVED);
    }
    if (flag.state == FlagState.OFF) {
      return Evaluation.of(false, Reason.OFF);
    }
    if (depth >= MAX_DEPTH) {
      return Evaluation.of(false, Reason.ERROR);
    }
    boolean degraded = false;
    CompiledFlag[] prerequisites = flag.prerequisites;
    for (int i = 0; i < prerequisites.length; i++) {
      Evaluation p = evaluate(prerequisites[i], tenant, overrides, depth + 1);
      if (p.reason() == Reason.ERROR) {
        return p;
      }
      degraded |= p.overridesUnavailable();
      if (!p.enabled()) {
        return Evaluation.of(false, Reason.PREREQUISITE_FAILED, degraded);
      }
    }
    if (flag.hasOverrides) {
      TenantOverrides tenantOverrides = overrides.overridesOf(tenant.id());
      Boolean value = tenantOverrides.get(flag.key);
      if (value != null) {
        return Evaluation.of(value, Reason.OVERRIDE, degraded);
      }
      degraded |= tenantOverrides.unavailable;
    }
    if (flag.state == FlagState.ON) {
      return Evaluation.of(true, Reason.ON, degraded);
    }
    if (flag.state == FlagState.TARGETED) {
      boolean match = !flag.scopeEmpty && flag.scopeMatches(tenant);
      return Evaluation.of(match, match ? Reason.TARGET_MATCH : Reason.NO_MATCH, degraded);
    }
    // ROLLOUT: OFF returned above, and FlagState has no other value.
    if (!flag.scopeMatches(tenant)) {
      return Evaluation.of(false, Reason.NO_MATCH, degraded);
    }
    // 0 % and 100 % need no hash: the answer is the same for every bucket.
    boolean in =
        flag.basisPoints > 0
            && (flag.basisPoints >= Flag.MAX_BASIS_POINTS
                || flag.bucket(tenant.id()) < flag.basisPoints);
    return Evaluation.of(in, in ? Reason.ROLLOUT_IN : Reason.ROLLOUT_OUT, degraded);
  }
}
