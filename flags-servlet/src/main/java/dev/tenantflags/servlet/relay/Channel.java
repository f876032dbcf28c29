package dev.tenantflags.servlet.relay;

import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UnreadableRow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * One environment of one relay: the published state (flags and every override, as of a change
 * version), a bounded history of change events, and the open streams.
 *
 * Publishing: refresh() runs on the broadcaster's single publisher thread only, so store reads and
 * diffs are never concurrent. When the store's change version moved it loads the flags (diffed
 * against the published ones by value: only changed flags go out), asks changesSince() for the
 * tenants whose overrides changed and loads each tenant's full list. An incomplete change set, or a
 * flag that vanished (environment deleted), publishes a fresh snapshot event instead. The event's
 * version is min(flags' version, change set's version): everything up to it is certainly in the
 * event; later changes are re-read next time (events are idempotent: full flag values, full tenant
 * lists). Unreadable flag rows keep their last published definition (SPEC §4, last good data).
 *
 * Concurrency: `lock` guards the history, the stream set and the swap of `state`, so a stream that
 * registers gets either its backlog from the history or a snapshot, then every later event, with no
 * gap and no duplicate. State objects are immutable (copy on write); their snapshot JSON is
 * built lazily, once per version.
 */
final class Channel {
  private static final Logger LOG = LoggerFactory.getLogger(Channel.class);

  private final String environment;
  private final FlagStore store;
  private final int historySize;
  private final Object lock = new Object();
  private final ArrayDeque<Event> history = new ArrayDeque<>();

  /** Concurrent: a stream that ends while being offered an event removes itself (same thread). */
  private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();

  final AtomicBoolean refreshQueued = new AtomicBoolean();

  /** The newest version a push announced and no refresh has read yet; -1 when none. */
  final AtomicLong pushedVersion = new AtomicLong(-1);

  private volatile State state;
  private long floor;
  private boolean storeDown;
  private AutoCloseable subscription;

  /** One change event: covers the changes in (previous, version]. */
  record Event(long previous, long version, byte[] frame) {}

  Channel(String environment, FlagStore store, int historySize) {
    this.environment = environment;
    this.store = store;
    this.historySize = historySize;
  }

  String environment() {
    return environment;
  }

  /** The published state, or null before the first successful load. */
  State state() {
    return state;
  }

  void subscription(AutoCloseable handle) {
    this.subscription = handle;
  }

  AutoCloseable subscription() {
    return subscription;
  }

  // ---- publisher thread ------------------------------------------------------------------------

