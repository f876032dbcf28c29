package dev.tenantflags;

import java.util.Arrays;
import java.util.Map;

/*
 * Design note
 *
 * Rules: SPEC §3, first applicable wins: not found/archived, OFF (kill switch), prerequisites,
 * override, ON, TARGETED, ROLLOUT. Prerequisites are evaluated with the same rules for the same
 * tenant, overrides included. This class is the only place those rules are decided: the snapshot's
 * precomputed per-flag constants for evaluateAll come from constantValue below.
 *
 * Performance: called on the hot path. It reads only immutable CompiledFlag state, returns shared
 * Evaluation constants, and asks the OverrideSource only for flags that have overrides at all. No
 * lock, no I/O, no allocation, no logging. decide stays a few dozen bytecodes (CompiledFlag.slowPath
 * routes unreadable/archived/OFF/prerequisite flags to decideSlow) so that the JIT inlines it and
 * decideLeaf into isEnabled; one 358-byte decide was never inlined ("hot method too big"). The tenant is passed as id + attributes, so the
 * id-only overload needs no TenantKey.
 *
 * Bounded work (SPEC §4): a flag whose prerequisites have prerequisites of their own (a graph, not a
 * list) is evaluated with a per-thread Memo: each flag is evaluated at most once per call, so a
 * diamond of 31 layers costs 62 evaluations instead of 2^31. The memo is stamped, not cleared (one
 * int increment per call), and reused by the thread, so it allocates nothing once grown. Flags with
 * no prerequisites or only leaf prerequisites skip it entirely.
 *
 * Cycles: writes reject prerequisite cycles, but a store edited by hand could hold one: a flag met
 * again while it is being evaluated is an ERROR, and the depth is bounded so that a long chain
 * cannot overflow the stack.
 */
/** The evaluation rules of SPEC §3 over a compiled snapshot. Stateless. */
final class Evaluator {
  static final int MAX_DEPTH = 32;

  /** Supplies a tenant's overrides from memory; never waits longer than the cold-load timeout. */
  interface OverrideSource {
    TenantOverrides overridesOf(String tenantId);
  }

  private static final ThreadLocal<Memo> MEMO = ThreadLocal.withInitial(Memo::new);

  private Evaluator() {}

  static Evaluation evaluate(
      CompiledFlag flag, String id, Map<String, String> attributes, OverrideSource overrides) {
    if (flag != null && !flag.prerequisiteGraph) {
      return decide(flag, id, attributes, overrides, 0, null); // no memo: skip the bookkeeping
    }
    return evaluate(flag, id, attributes, overrides, 0, flag == null ? null : memo());
  }

  /** The calling thread's memo, stamped for a new call; share it across one evaluateAll. */
  static Memo memo() {
    return MEMO.get().begin();
  }

  /** Evaluates within a call that already began a memo (evaluateAll). */
  static Evaluation evaluate(
      CompiledFlag flag,
      String id,
      Map<String, String> attributes,
      OverrideSource overrides,
      Memo memo) {
    return evaluate(flag, id, attributes, overrides, 0, memo);
  }

  /**
   * The value every tenant gets (SPEC §3), or null when it depends on the tenant: archived or OFF;
   * or, without prerequisites and overrides, ON, an empty-scope TARGETED, a 0 % ROLLOUT, a 100 %
   * ROLLOUT with an empty scope.
   */
  static Boolean constantValue(CompiledFlag flag) {
    if (flag.unreadable) {
      return null;
    }
    if (flag.archived || flag.state == FlagState.OFF) {
      return Boolean.FALSE;
    }
    if (flag.prerequisites.length > 0 || flag.hasOverrides) {
      return null;
    }
    switch (flag.state) {
      case ON:
        return Boolean.TRUE;
      case TARGETED:
        return flag.scopeEmpty ? Boolean.FALSE : null;
      default: // ROLLOUT
        if (flag.basisPoints <= 0) {
          return Boolean.FALSE;
        }
        return flag.basisPoints >= Flag.MAX_BASIS_POINTS && flag.scopeEmpty ? Boolean.TRUE : null;
    }
  }

  private static Evaluation evaluate(
      CompiledFlag flag,
      String id,
      Map<String, String> attributes,
      OverrideSource overrides,
      int depth,
      Memo memo) {
    if (flag == null) {
      return Evaluation.of(false, Reason.FLAG_NOT_FOUND);
    }
    if (memo == null) {
      return decide(flag, id, attributes, overrides, depth, null);
    }
    int state = memo.state(flag.index);
    if (state == Memo.DONE) {
      return memo.result(flag.index);
    }
    if (state == Memo.IN_PROGRESS) {
      return Evaluation.of(false, Reason.ERROR); // a cycle in a hand-edited store
    }
    memo.start(flag.index);
    Evaluation result = decide(flag, id, attributes, overrides, depth, memo);
    memo.finish(flag.index, result);
    return result;
  }

