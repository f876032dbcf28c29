package dev.tenantflags;

import java.util.Collection;

/**
 * An immutable set of strings for scope matching: open addressing over one array, so {@code
 * contains} touches the table and the candidate string, where a {@code HashSet} walks set, map,
 * table and node. Allocation-free lookups; built once per compiled flag.
 */
final class StringSet {
  private final String[] table;

  /** The hash code of each slot's string, so a probe that meets another value skips its bytes. */
  private final int[] hashes;

  private final int mask;

  StringSet(Collection<String> values) {
    int slots = OpenAddressing.slots(values.size(), 4);
    table = new String[slots];
    hashes = new int[slots];
    mask = slots - 1;
    for (String value : values) {
      int i = OpenAddressing.spread(value.hashCode()) & mask;
      while (table[i] != null && !table[i].equals(value)) {
        i = (i + 1) & mask;
      }
      table[i] = value;
      hashes[i] = value.hashCode();
    }
  }

  boolean contains(String value) {
    String[] t = table;
    int[] h = hashes;
    int m = mask;
    int hash = value.hashCode();
    int i = OpenAddressing.spread(hash) & m;
    String candidate;
    while ((candidate = t[i]) != null) {
      if (candidate == value || (h[i] == hash && candidate.equals(value))) {
        return true;
      }
      i = (i + 1) & m;
    }
    return false;
  }
}
