package dev.tenantflags;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The result of {@link FeatureFlags#evaluateAll}: every active flag of one snapshot, in key order,
 * with one bit per flag. Building it costs one small object and a {@code long[]} instead of a hash
 * map with a node per flag; keys and their order come from the immutable snapshot.
 *
 * <p>Immutable: every mutator throws {@link UnsupportedOperationException}.
 */
final class FlagValues extends AbstractMap<String, Boolean> {
  private final Snapshot snapshot;
  private final long[] bits;

  FlagValues(Snapshot snapshot, long[] bits) {
    this.snapshot = snapshot;
    this.bits = bits;
  }

  static long[] newBits(int size) {
    return new long[(size + 63) >>> 6];
  }

  private boolean bit(int i) {
    return (bits[i >>> 6] & (1L << i)) != 0;
  }

  private int indexOf(Object key) {
    if (!(key instanceof String)) {
      return -1;
    }
    CompiledFlag flag = snapshot.flag((String) key);
    return flag == null ? -1 : flag.activeIndex;
  }

  @Override
  public int size() {
    return snapshot.active.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Boolean get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : Boolean.valueOf(bit(i));
  }

  @Override
  public Set<Map.Entry<String, Boolean>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return snapshot.active.length;
      }

      @Override
      public Iterator<Map.Entry<String, Boolean>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < snapshot.active.length;
          }

          @Override
          public Map.Entry<String, Boolean> next() {
            if (next >= snapshot.active.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return Map.entry(snapshot.active[i].key, Boolean.valueOf(bit(i)));
          }
        };
      }
    };
  }
}
