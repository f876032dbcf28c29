package dev.tenantflags.remote;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagExport;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.OverrideSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One immutable copy of an environment as the relay last told it: flags, overrides by tenant and by
 * flag, and the change version. A change produces a new mirror that shares the unchanged parts
 * (copy on write of the outer maps only).
 */
final class Mirror {
  final long version;
  final Map<String, Flag> flags;
  final Map<String, List<TenantOverride>> byTenant;
  final Map<String, Map<String, TenantOverride>> byFlag;
  final long overrideCount;
  private volatile FlagSet flagSet;
  private volatile OverrideSet overrideSet;

  private Mirror(
      long version,
      Map<String, Flag> flags,
      Map<String, List<TenantOverride>> byTenant,
      Map<String, Map<String, TenantOverride>> byFlag) {
    this.version = version;
    this.flags = Collections.unmodifiableMap(flags);
    this.byTenant = Collections.unmodifiableMap(byTenant);
    this.byFlag = Collections.unmodifiableMap(byFlag);
    long count = 0;
    for (List<TenantOverride> list : byTenant.values()) {
      count += list.size();
    }
    this.overrideCount = count;
  }

  static Mirror of(FlagExport export) {
    Map<String, Flag> flags = new TreeMap<>();
    for (Flag f : export.flags()) {
      flags.put(f.key(), f);
    }
    Map<String, List<TenantOverride>> byTenant = new HashMap<>();
    Map<String, Map<String, TenantOverride>> byFlag = new HashMap<>();
    for (TenantOverride o : export.overrides()) {
      byTenant.computeIfAbsent(o.tenantId(), t -> new ArrayList<>()).add(o);
      byFlag.computeIfAbsent(o.flagKey(), k -> new TreeMap<>()).put(o.tenantId(), o);
    }
    byTenant.replaceAll((t, list) -> List.copyOf(sorted(list)));
    byFlag.replaceAll((k, map) -> Collections.unmodifiableMap(map));
    return new Mirror(export.version(), flags, byTenant, byFlag);
  }

  /** This mirror with a change applied. */
  Mirror with(ChangeEvent change) {
    Map<String, Flag> flags = this.flags;
    if (!change.flags().isEmpty()) {
      flags = new TreeMap<>(this.flags);
      for (Flag f : change.flags()) {
        flags.put(f.key(), f);
      }
    }
    Map<String, List<TenantOverride>> byTenant = this.byTenant;
    Map<String, Map<String, TenantOverride>> byFlag = this.byFlag;
    if (!change.overrides().isEmpty()) {
      byTenant = new HashMap<>(this.byTenant);
      byFlag = new HashMap<>(this.byFlag);
      Set<String> copied = new HashSet<>();
      for (Map.Entry<String, List<TenantOverride>> e : change.overrides().entrySet()) {
        String tenant = e.getKey();
        List<TenantOverride> old = byTenant.getOrDefault(tenant, List.of());
        for (TenantOverride o : old) {
          mutable(byFlag, copied, o.flagKey()).remove(tenant);
        }
        for (TenantOverride o : e.getValue()) {
          mutable(byFlag, copied, o.flagKey()).put(tenant, o);
        }
        if (e.getValue().isEmpty()) {
          byTenant.remove(tenant);
        } else {
          byTenant.put(tenant, List.copyOf(sorted(new ArrayList<>(e.getValue()))));
        }
      }
      for (String key : copied) {
        Map<String, TenantOverride> map = byFlag.get(key);
        if (map.isEmpty()) {
          byFlag.remove(key);
        } else {
          byFlag.put(key, Collections.unmodifiableMap(map));
        }
      }
    }
    return new Mirror(change.version(), flags, byTenant, byFlag);
  }

  private static Map<String, TenantOverride> mutable(
      Map<String, Map<String, TenantOverride>> byFlag, Set<String> copied, String key) {
    if (copied.add(key)) {
      byFlag.put(key, new TreeMap<>(byFlag.getOrDefault(key, Map.of())));
    }
    return byFlag.get(key);
  }

  /** The tenants whose override lists differ between this mirror and {@code other}. */
  Set<String> tenantsDifferentFrom(Mirror other) {
    Set<String> changed = new HashSet<>();
    for (Map.Entry<String, List<TenantOverride>> e : byTenant.entrySet()) {
      if (!Objects.equals(e.getValue(), other.byTenant.get(e.getKey()))) {
        changed.add(e.getKey());
      }
    }
    for (String tenant : other.byTenant.keySet()) {
      if (!byTenant.containsKey(tenant)) {
        changed.add(tenant);
      }
    }
    return changed;
  }

  FlagSet flagSet() {
    FlagSet set = flagSet;
    if (set == null) {
      set = new FlagSet(version, new ArrayList<>(flags.values()), byFlag.keySet());
      flagSet = set;
    }
    return set;
  }

  OverrideSet overrideSet() {
    OverrideSet set = overrideSet;
    if (set == null) {
      List<TenantOverride> all = new ArrayList<>();
      for (Map<String, TenantOverride> perFlag : new TreeMap<>(byFlag).values()) {
        all.addAll(perFlag.values());
      }
      set = new OverrideSet(version, all, List.of());
      overrideSet = set;
    }
    return set;
  }

  private static List<TenantOverride> sorted(List<TenantOverride> list) {
    list.sort((a, b) -> a.flagKey().compareTo(b.flagKey()));
    return list;
  }
}
