package dev.tenantflags;

import java.util.List;

/**
 * One tenant's overrides as the client caches them: flag key to value. Immutable once built, except
 * for {@link #touched}, the client's bookkeeping of when it last told its cache about a use.
 */
final class TenantOverrides {
  static final TenantOverrides NONE = new TenantOverrides(new Object[0], false);
  /** Used when the store could not be asked; evaluations say their overrides were unavailable. */
  static final TenantOverrides UNAVAILABLE = new TenantOverrides(new Object[0], true);

  /*
   * Performance: an open-addressed table of [key, Boolean] pairs in one array, so a lookup touches
   * this object and one array line instead of a HashMap, its table and a node. Keys are compared by
   * identity first: the client canonicalises them to the snapshot's key strings, which are the ones
   * evaluation passes in.
   */
  private final Object[] table;
  private final int mask;
  final boolean unavailable;
  /** Racy on purpose (see FeatureFlags): a lost update only costs one more cache access. */
  int touched;

  private TenantOverrides(Object[] table, boolean unavailable) {
    this.table = table;
    this.mask = table.length / 2 - 1;
    this.unavailable = unavailable;
  }

  static TenantOverrides of(List<Override> overrides) {
    return overrides.isEmpty() ? NONE : forTenant(overrides, null);
  }

  /**
   * A tenant's own instance (never a shared constant, so {@link #touched} is per tenant).
   *
   * @param canonical the snapshot's key strings by key, to reuse its instances, or null
   */
  static TenantOverrides forTenant(List<Override> overrides, Snapshot canonical) {
    int slots = 2;
    while (slots < overrides.size() * 2) {
      slots <<= 1;
    }
    Object[] table = new Object[slots * 2];
    int mask = slots - 1;
    for (Override override : overrides) {
      String key = override.flagKey();
      CompiledFlag known = canonical == null ? null : canonical.flag(key);
      if (known != null) {
        key = known.key;
      }
      int i = spread(key.hashCode()) & mask;
      while (table[2 * i] != null && !table[2 * i].equals(key)) {
        i = (i + 1) & mask;
      }
      table[2 * i] = key;
      table[2 * i + 1] = Boolean.valueOf(override.enabled());
    }
    return new TenantOverrides(table, false);
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  /** The override of a flag, or null; returns cached Boolean instances, so it allocates nothing. */
  Boolean get(String flagKey) {
    Object[] t = table;
    if (t.length == 0) {
      return null;
    }
    int m = mask;
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
}
