package dev.tenantflags;

import java.util.List;

/**
 * One tenant's overrides as the client caches them: flag key to value. Immutable once built, except
 * for {@link #touched}, the client's bookkeeping of when it last told its cache about a use.
 */
final class TenantOverrides implements Evaluator.OverrideSource {
  static final TenantOverrides NONE = new TenantOverrides(null, null, new Object[0], false);

  /** Used when the store could not be asked; evaluations say their overrides were unavailable. */
  static final TenantOverrides UNAVAILABLE = new TenantOverrides(null, null, new Object[0], true);

  /*
   * Performance: an open-addressed table of [key, Boolean] pairs in one array, so a lookup touches
   * this object and one array line instead of a HashMap, its table and a node. Keys are compared by
   * identity first: the client canonicalises them to the snapshot's key strings, which are the ones
   * evaluation passes in. A tenant with one override (the common case) keeps it in two fields and no
   * table, and a tenant with none answers from this object alone: with thousands of tenants, every
   * cache line not touched is a miss saved.
   */
  private final String singleKey;
  private final Boolean singleValue;
  private final Object[] table;

  /** Table slots minus one; -1 when there is no table. */
  private final int mask;

  final boolean unavailable;

  /** Racy on purpose (see FeatureFlags): a lost update only costs one more cache access. */
  int touched;

  private TenantOverrides(
      String singleKey, Boolean singleValue, Object[] table, boolean unavailable) {
    this.singleKey = singleKey;
    this.singleValue = singleValue;
    this.table = table;
    this.mask = table.length / 2 - 1;
    this.unavailable = unavailable;
  }

  static TenantOverrides of(List<TenantOverride> overrides) {
    return overrides.isEmpty() ? NONE : forTenant(overrides, null);
  }

  /**
   * A tenant's own instance (never a shared constant, so {@link #touched} is per tenant).
   *
   * @param canonical the snapshot's key strings by key, to reuse its instances, or null
   */
  static TenantOverrides forTenant(List<TenantOverride> overrides, Snapshot canonical) {
    if (overrides.size() <= 1) {
      if (overrides.isEmpty()) {
        return new TenantOverrides(null, null, new Object[0], false);
      }
      TenantOverride only = overrides.get(0);
      return new TenantOverrides(
          canonical(only.flagKey(), canonical),
          Boolean.valueOf(only.enabled()),
          new Object[0],
          false);
    }
    int slots = 2;
    while (slots < overrides.size() * 2) {
      slots <<= 1;
    }
    Object[] table = new Object[slots * 2];
    int mask = slots - 1;
    for (TenantOverride override : overrides) {
      String key = canonical(override.flagKey(), canonical);
      int i = spread(key.hashCode()) & mask;
      while (table[2 * i] != null && !table[2 * i].equals(key)) {
        i = (i + 1) & mask;
      }
      table[2 * i] = key;
      table[2 * i + 1] = Boolean.valueOf(override.enabled());
    }
    return new TenantOverrides(null, null, table, false);
  }

  /** The snapshot's instance of a key, so lookups usually match by identity. */
  private static String canonical(String key, Snapshot snapshot) {
    CompiledFlag known = snapshot == null ? null : snapshot.flag(key);
    return known == null ? key : known.key;
  }

  /**
   * Fibonacci hashing: keys such as {@code plan-0001, plan-0002} have consecutive hash codes, which
   * with linear probing would form one long run that every miss has to scan; multiplying scatters
   * them.
   */
  private static int spread(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /** The override of a flag, or null; returns cached Boolean instances, so it allocates nothing. */
  Boolean get(String flagKey) {
    String single = singleKey;
    if (single != null) {
      return single == flagKey || single.equals(flagKey) ? singleValue : null;
    }
    int m = mask;
    if (m < 0) {
      return null;
    }
    Object[] t = table;
    int i = spread(flagKey.hashCode()) & m;
    Object k;
    while ((k = t[2 * i]) != null) {
      if (k == flagKey || k.equals(flagKey)) {
        return (Boolean) t[2 * i + 1];
      }
      i = (i + 1) & m;
    }
    return null;
  }

  /**
   * This tenant's overrides whatever the id: lets evaluateAll pass the one lookup it did,
   * allocation-free.
   */
  @Override
  public TenantOverrides overridesOf(String tenantId) {
    return this;
  }
}