  /** Brings the published state up to the store's; publisher thread only. */
  void refresh() {
    refreshQueued.set(false);
    long pushed = pushedVersion.getAndSet(-1);
    try {
      State current = state;
      if (current == null) {
        State loaded = fullLoad(store.loadFlags(environment), null);
        synchronized (lock) {
          state = loaded;
          floor = loaded.version;
        }
        recovered();
        return;
      }
      // A push names the new version: no need to ask the store for it (one round trip saved).
      long started = System.nanoTime();
      long version = pushed > current.version ? pushed : store.changeVersion(environment);
      if (version == current.version) {
        recovered();
        return;
      }
      FlagSet set = store.loadFlags(environment);
      ChangeSet changes = store.changesSince(environment, current.version);
      Map<String, Flag> flags = withLastGood(set, current.flags);
      boolean vanished = !flags.keySet().containsAll(current.flags.keySet());
      long next = Math.max(current.version, Math.min(set.version(), changes.version()));
      if (!changes.complete() || vanished || next == current.version) {
        publishSnapshot(fullLoad(set, current.flags));
        recovered();
        return;
      }
      List<Flag> changed = new ArrayList<>();
      for (Flag flag : flags.values()) {
        if (!flag.equals(current.flags.get(flag.key()))) {
          changed.add(flag);
        }
      }
      Map<String, List<TenantOverride>> tenants = new TreeMap<>();
      for (String tenant : changes.tenantIds()) {
        tenants.put(tenant, List.copyOf(store.loadTenantOverrides(environment, tenant)));
      }
      Map<String, List<TenantOverride>> overrides = new HashMap<>(current.overrides);
      tenants.forEach(
          (tenant, list) -> {
            if (list.isEmpty()) {
              overrides.remove(tenant);
            } else {
              overrides.put(tenant, list);
            }
          });
      State updated = new State(environment, next, flags, overrides);
      String json = RelayEvents.changeJson(current.version, next, changed, tenants);
      long read = System.nanoTime();
      publish(updated, new Event(current.version, next, RelayEvents.frame("change", next, json)));
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "change {} of '{}': read in {} µs, sent to {} streams in {} µs",
            next,
            environment,
            (read - started) / 1000,
            streams.size(),
            (System.nanoTime() - read) / 1000);
      }
      recovered();
    } catch (RuntimeException e) {
      if (!storeDown) {
        storeDown = true;
        LOG.warn(
            "relay cannot read environment '{}' from the store; streams keep the last good data:"
                + " {}",
            environment,
            e.toString());
      }
    }
  }

  private void recovered() {
    if (storeDown) {
      storeDown = false;
      LOG.info("relay reads environment '{}' from the store again", environment);
    }
  }

  /** Flags of {@code set}, plus the last published definition of each unreadable row. */
  private static Map<String, Flag> withLastGood(FlagSet set, Map<String, Flag> previous) {
    Map<String, Flag> flags = new TreeMap<>();
    for (Flag flag : set.flags()) {
      flags.put(flag.key(), flag);
    }
    for (UnreadableRow row : set.unreadable()) {
      Flag lastGood = previous == null ? null : previous.get(row.flagKey());
      if (lastGood != null) {
        flags.putIfAbsent(row.flagKey(), lastGood);
      }
    }
    return flags;
  }

  private State fullLoad(FlagSet set, Map<String, Flag> previous) {
    OverrideSet all = store.loadOverrides(environment);
    Map<String, List<TenantOverride>> byTenant = new HashMap<>();
    for (TenantOverride o : all.overrides()) {
      byTenant.computeIfAbsent(o.tenantId(), t -> new ArrayList<>()).add(o);
    }
    byTenant.replaceAll((t, list) -> List.copyOf(list));
    long version = Math.min(set.version(), all.version());
    return new State(environment, version, withLastGood(set, previous), byTenant);
  }

  private void publish(State next, Event event) {
    synchronized (lock) {
      state = next;
      history.addLast(event);
      while (history.size() > historySize) {
        history.removeFirst();
      }
      streams.removeIf(s -> !s.offer(event.frame()));
    }
  }

  private void publishSnapshot(State next) {
    byte[] frame = next.snapshotEvent();
    synchronized (lock) {
      state = next;
      history.clear();
      floor = next.version;
      streams.removeIf(s -> !s.offer(frame));
    }
  }

  // ---- request and heartbeat threads
  // -------------------------------------------------------------

  /**
   * Adds a stream: sends what it missed since {@code lastEventId} from the history, or a snapshot
   * when the history does not reach back that far (or there is no id), then every later event.
   *
   * @return whether a snapshot was sent
   */
  boolean register(SseStream stream, Long lastEventId) {
    synchronized (lock) {
      State current = state;
      long oldest = history.isEmpty() ? floor : history.peekFirst().previous();
      boolean resumable = lastEventId != null && lastEventId >= oldest;
      if (resumable) {
        for (Event e : history) {
          if (e.version() > lastEventId) {
            stream.offer(e.frame());
          }
        }
      } else {
        stream.offer(current.snapshotEvent());
      }
      if (!stream.isClosed()) {
        streams.add(stream);
      }
      return !resumable;
    }
  }

  void unregister(SseStream stream) {
    synchronized (lock) {
      streams.remove(stream);
    }
  }

  /** Sends a heartbeat comment to every stream and drops the ones stalled for longer than idle. */
  void heartbeat(long now, long idleNanos) {
    synchronized (lock) {
      streams.removeIf(
          s -> {
            if (s.stalled(now, idleNanos)) {
              s.dropSlow();
              return true;
            }
            return !s.offer(RelayEvents.HEARTBEAT);
          });
    }
  }

  /** Ends every stream with a retry hint; returns them so the caller can wait for them. */
  List<SseStream> shutdown(byte[] retryHint) {
    synchronized (lock) {
      List<SseStream> all = new ArrayList<>(streams);
      streams.clear();
      for (SseStream s : all) {
        s.shutdown(retryHint);
      }
      return all;
    }
  }

  int streamCount() {
    synchronized (lock) {
      return streams.size();
    }
  }

  /** An immutable published state of the environment, with its snapshot JSON built on demand. */
  static final class State {
    final String environment;
    final long version;
    final Map<String, Flag> flags;
    final Map<String, List<TenantOverride>> overrides;
    private byte[] json;
    private byte[] event;

    State(
        String environment,
        long version,
        Map<String, Flag> flags,
        Map<String, List<TenantOverride>> overrides) {
      this.environment = environment;
      this.version = version;
      this.flags = Collections.unmodifiableMap(flags);
      this.overrides = Collections.unmodifiableMap(overrides);
    }

    /** The export-format JSON of this state (UTF-8). */
    synchronized byte[] snapshotJson() {
      if (json == null) {
        List<TenantOverride> all =
            overrides.values().stream()
                .flatMap(List::stream)
                .sorted(
                    (a, b) -> {
                      int c = a.flagKey().compareTo(b.flagKey());
                      return c != 0 ? c : a.tenantId().compareTo(b.tenantId());
                    })
                .collect(Collectors.toList());
        json =
            RelayEvents.snapshotJson(environment, version, flags.values(), all)
                .getBytes(StandardCharsets.UTF_8);
      }
      return json;
    }

    /** The {@code snapshot} SSE frame of this state. */
    synchronized byte[] snapshotEvent() {
      if (event == null) {
        event =
            RelayEvents.frame(
                "snapshot", version, new String(snapshotJson(), StandardCharsets.UTF_8));
      }
      return event;
    }
  }
}
