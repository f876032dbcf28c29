package dev.tenantflags;

import java.util.Map;
import java.util.Set;

/**
 * A flag prepared for evaluation: scope axes as parallel arrays of hash sets and prerequisites as
 * direct references, so that evaluating walks arrays and never allocates an iterator. Holds data
 * only; the rules are {@link Evaluator}'s.
 */
final class CompiledFlag {
  /** The definition; null for an unreadable flag the client never had a good definition of. */
  final Flag flag;

  final String key;
  final FlagState state;
  final boolean archived;

  /** A stored row the client could not read and has no last good definition of (SPEC §4). */
  final boolean unreadable;

  final int basisPoints;
  final String salt;
  final boolean scopeEmpty;
  final String[] axisNames;

  /**
   * Per axis, whether it is the {@code tenant} axis, which reads the id instead of an attribute.
   */
  final boolean[] axisIsTenant;

  final StringSet[] axisValues;

  /** Resolved after every flag of the snapshot is compiled; null entries are unknown keys. */
  CompiledFlag[] prerequisites = new CompiledFlag[0];

  /**
   * Whether some prerequisite has prerequisites itself: evaluation then memoises. Set by Snapshot.
   */
  boolean prerequisiteGraph;

  /** Position among all flags of the snapshot (the memo's index). Set by Snapshot. */
  int index;

  /** Position in the snapshot's active (non-archived) flags; -1 when archived. Set by Snapshot. */
  int activeIndex = -1;

  /** This flag's usage counters, stable across snapshots; null when counting is off. */
  FlagUsage usage;

  final boolean hasOverrides;

  /**
   * Whether evaluation needs the rules before the override step (SPEC §3): unreadable, archived,
   * OFF, or prerequisites. False lets Evaluator take its small, inlinable leaf path.
   */
  final boolean slowPath;

  /** Remembered buckets; null when not cached (or not a ROLLOUT flag). */
  private final BucketCache buckets;

  private final int saltOrdinal;

  /** A small number per key, stable for the client's life (exposure de-duplication); -1 if none. */
  final int slot;

  CompiledFlag(Flag flag, boolean hasOverrides) {
    this(flag, hasOverrides, null, null);
  }

  /**
   * Compiles a flag.
   *
   * @param bucketCache remembered rollout buckets, or null
   * @param stable the client's usage object for this key (canonical key string, slot), or null
   */
  CompiledFlag(Flag flag, boolean hasOverrides, BucketCache bucketCache, FlagUsage stable) {
    this.flag = flag;
    this.key = stable == null ? flag.key() : stable.key;
    this.slot = stable == null ? -1 : stable.slot;
    this.state = flag.state();
    this.archived = flag.archived();
    this.unreadable = false;
    this.basisPoints = flag.rolloutBasisPoints();
    this.salt = flag.effectiveSalt();
    this.hasOverrides = hasOverrides;
    this.slowPath = archived || state == FlagState.OFF || !flag.prerequisites().isEmpty();
    this.buckets = state == FlagState.ROLLOUT ? bucketCache : null;
    this.saltOrdinal = buckets == null ? -1 : buckets.ordinal(salt);
    Map<String, Set<String>> axes = flag.scope().axes();
    this.scopeEmpty = axes.isEmpty();
    this.axisNames = new String[axes.size()];
    this.axisIsTenant = new boolean[axes.size()];
    this.axisValues = new StringSet[axes.size()];
    int i = 0;
    for (Map.Entry<String, Set<String>> axis : axes.entrySet()) {
      axisNames[i] = axis.getKey();
      axisIsTenant[i] = TenantKey.TENANT_ATTRIBUTE.equals(axis.getKey());
      // A hash set answers contains() in O(1); the record keeps a sorted set for display.
      axisValues[i] = new StringSet(axis.getValue());
      i++;
    }
  }

  /** A placeholder for an unreadable row with no last good definition: evaluates to ERROR. */
  private CompiledFlag(String key) {
    this.flag = null;
    this.key = key;
    this.slot = -1;
    this.state = FlagState.OFF;
    this.archived = false;
    this.unreadable = true;
    this.basisPoints = 0;
    this.salt = key;
    this.hasOverrides = false;
    this.slowPath = true;
    this.buckets = null;
    this.saltOrdinal = -1;
    this.scopeEmpty = true;
    this.axisNames = new String[0];
    this.axisIsTenant = new boolean[0];
    this.axisValues = new StringSet[0];
  }

  static CompiledFlag unreadable(String key) {
    return new CompiledFlag(key);
  }

  /** The value every tenant gets, or null when it depends on the tenant; see {@link Evaluator}. */
  Boolean tenantIndependentValue() {
    return Evaluator.constantValue(this);
  }

  /** The tenant's rollout bucket for this flag's salt (SPEC §3), remembered when a cache is set. */
  int bucket(String tenantId) {
    BucketCache cache = buckets;
    return cache == null
        ? Bucketing.bucket(tenantId, salt)
        : cache.bucket(tenantId, salt, saltOrdinal);
  }

  /** Whether the scope accepts the tenant; see {@link Evaluator#scopeMatches}. */
  boolean scopeMatches(TenantKey tenant) {
    return Evaluator.scopeMatches(this, tenant.id(), tenant.attributes());
  }
}
