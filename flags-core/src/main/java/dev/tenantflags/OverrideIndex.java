package dev.tenantflags;

import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UnreadableRow;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/*
 * Design note
 *
 * What: every override of the environment in memory (SPEC §4 default mode), tenant id to that
 * tenant's TenantOverrides. Immutable: the refresher builds a new index and publishes it inside the
 * new Snapshot, so flags and overrides change together in one volatile write, and a lookup is one
 * HashMap.get (no allocation, no I/O); an unknown tenant gets the shared NONE.
 *
 * Updates: a full build from FlagStore.loadOverrides at start, after an outage and when the store's
 * change log cannot tell what changed; otherwise with(...) copies the map and replaces only the
 * tenants changesSince named, reloaded with loadTenantOverrides. The copy is O(tenants) on the
 * refresher's worker, not on the hot path; a change to one tenant of 1,000,000 costs tens of
 * milliseconds there, which is the price of lock-free immutable reads.
 *
 * Unreadable rows: a row the store could not map keeps the value this index had for it (last good),
 * else it is absent; both cases are reported through the snapshot's unreadable list.
 */
/** Every override of one environment, immutable. Thread-safe. */
final class OverrideIndex implements Evaluator.OverrideSource {
  static final OverrideIndex EMPTY = new OverrideIndex(0, Map.of(), Set.of(), 0, List.of());

  /** The change version this index reflects. */
  final long version;

  /** Flags with at least one override here (after incremental updates, possibly a superset). */
  final Set<String> flagKeys;

  final long count;
  final List<UnreadableRow> unreadable;
  private final Map<String, TenantOverrides> byTenant;

  private OverrideIndex(
      long version,
      Map<String, TenantOverrides> byTenant,
      Set<String> flagKeys,
      long count,
      List<UnreadableRow> unreadable) {
    this.version = version;
    this.byTenant = byTenant;
    this.flagKeys = flagKeys;
    this.count = count;
    this.unreadable = unreadable;
  }

  @Override
  public TenantOverrides overridesOf(String tenantId) {
    TenantOverrides t = byTenant.get(tenantId);
    return t == null ? TenantOverrides.NONE : t;
  }

  int tenantCount() {
    return byTenant.size();
  }

  /**
   * Builds an index from a full load; unreadable rows keep {@code previous}'s value.
   *
   * @param canonical maps a flag key to the instance evaluation passes in
   */
  static OverrideIndex of(
      OverrideSet set, OverrideIndex previous, UnaryOperator<String> canonical) {
    Map<String, Map<String, Boolean>> grouped = new HashMap<>();
    for (TenantOverride o : set.overrides()) {
      grouped
          .computeIfAbsent(o.tenantId(), k -> new LinkedHashMap<>())
          .put(o.flagKey(), o.enabled());
    }
    for (UnreadableRow row : set.unreadable()) {
      Boolean last =
          previous == null || row.tenantId() == null
              ? null
              : previous.overridesOf(row.tenantId()).get(row.flagKey());
      if (last != null) {
        grouped
            .computeIfAbsent(row.tenantId(), k -> new LinkedHashMap<>())
            .put(row.flagKey(), last);
      }
    }
    Map<String, TenantOverrides> byTenant = new HashMap<>(grouped.size() * 4 / 3 + 1);
    Set<String> keys = new HashSet<>();
    long count = 0;
    for (Map.Entry<String, Map<String, Boolean>> e : grouped.entrySet()) {
      byTenant.put(e.getKey(), TenantOverrides.forTenant(e.getValue(), canonical));
      keys.addAll(e.getValue().keySet());
      count += e.getValue().size();
    }
    return new OverrideIndex(set.version(), byTenant, Set.copyOf(keys), count, set.unreadable());
  }

  /** A copy in which the named tenants have exactly the given overrides (none: removed). */
  OverrideIndex with(
      Map<String, List<TenantOverride>> tenants, long newVersion, UnaryOperator<String> canonical) {
    Map<String, TenantOverrides> copy = new HashMap<>(byTenant);
    Set<String> keys = new HashSet<>(flagKeys);
    long newCount = count;
    for (Map.Entry<String, List<TenantOverride>> e : tenants.entrySet()) {
      TenantOverrides old = copy.remove(e.getKey());
      if (old != null) {
        newCount -= old.size();
      }
      List<TenantOverride> list = e.getValue();
      if (!list.isEmpty()) {
        Map<String, Boolean> values = new LinkedHashMap<>();
        for (TenantOverride o : list) {
          values.put(o.flagKey(), o.enabled());
          keys.add(o.flagKey());
        }
        copy.put(e.getKey(), TenantOverrides.forTenant(values, canonical));
        newCount += values.size();
      }
    }
    return new OverrideIndex(
        Math.max(version, newVersion), copy, Set.copyOf(keys), newCount, unreadable);
  }
}
