package dev.tenantflags;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * Design note
 *
 * Hot path: record() is one atomic add on a long in a stripe chosen by the thread's id (Fibonacci
 * spread), no allocation, no lock, no clock read. Stripes are a cache line apart (STRIDE longs), so
 * two threads counting the same flag usually write different lines: no contention cliff with 2
 * threads. Collisions (two threads on one stripe) stay exact because the add is atomic.
 *
 * Flushing: the flusher sums the stripes and remembers what it took (flushed*), so counters are never
 * reset and no count is lost between the sum and a reset. Only the flusher touches flushed*.
 *
 * Identity: one instance per flag key for the client's life, so counts survive snapshot swaps;
 * `key` is also the canonical String instance that snapshots and override tables share (identity
 * comparisons on the hot path), and `slot` a small stable number per key (exposure de-duplication).
 */
/** Per-flag usage counters (SPEC §8), striped for concurrent increments. Thread-safe. */
final class FlagUsage {
  static final int STRIPES;

  private static final int STRIPE_SHIFT;
  private static final int STRIDE = 8;
  private static final int TRUE = 0;
  private static final int FALSE = 1;
  private static final int REFUSED = 2;
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    int stripes = 4;
    while (stripes < 2 * Runtime.getRuntime().availableProcessors() && stripes < 64) {
      stripes <<= 1;
    }
    STRIPES = stripes;
    STRIPE_SHIFT = 64 - Integer.numberOfTrailingZeros(stripes);
  }

  final String key;
  final int slot;

  /** One padding line, then STRIPES lines of [true, false, refused, unused...]. */
  private final long[] cells = new long[(STRIPES + 1) * STRIDE];

  long flushedTrue;
  long flushedFalse;
  long flushedRefused;

  FlagUsage(String key, int slot) {
    this.key = key;
    this.slot = slot;
  }

  @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+
  private static int base() {
    long id = Thread.currentThread().getId();
    return (1 + (int) ((id * 0x9E3779B97F4A7C15L) >>> STRIPE_SHIFT)) * STRIDE;
  }

  void record(boolean enabled) {
    CELLS.getAndAdd(cells, base() + (enabled ? TRUE : FALSE), 1L);
  }

  void refused() {
    CELLS.getAndAdd(cells, base() + REFUSED, 1L);
  }

  long trueCount() {
    return sum(TRUE);
  }

  long falseCount() {
    return sum(FALSE);
  }

  long refusedCount() {
    return sum(REFUSED);
  }

  private long sum(int column) {
    long total = 0;
    for (int s = 1; s <= STRIPES; s++) {
      total += (long) CELLS.getVolatile(cells, s * STRIDE + column);
    }
    return total;
  }
}
