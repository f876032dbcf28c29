package dev.tenantflags.servlet.relay;

import dev.tenantflags.Environment;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the relay (SPEC §10): watches a {@link FlagStore} and re-publishes each
 * environment's changes to any number of Server-Sent Events streams, as served by {@link
 * RelayEndpoints}.
 *
 * <pre>{@code
 * ChangeBroadcaster relay = ChangeBroadcaster.builder().store(store).build();
 * RelayServlet servlet = RelayServlet.builder().broadcaster(relay).authenticator(auth)
 *     .defaultEnvironment("production").build();
 * }</pre>
 *
 * <p>However many clients stream an environment, the broadcaster holds one store subscription and
 * one poll of the change version for it, and reads each change once: the database load does not
 * grow with clients. Each client has a bounded buffer; a client that does not keep up is dropped
 * and counted ({@link #stats()}), and resumes without loss when it reconnects with {@code
 * Last-Event-ID}. {@link #close()} ends every stream with a {@code retry:} hint.
 *
 * <p>Thread safety: safe for concurrent use; store reads happen on one internal publisher thread.
 */
public final class ChangeBroadcaster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeBroadcaster.class);

  private final FlagStore store;
  private final Builder settings;
  private final ScheduledExecutorService publisher;
  private final ScheduledExecutorService timer;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final Object activation = new Object();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong slowDropped = new AtomicLong();
  private final AtomicLong snapshotsSent = new AtomicLong();
  private volatile boolean closed;

  private ChangeBroadcaster(Builder b) {
    this.store = b.store;
    this.settings = b;
    this.publisher = Executors.newSingleThreadScheduledExecutor(Limits.daemon("tenantflags-relay"));
    this.timer =
        Executors.newSingleThreadScheduledExecutor(Limits.daemon("tenantflags-relay-heartbeat"));
    long poll = b.pollInterval.toMillis();
    publisher.scheduleWithFixedDelay(this::pollAll, poll, poll, TimeUnit.MILLISECONDS);
    long beat = b.heartbeatInterval.toMillis();
    timer.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts building a broadcaster.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the counters of this broadcaster.
   *
   * @return the current counters
   */
  public RelayStats stats() {
    int streams = 0;
    for (Channel c : channels.values()) {
      streams += c.streamCount();
    }
    return new RelayStats(
        streams, opened.get(), slowDropped.get(), snapshotsSent.get(), channels.size());
  }

  // ---- used by RelayEndpoints
  // --------------------------------------------------------------------

  /**
   * The loaded channel of an environment, activating it on first use; null when the environment
   * does not exist.
   *
   * @throws FlagStoreException when the store cannot be read or the relay is closed
   */
  Channel channel(String environment) {
    Channel c = channels.get(environment);
    if (c == null) {
      synchronized (activation) {
        c = channels.get(environment);
        if (c == null) {
          if (closed) {
            throw new FlagStoreException("relay is shutting down");
          }
          boolean exists = false;
          for (Environment e : store.environments()) {
            exists |= e.name().equals(environment);
          }
          if (!exists) {
            return null;
          }
          c = new Channel(environment, store, settings.historySize);
          channels.put(environment, c);
          Channel channel = c;
          try {
            channel.subscription(
                store.subscribe(environment, v -> pushed(channel, v)).orElse(null));
          } catch (RuntimeException e) {
            LOG.warn("change subscription failed; the relay polls only: {}", e.toString());
          }
        }
      }
    }
    if (c.state() == null) {
      Channel channel = c;
      try {
        Future<?> load = publisher.submit(channel::refresh);
        load.get(settings.loadTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        throw new FlagStoreException("relay is shutting down");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlagStoreException("interrupted while loading the environment");
      } catch (ExecutionException | TimeoutException e) {
        throw new FlagStoreException("loading the environment failed", e);
      }
      if (c.state() == null) {
        throw new FlagStoreException("the flag store is unavailable");
      }
    }
    return c;
  }

  /** Takes a connection slot; false when the limit is reached or the relay is closing. */
  boolean acquire() {
    if (closed) {
      return false;
    }
    if (connections.incrementAndGet() > settings.maxConnections) {
      connections.decrementAndGet();
      return false;
    }
    opened.incrementAndGet();
    return true;
  }

  /** Bookkeeping when a stream ended. */
  void ended(Channel channel, SseStream stream, SseStream.End why) {
    connections.decrementAndGet();
    channel.unregister(stream);
    if (why == SseStream.End.SLOW_CONSUMER) {
      slowDropped.incrementAndGet();
    }
  }

  void snapshotSent() {
    snapshotsSent.incrementAndGet();
  }

  Builder settings() {
    return settings;
  }

  long retryMillis() {
    long base = settings.retryHint.toMillis();
    // Jitter, so that streams ended together do not all come back in the same instant.
    return base / 2 + ThreadLocalRandom.current().nextLong(base + 1);
  }

  // ---- internal threads
  // --------------------------------------------------------------------------

  private void pushed(Channel channel, long version) {
    channel.pushedVersion.accumulateAndGet(version, Math::max);
    schedule(channel);
  }

  private void schedule(Channel channel) {
    if (channel.refreshQueued.compareAndSet(false, true)) {
      try {
        publisher.execute(channel::refresh);
      } catch (RejectedExecutionException e) {
        // closed
      }
    }
  }

  private void pollAll() {
    for (Channel c : channels.values()) {
      c.refresh();
    }
  }

  private void heartbeat() {
    long now = System.nanoTime();
    long idle = settings.idleTimeout.toNanos();
    for (Channel c : channels.values()) {
      c.heartbeat(now, idle);
    }
  }

  /**
   * Ends every stream with a {@code retry:} hint (waiting up to two seconds for them to be
   * written), stops the internal threads and the store subscriptions. The store is not closed.
   * Idempotent.
   */
  @Override
  public void close() {
    synchronized (activation) {
      if (closed) {
        return;
      }
      closed = true;
    }
    publisher.shutdownNow();
    timer.shutdownNow();
    List<SseStream> ending = new ArrayList<>();
    for (Channel c : channels.values()) {
      try {
        AutoCloseable subscription = c.subscription();
        if (subscription != null) {
          subscription.close();
        }
      } catch (Exception e) {
        LOG.debug("closing a change subscription failed", e);
      }
      ending.addAll(c.shutdown(RelayEvents.shutdown(retryMillis())));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (SseStream s : ending) {
      while (!s.isClosed() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      s.abort();
    }
    if (!ending.isEmpty()) {
      LOG.info("relay closed {} streams with a retry hint", ending.size());
    }
  }

  /**
   * Configures a {@link ChangeBroadcaster}; every setting but the store has a default.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private FlagStore store;
    private Duration pollInterval = Duration.ofMillis(500);
    private Duration heartbeatInterval = Duration.ofSeconds(15);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration retryHint = Duration.ofSeconds(1);
    private Duration loadTimeout = Duration.ofSeconds(5);
    int historySize = 1024;
    int bufferEvents = 256;
    long bufferBytes = 4L << 20;
    private int maxConnections = 10_000;

    private Builder() {}

    /**
     * Sets the store to watch (required). It is not closed by the broadcaster.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(FlagStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets how often the change version is polled, in addition to the store's pushed notifications
     * (default 500 ms; 50 ms to 10 s).
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Limits.range("pollInterval", interval, 50, 10_000);
      return this;
    }

    /**
     * Sets how often an idle stream gets a heartbeat comment (default 15 s; 10 ms to 5 min). Keep
     * it below the HTTP connector's idle timeout.
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = Limits.range("heartbeatInterval", interval, 10, 300_000);
      return this;
    }

    /**
     * Sets how long a client may leave queued data unread before it is dropped as a slow consumer
     * (default 60 s; 10 ms to 1 h). This also ends streams to clients that vanished without closing
     * the connection.
     *
     * @param timeout the timeout
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Limits.range("idleTimeout", timeout, 10, 3_600_000);
      return this;
    }

    /**
     * Sets the reconnect delay suggested to clients ({@code retry:}), jittered per stream between
     * half and one and a half times it (default 1 s; 10 ms to 1 min).
     *
     * @param hint the suggested delay
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder retryHint(Duration hint) {
      this.retryHint = Limits.range("retryHint", hint, 10, 60_000);
      return this;
    }

    /**
     * Sets how many change events are kept for clients resuming with {@code Last-Event-ID} (default
     * 1024; 1 to 1,000,000). Older resumes get a snapshot.
     *
     * @param events the number of events
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder historySize(int events) {
      this.historySize = (int) Limits.count("historySize", events, 1, 1_000_000);
      return this;
    }

    /**
     * Bounds each client's buffer of unsent events (default 256 events, 4 MiB). A client whose
     * buffer would overflow is dropped as a slow consumer. One event is always accepted into an
     * empty buffer, however large.
     *
     * @param events at most this many events (1 to 1,000,000)
     * @param bytes at most this many bytes (1 KiB to 1 GiB)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder clientBuffer(int events, long bytes) {
      this.bufferEvents = (int) Limits.count("clientBuffer events", events, 1, 1_000_000);
      this.bufferBytes = Limits.count("clientBuffer bytes", bytes, 1024, 1L << 30);
      return this;
    }

    /**
     * Sets how many streams may be open at once; more get 503 with {@code Retry-After} (default
     * 10,000).
     *
     * @param max the limit (1 to 1,000,000)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConnections(int max) {
      this.maxConnections = (int) Limits.count("maxConnections", max, 1, 1_000_000);
      return this;
    }

    /**
     * Sets how long a request waits for an environment's first load before answering 503 (default 5
     * s; 10 ms to 1 min).
     *
     * @param timeout the timeout
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder loadTimeout(Duration timeout) {
      this.loadTimeout = Limits.range("loadTimeout", timeout, 10, 60_000);
      return this;
    }

    /**
     * Builds and starts the broadcaster (its threads; environments are loaded on first request).
     *
     * @return the broadcaster
     * @throws IllegalStateException if no store was set
     */
    public ChangeBroadcaster build() {
      if (store == null) {
        throw new IllegalStateException("store must be set");
      }
      return new ChangeBroadcaster(this);
    }
  }
}
