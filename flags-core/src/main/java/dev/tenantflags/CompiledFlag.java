package dev.tenantflags;

import java.util.Map;
import java.util.Set;

/**
 * A flag prepared for evaluation: scope axes as parallel arrays of hash sets and prerequisites as
 * direct references, so that evaluating walks arrays and never allocates an iterator.
 */
final class CompiledFlag {
  final Flag flag;
  final String key;
  final FlagState state;
  final boolean archived;
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
  CompiledFlag[] prerequisites;

  /** Position in the snapshot's active (non-archived) flags; -1 when archived. Set by Snapshot. */
  int activeIndex = -1;

  final boolean hasOverrides;

  /** Remembered buckets; null when not cached (or not a ROLLOUT flag). */
  private final BucketCache buckets;

  private final int saltOrdinal;

  CompiledFlag(Flag flag, boolean hasOverrides) {
    this(flag, hasOverrides, null);
  }

  CompiledFlag(Flag flag, boolean hasOverrides, BucketCache bucketCache) {
    this.flag = flag;
    this.key = flag.key();
    this.state = flag.state();
    this.archived = flag.archived();
    this.basisPoints = flag.rolloutBasisPoints();
    this.salt = flag.effectiveSalt();
    this.hasOverrides = hasOverrides;
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

  /**
   * The value every tenant gets (SPEC §3), or null when it depends on the tenant: OFF; or, without
   * prerequisites and overrides, ON, an empty-scope TARGETED, a 0 % ROLLOUT, a 100 % ROLLOUT with
   * an empty scope. Only for non-archived flags.
   */
  Boolean tenantIndependentValue() {
    if (state == FlagState.OFF) {
      return Boolean.FALSE;
    }
    if (prerequisites.length > 0 || hasOverrides) {
      return null;
    }
    switch (state) {
      case ON:
        return Boolean.TRUE;
      case TARGETED:
        return scopeEmpty ? Boolean.FALSE : null;
      case ROLLOUT:
        if (basisPoints <= 0) {
          return Boolean.FALSE;
        }
        return basisPoints >= Flag.MAX_BASIS_POINTS && scopeEmpty ? Boolean.TRUE : null;
      default:
        return null;
    }
  }

  /** The tenant's rollout bucket for this flag's salt (SPEC §3), remembered when a cache is set. */
  int bucket(String tenantId) {
    BucketCache cache = buckets;
    return cache == null
        ? Bucketing.bucket(tenantId, salt)
        : cache.bucket(tenantId, salt, saltOrdinal);
  }

  /** Whether every axis accepts the tenant's attribute; true for an empty scope. */
  boolean scopeMatches(TenantKey tenant) {
    for (int i = 0; i < axisNames.length; i++) {
      String value = axisIsTenant[i] ? tenant.id() : tenant.attributes().get(axisNames[i]);
      if (value == null || !axisValues[i].contains(value)) {
        return false;
      }
    }
    return true;
  }
}