  /**
   * Kept small so that the JIT inlines it into the hot path: a leaf flag (readable, active, not
   * OFF, no prerequisites) at a sane depth goes straight to the override step.
   */
  private static Evaluation decide(
      CompiledFlag flag,
      String id,
      Map<String, String> attributes,
      OverrideSource overrides,
      int depth,
      Memo memo) {
    if (flag.slowPath || depth >= MAX_DEPTH) {
      return decideSlow(flag, id, attributes, overrides, depth, memo);
    }
    return decideLeaf(flag, id, attributes, overrides, false);
  }

  /** SPEC §3 rules 1-3 (not readable/archived, OFF, prerequisites), then the leaf rules. */
  private static Evaluation decideSlow(
      CompiledFlag flag,
      String id,
      Map<String, String> attributes,
      OverrideSource overrides,
      int depth,
      Memo memo) {
    if (flag.unreadable) {
      return Evaluation.of(false, Reason.ERROR);
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
      Evaluation p = evaluate(prerequisites[i], id, attributes, overrides, depth + 1, memo);
      if (p.reason() == Reason.ERROR) {
        return p;
      }
      degraded |= p.overridesUnavailable();
      if (!p.enabled()) {
        return Evaluation.of(false, Reason.PREREQUISITE_FAILED, degraded);
      }
    }
    return decideLeaf(flag, id, attributes, overrides, degraded);
  }

  /** SPEC §3 from the override step on: override, ON, TARGETED, ROLLOUT. */
  private static Evaluation decideLeaf(
      CompiledFlag flag,
      String id,
      Map<String, String> attributes,
      OverrideSource overrides,
      boolean degraded) {
    if (flag.hasOverrides) {
      TenantOverrides tenantOverrides = overrides.overridesOf(id);
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
      boolean match = !flag.scopeEmpty && scopeMatches(flag, id, attributes);
      return Evaluation.of(match, match ? Reason.TARGET_MATCH : Reason.NO_MATCH, degraded);
    }
    // ROLLOUT: OFF returned above, and FlagState has no other value.
    if (!scopeMatches(flag, id, attributes)) {
      return Evaluation.of(false, Reason.NO_MATCH, degraded);
    }
    // 0 % and 100 % need no hash: the answer is the same for every bucket.
    boolean in =
        flag.basisPoints > 0
            && (flag.basisPoints >= Flag.MAX_BASIS_POINTS || flag.bucket(id) < flag.basisPoints);
    return Evaluation.of(in, in ? Reason.ROLLOUT_IN : Reason.ROLLOUT_OUT, degraded);
  }

  /**
   * Whether, for every axis of the flag's scope, the tenant's value is in the axis (SPEC §3); the
   * {@code tenant} axis reads the id, a missing attribute does not match; true for an empty scope.
   */
  static boolean scopeMatches(CompiledFlag flag, String id, Map<String, String> attributes) {
    String[] names = flag.axisNames;
    for (int i = 0; i < names.length; i++) {
      String value = flag.axisIsTenant[i] ? id : attributes.get(names[i]);
      if (value == null || !flag.axisValues[i].contains(value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Per-thread results of one call, indexed by the snapshot's flag index. A stamp per call marks
   * which entries belong to it, so beginning a call costs one increment, not a clear.
   */
  static final class Memo {
    static final int UNSEEN = 0;
    static final int IN_PROGRESS = 1;
    static final int DONE = 2;

    private int stamp;
    private int[] stamps = new int[64];
    private Evaluation[] results = new Evaluation[64];

    Memo begin() {
      // Two stamps per call: start (odd offset) and done; wrapping clears once per 2^30 calls.
      stamp += 2;
      if (stamp <= 0) {
        Arrays.fill(stamps, 0);
        stamp = 2;
      }
      return this;
    }

    int state(int index) {
      if (index >= stamps.length) {
        return UNSEEN;
      }
      int s = stamps[index];
      return s == stamp ? DONE : s == stamp - 1 ? IN_PROGRESS : UNSEEN;
    }

    Evaluation result(int index) {
      return results[index];
    }

    void start(int index) {
      if (index >= stamps.length) {
        int length = Math.max(index + 1, stamps.length * 2);
        stamps = Arrays.copyOf(stamps, length);
        results = Arrays.copyOf(results, length);
      }
      stamps[index] = stamp - 1;
    }

    void finish(int index, Evaluation result) {
      results[index] = result;
      stamps[index] = stamp;
    }
  }
}
