package dev.tenantflags;

import dev.tenantflags.spi.FlagSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, compiled view of one environment's flags at one change version. The client
 * publishes it through one volatile field; readers never see it change.
 */
final class Snapshot {
  final long version;
  final boolean bootstrap;
  final List<Flag> flags;
  final Map<String, CompiledFlag> byKey;

  /** Non-archived flags in key order, for evaluateAll. */
  final CompiledFlag[] active;

  final boolean anyOverrides;

  /**
   * For evaluateAll: the values of active flags whose answer cannot depend on the tenant (OFF, ON
   * without prerequisites or overrides, ...), one bit per active index; the others are listed in
   * {@link #tenantDependent} and evaluated per call.
   */
  final long[] constantBits;

  final int[] tenantDependent;

  Snapshot(FlagSet set, boolean bootstrap) {
    this(set, bootstrap, null);
  }

  Snapshot(FlagSet set, boolean bootstrap, BucketCache bucketCache) {
    this.version = set.version();
    this.bootstrap = bootstrap;
    this.flags = set.flags();
    Map<String, CompiledFlag> map = new HashMap<>();
    List<CompiledFlag> activeList = new ArrayList<>();
    for (Flag flag : set.flags()) {
      CompiledFlag compiled =
          new CompiledFlag(flag, set.flagsWithOverrides().contains(flag.key()), bucketCache);
      map.put(flag.key(), compiled);
      if (!flag.archived()) {
        activeList.add(compiled);
      }
    }
    for (CompiledFlag compiled : map.values()) {
      List<String> keys = compiled.flag.prerequisites();
      CompiledFlag[] resolved = new CompiledFlag[keys.size()];
      for (int i = 0; i < resolved.length; i++) {
        resolved[i] = map.get(keys.get(i));
      }
      compiled.prerequisites = resolved;
    }
    activeList.sort((a, b) -> a.key.compareTo(b.key));
    this.byKey = map;
    this.active = activeList.toArray(new CompiledFlag[0]);
    long[] constants = FlagValues.newBits(active.length);
    int[] dependent = new int[active.length];
    int dependentCount = 0;
    for (int i = 0; i < active.length; i++) {
      active[i].activeIndex = i;
      Boolean constant = active[i].tenantIndependentValue();
      if (constant == null) {
        dependent[dependentCount++] = i;
      } else if (constant) {
        constants[i >>> 6] |= 1L << i;
      }
    }
    this.constantBits = constants;
    this.tenantDependent = Arrays.copyOf(dependent, dependentCount);
    this.anyOverrides = !set.flagsWithOverrides().isEmpty();
  }

  CompiledFlag flag(String key) {
    return byKey.get(key);
  }
}
