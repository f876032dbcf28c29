package dev.tenantflags;

import dev.tenantflags.spi.UnreadableRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable, compiled view of one environment's flags and the override source that goes with
 * them, at one change version. The client publishes it through one volatile field; readers never
 * see it change.
 */
final class Snapshot {
  final long version;
  final boolean bootstrap;

  /** Readable flags (and the last good definition of unreadable ones), in key order. */
  final List<Flag> flags;

  final Map<String, CompiledFlag> byKey;

  /** Non-archived, readable flags in key order, for evaluateAll. */
  final CompiledFlag[] active;

  final boolean anyOverrides;

  /** Where this snapshot's overrides come from: an {@link OverrideIndex}, or the lazy holder. */
  final Evaluator.OverrideSource overrides;

  /** The in-memory overrides, or null in lazy mode. */
  final OverrideIndex index;

  /** Rows the store could not read, flags and overrides (SPEC §4). */
  final List<UnreadableRow> unreadable;

  /**
   * For evaluateAll: the values of active flags whose answer cannot depend on the tenant, one bit
   * per active index; the others are listed in {@link #tenantDependent} and evaluated per call.
   */
  final long[] constantBits;

  final int[] tenantDependent;

  /**
   * evaluateAll calls on this snapshot (its true column), when counting: the flusher multiplies
   * them out over {@link #constantBits}, so evaluateAll counts the constant flags with one add.
   */
  final FlagUsage allCalls;

  /** What a snapshot is compiled with, the same for every snapshot of a client. */
  record Context(BucketCache buckets, UsageCounters usage, boolean counting) {
    static final Context PLAIN = new Context(null, null, false);
  }

  /**
   * Compiles a snapshot.
   *
   * @param flags the readable flags
   * @param withOverrides keys of flags that have overrides
   * @param unreadableFlags flag rows the store could not read; each keeps {@code previous}'s
   *     definition, else evaluates to ERROR
   * @param previous the snapshot being replaced, or null
   * @param index every override in memory, or null when {@code lazy} is used
   * @param lazy the lazy override source, used when {@code index} is null
   */
  Snapshot(
      long version,
      boolean bootstrap,
      Collection<Flag> flags,
      Set<String> withOverrides,
      List<UnreadableRow> unreadableFlags,
      Snapshot previous,
      OverrideIndex index,
      Evaluator.OverrideSource lazy,
      Context context) {
    this.version = version;
    this.bootstrap = bootstrap;
    this.index = index;
    this.overrides = index != null ? index : lazy;
    Map<String, Flag> definitions = new HashMap<>();
    for (Flag flag : flags) {
      definitions.put(flag.key(), flag);
    }
    List<String> errors = new ArrayList<>();
    for (UnreadableRow row : unreadableFlags) {
      if (definitions.containsKey(row.flagKey())) {
        continue;
      }
      CompiledFlag last = previous == null ? null : previous.flag(row.flagKey());
      if (last != null && last.flag != null) {
        definitions.put(row.flagKey(), last.flag);
      } else {
        errors.add(row.flagKey());
      }
    }
    List<Flag> sorted = new ArrayList<>(definitions.values());
    sorted.sort(Comparator.comparing(Flag::key));
    this.flags = List.copyOf(sorted);
    List<UnreadableRow> rows = new ArrayList<>(unreadableFlags);
    if (index != null) {
      rows.addAll(index.unreadable);
    }
    this.unreadable = List.copyOf(rows);

    Map<String, CompiledFlag> map = new HashMap<>();
    List<CompiledFlag> activeList = new ArrayList<>();
    for (Flag flag : this.flags) {
      boolean has =
          withOverrides.contains(flag.key())
              || (index != null && index.flagKeys.contains(flag.key()));
      CompiledFlag compiled = compile(flag, has, context);
      map.put(compiled.key, compiled);
      if (!flag.archived()) {
        activeList.add(compiled);
      }
    }
    for (String key : errors) {
      map.put(key, CompiledFlag.unreadable(key));
    }
    int i = 0;
    for (CompiledFlag compiled : map.values()) {
      compiled.index = i++;
      if (compiled.flag == null) {
        continue;
      }
      List<String> keys = compiled.flag.prerequisites();
      CompiledFlag[] resolved = new CompiledFlag[keys.size()];
      for (int p = 0; p < resolved.length; p++) {
        resolved[p] = map.get(keys.get(p));
      }
      compiled.prerequisites = resolved;
    }
    for (CompiledFlag compiled : map.values()) {
      for (CompiledFlag p : compiled.prerequisites) {
        compiled.prerequisiteGraph |=
            p != null && p.flag != null && !p.flag.prerequisites().isEmpty();
      }
    }
    this.byKey = map;
    this.active = activeList.toArray(new CompiledFlag[0]);
    long[] constants = FlagValues.newBits(active.length);
    int[] dependent = new int[active.length];
    int dependentCount = 0;
    for (int a = 0; a < active.length; a++) {
      active[a].activeIndex = a;
      Boolean constant = active[a].tenantIndependentValue();
      if (constant == null) {
        dependent[dependentCount++] = a;
      } else if (constant) {
        constants[a >>> 6] |= 1L << a;
      }
    }
    this.constantBits = constants;
    this.tenantDependent = Arrays.copyOf(dependent, dependentCount);
    this.anyOverrides = !withOverrides.isEmpty() || (index != null && !index.flagKeys.isEmpty());
    this.allCalls = context.counting() ? new FlagUsage("", -1) : null;
  }

  private static CompiledFlag compile(Flag flag, boolean hasOverrides, Context context) {
    // One registry lookup per flag: the same object gives the key, the slot and the counters.
    FlagUsage stable = context.usage() == null ? null : context.usage().forKey(flag.key());
    CompiledFlag compiled = new CompiledFlag(flag, hasOverrides, context.buckets(), stable);
    if (context.counting()) {
      compiled.usage = stable;
    }
    return compiled;
  }

  CompiledFlag flag(String key) {
    return byKey.get(key);
  }

  /** The number of overrides held in memory; -1 in lazy mode. */
  long overridesInMemory() {
    return index == null ? -1 : index.count;
  }
}
