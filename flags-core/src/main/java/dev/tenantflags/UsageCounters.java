package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.UsageBucket;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * Registry: one FlagUsage per flag key for the client's life (see FlagUsage), also the client's
 * canonical key strings.
 *
 * Flushing (SPEC §8): flush() runs on the refresher's usage worker, never on the evaluation path. It
 * takes each flag's counts since the previous flush and adds them to `pending`, one bucket per (flag,
 * hour of the flush), then hands every pending bucket to FlagStore.addUsage. A failure keeps them
 * pending for the next flush (logged once per state change); pending is capped at MAX_PENDING
 * buckets, dropping the oldest (counted in droppedBuckets), so an outage costs bounded memory. A
 * store without usage (UnsupportedOperationException) is logged once and never asked again.
 *
 * Time: the hot path reads no clock. A bucket's hour and lastEvaluatedAt are the flush's time, so
 * lastEvaluatedAt is accurate to one flush interval, and counts made just before an hour boundary can
 * land in the next hour's bucket (by at most one interval). Totals are exact.
 */
/** Usage counters of one client and their flushing. Thread-safe. */
final class UsageCounters {
  static final int MAX_PENDING = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlags.class);

  private final ConcurrentHashMap<String, FlagUsage> byKey = new ConcurrentHashMap<>();
  private final AtomicInteger nextSlot = new AtomicInteger();
  private final LinkedHashMap<String, UsageBucket> pending = new LinkedHashMap<>();
  private long droppedBuckets;
  private boolean failing;
  private volatile boolean unsupported;

  /** The usage object of a key, created on first sight. */
  FlagUsage forKey(String key) {
    FlagUsage u = byKey.get(key);
    return u != null
        ? u
        : byKey.computeIfAbsent(key, k -> new FlagUsage(k, nextSlot.getAndIncrement()));
  }

  /** The client's instance of a flag key (see {@link TenantOverrides}). */
  String canonicalKey(String key) {
    return forKey(key).key;
  }

  /** The usage object of a known key, or null; allocation-free. */
  FlagUsage get(String key) {
    return byKey.get(key);
  }

  boolean unsupported() {
    return unsupported;
  }

  synchronized long droppedBuckets() {
    return droppedBuckets;
  }

  synchronized int pendingBuckets() {
    return pending.size();
  }

  /** Takes the counts since the last flush and adds them to the store; see the design note. */
  synchronized void flush(FlagStore store, String environment, Clock clock) {
    if (unsupported) {
      return;
    }
    Instant now = clock.instant();
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    for (FlagUsage u : byKey.values()) {
      long t = u.trueCount();
      long f = u.falseCount();
      long r = u.refusedCount();
      long dt = t - u.flushedTrue;
      long df = f - u.flushedFalse;
      long dr = r - u.flushedRefused;
      if (dt == 0 && df == 0 && dr == 0) {
        continue;
      }
      u.flushedTrue = t;
      u.flushedFalse = f;
      u.flushedRefused = r;
      String id = u.key + "@" + hour.getEpochSecond();
      UsageBucket old = pending.remove(id);
      Instant last = dt + df > 0 ? now : old == null ? null : old.lastEvaluatedAt();
      pending.put(
          id,
          new UsageBucket(
              environment,
              u.key,
              hour,
              dt + (old == null ? 0 : old.trueCount()),
              df + (old == null ? 0 : old.falseCount()),
              dr + (old == null ? 0 : old.refusedCount()),
              last));
    }
    if (pending.isEmpty()) {
      return;
    }
    for (Iterator<UsageBucket> it = pending.values().iterator();
        pending.size() > MAX_PENDING && it.hasNext(); ) {
      it.next();
      it.remove();
      droppedBuckets++;
    }
    try {
      store.addUsage(new ArrayList<>(pending.values()));
      pending.clear();
      if (failing) {
        failing = false;
        LOG.info("usage counts of environment '{}' are being stored again", environment);
      }
    } catch (UnsupportedOperationException e) {
      unsupported = true;
      pending.clear();
      LOG.info(
          "the flag store keeps no usage counts; environment '{}' stops flushing them",
          environment);
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn(
            "storing usage counts of environment '{}' failed; retrying at the next flush: {}",
            environment,
            e.toString());
      }
    }
  }

  /** Flag key to counts, for tests and inspection. */
  Map<String, long[]> totals() {
    Map<String, long[]> out = new LinkedHashMap<>();
    byKey.forEach(
        (k, u) -> out.put(k, new long[] {u.trueCount(), u.falseCount(), u.refusedCount()}));
    return out;
  }
}
