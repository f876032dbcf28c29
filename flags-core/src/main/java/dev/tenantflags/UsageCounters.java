package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.UsageBucket;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * evaluateAll: it adds one count per call to the snapshot (Snapshot.allCalls) plus one per flag
 * whose value depends on the tenant; the flusher multiplies the calls out over the snapshot's
 * constant flags, so a call over 1,000 mostly constant flags is not 1,000 atomic adds.
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
  private static final long[] NONE = new long[2];
  private final LinkedHashMap<String, UsageBucket> pending = new LinkedHashMap<>();

  /**
   * Concurrent: the refresher adds while a flush (holding this object's lock) may be in the store.
   */
  private final ConcurrentLinkedQueue<Snapshot> snapshots = new ConcurrentLinkedQueue<>();

  private final int maxPending;
  private long droppedBuckets;
  private boolean failing;
  private volatile boolean unsupported;

  UsageCounters() {
    this(MAX_PENDING);
  }

  UsageCounters(int maxPending) {
    this.maxPending = maxPending;
  }

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

  /** Called by the refresher with every snapshot it publishes (counting on). */
  void published(Snapshot snapshot) {
    snapshots.add(snapshot);
  }

  /**
   * Turns evaluateAll calls on each snapshot into counts of its constant flags. A replaced snapshot
   * is dropped once a flush found no new calls on it (a late evaluateAll may still hold it).
   */
  private Map<String, long[]> constantCounts() {
    Map<String, long[]> extra = new HashMap<>();
    for (Iterator<Snapshot> it = snapshots.iterator(); it.hasNext(); ) {
      Snapshot s = it.next();
      long total = s.allCalls.trueCount();
      long calls = total - s.allCalls.flushedTrue;
      s.allCalls.flushedTrue = total;
      if (calls == 0 && it.hasNext()) {
        it.remove();
        continue;
      }
      for (int i = 0; i < s.active.length; i++) {
        if (Evaluator.constantValue(s.active[i]) == null) {
          continue;
        }
        boolean on = (s.constantBits[i >>> 6] & (1L << i)) != 0;
        extra.computeIfAbsent(s.active[i].key, k -> new long[2])[on ? 0 : 1] += calls;
      }
    }
    return extra;
  }

  /** Takes the counts since the last flush and adds them to the store; see the design note. */
  synchronized void flush(FlagStore store, String environment, Clock clock) {
    if (unsupported) {
      return;
    }
    Instant now = clock.instant();
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    Map<String, long[]> extra = constantCounts();
    for (FlagUsage u : byKey.values()) {
      long t = u.trueCount();
      long f = u.falseCount();
      long r = u.refusedCount();
      long[] more = extra.getOrDefault(u.key, NONE);
      long dt = t - u.flushedTrue + more[0];
      long df = f - u.flushedFalse + more[1];
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
        pending.size() > maxPending && it.hasNext(); ) {
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
