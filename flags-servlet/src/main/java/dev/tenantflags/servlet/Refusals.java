package dev.tenantflags.servlet;

import dev.tenantflags.FeatureFlags;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter's refused requests, per flag (SPEC §8): counted for the client's usage, and logged at
 * most once per flag per minute with the count since the last line. No tenant id is ever logged.
 *
 * <p>Concurrency: one counter per gated flag, built once; counting is a LongAdder increment, and a
 * compare-and-set on the flag's last log time lets exactly one thread write a line per minute.
 */
final class Refusals {

  static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlagFilter.class);

  private static final class Counter {
    final LongAdder sinceLog = new LongAdder();
    final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE);
  }

  private final Map<String, Counter> counters;

  Refusals(Iterable<String> flagKeys) {
    Map<String, Counter> m = new HashMap<>();
    for (String key : flagKeys) {
      m.putIfAbsent(key, new Counter());
    }
    this.counters = Map.copyOf(m);
  }

  /** Counts one refused request of a gated flag, and logs when the flag's minute is up. */
  void record(FeatureFlags flags, String flag, long nowNanos) {
    flags.recordRefusal(flag);
    Counter c = counters.get(flag);
    if (c == null) {
      return;
    }
    c.sinceLog.increment();
    long last = c.lastLog.get();
    if ((last == Long.MIN_VALUE || nowNanos - last >= LOG_INTERVAL_NANOS)
        && c.lastLog.compareAndSet(last, nowNanos)) {
      long n = c.sinceLog.sumThenReset();
      LOG.info(
          "refused {} request(s) for feature '{}' in environment '{}' (logged at most once a"
              + " minute)",
          n,
          flag,
          flags.environment());
    }
  }

  /** Refusals counted since the flag's last log line (for tests). */
  long pending(String flag) {
    Counter c = counters.get(flag);
    return c == null ? 0 : c.sinceLog.sum();
  }
}
