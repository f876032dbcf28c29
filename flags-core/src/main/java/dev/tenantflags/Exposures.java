package dev.tenantflags;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * De-duplication: per tenant id a long[] of "quiet until" times (System.nanoTime), indexed by
 * 2 * flag slot + value. An evaluation whose entry is still in the future does nothing but a map
 * get and an array read (no allocation); otherwise it claims the entry with a CAS, so concurrent
 * evaluations of one (flag, tenant, value) emit once. Growing a tenant's array (a flag with a new
 * slot) may race and forget an entry, which can emit one extra event; the map is cleared when it
 * holds more than MAX_TENANTS tenants, with the same effect. Both are rare and bounded.
 *
 * Delivery: the event goes into a bounded queue with offer() (never blocks); a full queue counts a
 * drop. One daemon thread takes events and calls the listener.
 */
/** Opt-in exposure events (issue 12). Thread-safe. */
final class Exposures {
  static final int QUEUE = 10_000;
  static final int MAX_TENANTS = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlags.class);
  private static final VarHandle QUIET = MethodHandles.arrayElementVarHandle(long[].class);

  private final ExposureListener listener;
  private final long windowNanos;
  private final Clock clock;
  private final BlockingQueue<Exposure> queue;
  private final ConcurrentHashMap<String, long[]> quietUntil = new ConcurrentHashMap<>();
  private final LongAdder drops = new LongAdder();
  private final Thread dispatcher;
  private volatile boolean listenerFailed;

  Exposures(
      ExposureListener listener, Duration window, Clock clock, String environment, int capacity) {
    this.listener = listener;
    this.windowNanos = window.toNanos();
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.dispatcher = new Thread(this::dispatch, "tenantflags-exposure-" + environment);
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  void record(CompiledFlag flag, String tenantId, Evaluation e) {
    long now = System.nanoTime();
    int i = 2 * flag.slot + (e.enabled() ? 1 : 0);
    long[] quiet = quietUntil.get(tenantId);
    if (quiet == null || i >= quiet.length) {
      quiet = grow(tenantId, quiet, i);
    }
    long until = (long) QUIET.getVolatile(quiet, i);
    if (until != 0 && now - until < 0) {
      return;
    }
    if (!QUIET.compareAndSet(quiet, i, until, now + windowNanos)) {
      return; // another thread emits this one
    }
    if (!queue.offer(new Exposure(flag.key, tenantId, e.enabled(), e.reason(), clock.instant()))) {
      drops.increment();
    }
  }

  private long[] grow(String tenantId, long[] old, int index) {
    if (old == null && quietUntil.size() >= MAX_TENANTS) {
      quietUntil.clear();
    }
    int length = Math.max(16, Integer.highestOneBit(index) << 1);
    long[] grown = old == null ? new long[length] : Arrays.copyOf(old, length);
    long[] raced = quietUntil.putIfAbsent(tenantId, grown);
    if (raced == null) {
      return grown;
    }
    if (raced.length > index) {
      return raced;
    }
    quietUntil.put(tenantId, grown);
    return grown;
  }

  long drops() {
    return drops.sum();
  }

  private void dispatch() {
    while (true) {
      Exposure next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        listener.onExposure(next);
      } catch (Throwable t) {
        if (!listenerFailed) {
          listenerFailed = true;
          LOG.warn("exposure listener failed (logged once): {}", t.toString());
        }
      }
    }
  }

  void close() {
    dispatcher.interrupt();
  }
}
