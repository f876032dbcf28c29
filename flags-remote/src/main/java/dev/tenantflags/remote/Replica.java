package dev.tenantflags.remote;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagStoreException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * The local copy of one environment and the log of what changed in it, as events arrive.
 *
 * Concurrency: the mirror is immutable and published through a volatile field, so reads take no
 * lock. Events are applied one at a time under `lock`, which also guards the change log that
 * changesSince() reads, so a reader sees a mirror and a log that agree. Listeners are called after
 * the lock is released.
 *
 * Change log: every applied event records (from, to, tenant ids); a snapshot that replaces the
 * mirror records the tenants whose lists differ. changesSince(v) is complete while the log reaches
 * back to v (bounded; older asks get "unknown", and the client drops every cached tenant).
 */
final class Replica {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteFlagStore.class);
  private static final int LOG_SIZE = 4096;

  private record LogEntry(long from, long to, Set<String> tenants) {}

  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final ArrayDeque<LogEntry> changeLog = new ArrayDeque<>();
  private long floor;
  private volatile Mirror mirror;

  /** The current mirror, or null before the first snapshot. */
  Mirror current() {
    return mirror;
  }

  void applySnapshot(Mirror next) {
    synchronized (lock) {
      Mirror old = mirror;
      if (old == null || next.version < old.version) {
        changeLog.clear();
        floor = next.version;
      } else {
        record(old.version, next.version, next.tenantsDifferentFrom(old));
      }
      mirror = next;
    }
    notifyListeners(next.version);
  }

  /**
   * Applies a change; ignores one already held.
   *
   * @throws FlagStoreException when there is no snapshot yet or the event skips versions (the
   *     stream then resynchronises)
   */
  void applyChange(ChangeEvent change) {
    Mirror next;
    synchronized (lock) {
      Mirror old = mirror;
      if (old == null) {
        throw new FlagStoreException("a change arrived before any snapshot");
      }
      if (change.version() <= old.version) {
        return; // already held: a resumed stream may repeat what we have
      }
      if (change.previous() > old.version) {
        throw new FlagStoreException("a change event skipped versions; resynchronising");
      }
      next = old.with(change);
      record(old.version, next.version, change.overrides().keySet());
      mirror = next;
    }
    notifyListeners(next.version);
  }

  private void record(long from, long to, Set<String> tenants) {
    changeLog.addLast(new LogEntry(from, to, Set.copyOf(tenants)));
    while (changeLog.size() > LOG_SIZE) {
      floor = changeLog.removeFirst().to;
    }
  }

  /** What changed after {@code since}, from the events received; requires a mirror. */
  ChangeSet changesSince(long since) {
    synchronized (lock) {
      Mirror m = mirror;
      if (since == m.version) {
        return new ChangeSet(m.version, Set.of(), true);
      }
      if (since < floor || since > m.version) {
        return ChangeSet.unknown(m.version);
      }
      Set<String> tenants = new HashSet<>();
      for (LogEntry e : changeLog) {
        if (e.to > since) {
          tenants.addAll(e.tenants);
        }
      }
      return new ChangeSet(m.version, tenants, true);
    }
  }

  AutoCloseable addListener(LongConsumer listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void notifyListeners(long version) {
    for (LongConsumer l : listeners) {
      try {
        l.accept(version);
      } catch (RuntimeException e) {
        LOG.warn("a change listener failed", e);
      }
    }
  }
}
