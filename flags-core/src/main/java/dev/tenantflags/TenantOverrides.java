package dev.tenantflags;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One tenant's overrides as the client holds them: flag key to value. Immutable once built, except
 * for {@link #touched}, the lazy holder's bookkeeping of when it last told its cache about a use.
 */
final class TenantOverrides implements Evaluator.OverrideSource {
  /** The table of a tenant with at most one override; empty, so shared. */
  private static final Object[] NO_TABLE = new Object[0];

  static final TenantOverrides NONE = new TenantOverrides(null, null, NO_TABLE, false);

  /** Used when the store could not be asked; evaluations say their overrides were unavailable. */
  static final TenantOverrides UNAVAILABLE = new TenantOverrides(null, null, NO_TABLE, true);

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

  /** Racy on purpose (see LazyOverrides): a lost update only costs one more cache access. */
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
   * @param canonical maps a flag key to the instance evaluation passes in, or null
   */
  static TenantOverrides forTenant(
      List<TenantOverride> overrides, UnaryOperator<String> canonical) {
    String[] keys = new String[overrides.size()];
    boolean[] values = new boolean[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = overrides.get(i).flagKey();
      values[i] = overrides.get(i).enabled();
    }
    return build(keys, values, canonical);
  }

  /** As {@link #forTenant(List, UnaryOperator)}, from flag key to value. */
  static TenantOverrides forTenant(
      Map<String, Boolean> overrides, UnaryOperator<String> canonical) {
    String[] keys = new String[overrides.size()];
    boolean[] values = new boolean[keys.length];
    int i = 0;
    for (Map.Entry<String, Boolean> e : overrides.entrySet()) {
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    return build(keys, values, canonical);
  }

  private static TenantOverrides build(
      String[] keys, boolean[] values, UnaryOperator<String> canonical) {
    if (keys.length <= 1) {
      return keys.length == 0
          ? new TenantOverrides(null, null, NO_TABLE, false)
          : new TenantOverrides(
              canonical(keys[0], canonical), Boolean.valueOf(values[0]), NO_TABLE, false);
    }
    int slots = OpenAddressing.slots(keys.length, 2);
    Object[] table = new Object[slots * 2];
    int mask = slots - 1;
    for (int k = 0; k < keys.length; k++) {
      String key = canonical(keys[k], canonical);
      int i = OpenAddressing.spread(key.hashCode()) & mask;
      while (table[2 * i] != null && !table[2 * i].equals(key)) {
        i = (i + 1) & mask;
      }
      table[2 * i] = key;
      table[2 * i + 1] = Boolean.valueOf(values[k]);
    }
    return new TenantOverrides(null, null, table, false);
  }

  /** The client's instance of a key, so lookups usually match by identity. */
  private static String canonical(String key, UnaryOperator<String> canonical) {
    return canonical == null ? key : canonical.apply(key);
  }

  /** The number of overrides. */
  int size() {
    if (singleKey != null) {
      return 1;
    }
    int n = 0;
    for (int i = 0; i < table.length; i += 2) {
      if (table[i] != null) {
        n++;
      }
    }
    return n;
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
    int i = OpenAddressing.spread(flagKey.hashCode()) & m;
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
