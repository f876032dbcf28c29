package dev.tenantflags.remote;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagExport;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreException;
import dev.tenantflags.spi.OverrideSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only {@link FlagStore} that mirrors one environment from flags-server (or any server of
 * SPEC §10) over HTTP, so that application instances need no database connection.
 *
 * <pre>{@code
 * FlagStore store = RemoteFlagStore.builder()
 *     .servers(URI.create("http://flags-1:8080/"), URI.create("http://flags-2:8080/"))
 *     .environment("production")
 *     .token(System.getenv("FLAGS_SDK_TOKEN"))      // a token with role SDK
 *     .build();
 * FeatureFlags flags = FeatureFlags.builder().store(store).environment("production").build();
 * }</pre>
 *
 * <p>At start it reads {@code GET /api/snapshot} (bounded by the connect timeout), then follows
 * {@code GET /api/stream}: every change event updates the local mirror and notifies {@link
 * #subscribe} listeners, so a client learns of a change as soon as the relay sends it. Lost
 * connections are retried with exponential backoff and jitter over the list of servers, resuming
 * with {@code Last-Event-ID}; a relay that cannot resume sends a snapshot. Reads are answered from
 * the mirror and never wait on the network.
 *
 * <p>Failure rules (SPEC §4): if no snapshot could be loaded at start, every read throws {@link
 * FlagStoreException} until the stream delivers one, so the client's start-up rules (bootstrap
 * file, defaults, strict mode) apply. While the stream is down for longer than {@code staleAfter},
 * {@link #changeVersion} throws, so the client reports {@code STALE} and keeps serving its last
 * good data; it recovers by itself when the stream is back. Every write method throws {@link
 * UnsupportedOperationException}: change flags through the admin API.
 *
 * <p>Thread safety: safe for concurrent use; the mirror is immutable and swapped atomically.
 */
public final class RemoteFlagStore implements FlagStore {

  /*
   * Design note
   *
   * Three parts: Replica holds the mirror and the change log (reads never lock), EventStream keeps
   * the connection (no thread of its own), and this class answers the SPI from the replica.
   *
   * Failure handling: the stream reconnects by itself; `disconnectedAt` tells how long it has been
   * down, and changeVersion() throws once that exceeds staleAfter, so the client turns STALE.
   */

  private static final Logger LOG = LoggerFactory.getLogger(RemoteFlagStore.class);
  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9_-]{1,32}");

  private final List<URI> servers;
  private final String environment;
  private final Duration connectTimeout;
  private final Duration staleAfter;
  private final EventStream stream;
  private final int firstServer;
  private final Replica replica = new Replica();
  private volatile long disconnectedAt;
  private volatile boolean connected;
  private volatile boolean closed;

  private RemoteFlagStore(Builder b) {
    this.servers = List.copyOf(b.servers);
    this.environment = b.environment;
    this.connectTimeout = b.connectTimeout;
    this.staleAfter = b.staleAfter;
    HttpClient http =
        b.http != null
            ? b.http
            : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .build();
    this.disconnectedAt = System.nanoTime();
    this.firstServer = b.spread ? ThreadLocalRandom.current().nextInt(servers.size()) : 0;
    this.stream =
        new EventStream(
            http,
            servers,
            environment,
            b.token,
            b.connectTimeout,
            b.heartbeatTimeout,
            b.minBackoff,
            b.maxBackoff,
            firstServer,
            new Handler());
  }

  /**
   * Starts building a store.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  private void start() {
    EventStream.Fetched fetched = stream.snapshot(firstServer);
    String problem = fetched.problem();
    if (fetched.body() != null) {
      try {
        applySnapshot(FlagExport.parse(fetched.body(), environment));
      } catch (RuntimeException e) {
        problem = "unreadable snapshot: " + e.getMessage();
      }
    }
    if (replica.current() == null) {
      LOG.warn(
          "no snapshot of environment '{}' within {} ({}); reads fail until the stream delivers"
              + " one",
          environment,
          connectTimeout,
          problem);
    }
    stream.start();
  }

  private URI endpoint(URI base, String what) {
    return EventStream.endpoint(base, what, environment);
  }

  private void applySnapshot(FlagExport export) {
    if (!export.environment().equals(environment)) {
      throw new FlagStoreException("the relay sent another environment's snapshot");
    }
    replica.applySnapshot(Mirror.of(export));
  }

  private final class Handler implements EventStream.Handler {
    @Override
    public long resumeFrom() {
      Mirror m = replica.current();
      return m == null ? -1 : m.version;
    }

    @Override
    public void onEvent(String type, String data) {
      switch (type) {
        case "snapshot" -> applySnapshot(FlagExport.parse(data, environment));
        case "change" -> {
          if (replica.current() == null) {
            throw new FlagStoreException("a change arrived before any snapshot");
          }
          replica.applyChange(ChangeEvent.parse(data, environment));
        }
        default -> {
          // unknown event types are for newer clients
        }
      }
    }

    @Override
    public void onConnected() {
      boolean was = connected;
      connected = true;
      if (!was) {
        LOG.info("relay stream for environment '{}' connected", environment);
        Mirror m = replica.current();
        if (m != null) {
          replica.notifyListeners(m.version);
        }
      }
    }

    @Override
    public void onDisconnected(String why) {
      if (connected) {
        connected = false;
        disconnectedAt = System.nanoTime();
        if (!closed) {
          LOG.warn("relay stream for environment '{}' lost ({}); reconnecting", environment, why);
        }
      }
    }
  }

  // ---- reads

  private Mirror mirror(String env) {
    Objects.requireNonNull(env, "environment");
    if (!env.equals(environment)) {
      throw new IllegalArgumentException(
          "environment '"
              + (env.length() > 64 ? env.substring(0, 64) : env)
              + "' is not mirrored by this RemoteFlagStore (it mirrors '"
              + environment
              + "')");
    }
    Mirror m = replica.current();
    if (m == null) {
      throw new FlagStoreException(
          "no snapshot of environment '" + environment + "' received from the relay yet");
    }
    return m;
  }

  /** {@inheritDoc} Answered from the local mirror. */
  @Override
  public FlagSet loadFlags(String environment) {
    return mirror(environment).flagSet();
  }

  /** {@inheritDoc} Answered from the local mirror. */
  @Override
  public Optional<Flag> loadFlag(String environment, String key) {
    return Optional.ofNullable(mirror(environment).flags.get(key));
  }

  /** {@inheritDoc} Answered from the local mirror. */
  @Override
  public List<TenantOverride> loadTenantOverrides(String environment, String tenantId) {
    return mirror(environment).byTenant.getOrDefault(tenantId, List.of());
  }

  /** {@inheritDoc} Answered from the local mirror. */
  @Override
  public List<TenantOverride> loadFlagOverrides(String environment, String flagKey) {
    return List.copyOf(
        mirror(environment).byFlag.getOrDefault(flagKey, java.util.Map.of()).values());
  }

  /** {@inheritDoc} Answered from the local mirror. */
  @Override
  public OverrideSet loadOverrides(String environment) {
    return mirror(environment).overrideSet();
  }

  /** {@inheritDoc} Answered from the local mirror. */
  @Override
  public long overrideCount(String environment) {
    return mirror(environment).overrideCount;
  }

  /**
   * {@inheritDoc}
   *
   * @throws FlagStoreException also while the stream has been down for longer than {@code
   *     staleAfter}, so that the client reports STALE
   */
  @Override
  public long changeVersion(String environment) {
    Mirror m = mirror(environment);
    if (closed) {
      throw new FlagStoreException("this RemoteFlagStore is closed");
    }
    long down = System.nanoTime() - disconnectedAt;
    if (!connected && down > staleAfter.toNanos()) {
      throw new FlagStoreException(
          "relay stream of environment '"
              + environment
              + "' lost for "
              + Duration.ofNanos(down).toMillis()
              + " ms; serving the last data received");
    }
    return m.version;
  }

  /** {@inheritDoc} Answered from the events received. */
  @Override
  public ChangeSet changesSince(String environment, long sinceVersion) {
    mirror(environment);
    return replica.changesSince(sinceVersion);
  }

  /** {@inheritDoc} Only the mirrored environment, which exists as far as this store knows. */
  @Override
  public List<Environment> environments() {
    return List.of(Environment.implicit(environment));
  }

  /**
   * Not available remotely.
   *
   * @throws UnsupportedOperationException always: read the audit log through the admin API
   */
  @Override
  public List<AuditEntry> audit(AuditQuery query) {
    throw new UnsupportedOperationException(
        "RemoteFlagStore keeps no audit log: read it through the flags-server admin API at "
            + endpoint(servers.get(0), "audit"));
  }

  /**
   * Calls {@code listener} with the new change version after every event applied, and when the
   * stream (re)connects.
   */
  @Override
  public Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
    Objects.requireNonNull(listener, "listener");
    if (!this.environment.equals(environment)) {
      return Optional.empty();
    }
    return Optional.of(replica.addListener(listener));
  }

  // ---- writes

  private UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException(
        "RemoteFlagStore is read-only: change flags through the flags-server admin API at "
            + endpoint(servers.get(0), "flags").toString().replace("?env=", " (env=")
            + ")");
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always: change flags through the admin API
   */
  @Override
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    throw readOnly();
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always: change flags through the admin API
   */
  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    throw readOnly();
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always: change flags through the admin API
   */
  @Override
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor) {
    throw readOnly();
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always: change flags through the admin API
   */
  @Override
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor) {
    throw readOnly();
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always: change environments through the admin API
   */
  @Override
  public AuditEntry createEnvironment(Environment environment, AuditEntry audit) {
    throw readOnly();
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always: change environments through the admin API
   */
  @Override
  public AuditEntry deleteEnvironment(String name, AuditEntry audit) {
    throw readOnly();
  }

  /**
   * Tells whether the stream is connected now.
   *
   * @return true while a stream delivers events or heartbeats
   */
  public boolean isConnected() {
    return connected;
  }

  /** Stops the stream. The HttpClient given to the builder is not closed. Idempotent. */
  @Override
  public void close() {
    closed = true;
    stream.close();
  }

  /**
   * Configures a {@link RemoteFlagStore}. The servers and the environment are required.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private final List<URI> servers = new ArrayList<>();
    private String environment;
    private String token;
    private HttpClient http;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration staleAfter = Duration.ofSeconds(5);
    private Duration heartbeatTimeout = Duration.ofSeconds(45);
    private Duration minBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private boolean spread = true;

    private Builder() {}

    /**
     * Sets the servers' base URLs (where {@code api/snapshot} lives), tried in turn.
     *
     * @param urls one or more {@code http} or {@code https} URLs
     * @return this builder
     * @throws IllegalArgumentException if a URL is not absolute http(s)
     */
    public Builder servers(URI... urls) {
      return servers(List.of(urls));
    }

    /**
     * Sets the servers' base URLs (where {@code api/snapshot} lives), tried in turn.
     *
     * @param urls one or more {@code http} or {@code https} URLs
     * @return this builder
     * @throws IllegalArgumentException if a URL is not absolute http(s) or the list is empty
     */
    public Builder servers(List<URI> urls) {
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("servers must name at least one URL");
      }
      for (URI u : urls) {
        if (u.getScheme() == null
            || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
            || u.getHost() == null) {
          throw new IllegalArgumentException("servers must be absolute http(s) URLs: '" + u + "'");
        }
      }
      servers.clear();
      servers.addAll(urls);
      return this;
    }

    /**
     * Sets the environment to mirror (required).
     *
     * @param environment the environment name
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid
     */
    public Builder environment(String environment) {
      if (environment == null || !ENVIRONMENT.matcher(environment).matches()) {
        throw new IllegalArgumentException(
            "environment must match [a-z0-9_-]{1,32}: '" + environment + "'");
      }
      this.environment = environment;
      return this;
    }

    /**
     * Sets the bearer token sent to the servers (a token with role SDK or above). Never logged.
     *
     * @param token the token
     * @return this builder
     */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Shares an {@link HttpClient} (for instance among many stores in one process). It should use
     * HTTP/1.1 for plain {@code http} servers; it is not closed with the store.
     *
     * @param client the client
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Bounds the start-up snapshot read and each connection attempt (default 5 s).
     *
     * @param timeout the timeout, 10 ms to 5 min
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = range("connectTimeout", timeout, 10, 300_000);
      return this;
    }

    /**
     * Sets how long the stream may be down before {@link #changeVersion} fails, making the client
     * STALE (default 5 s).
     *
     * @param grace the grace period, 0 to 1 h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder staleAfter(Duration grace) {
      this.staleAfter = range("staleAfter", grace, 0, 3_600_000);
      return this;
    }

    /**
     * Sets how long a connection may deliver nothing, not even a heartbeat, before it is dropped
     * and reopened (default 45 s: three of the server's default 15 s heartbeats).
     *
     * @param timeout the timeout, 10 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder heartbeatTimeout(Duration timeout) {
      this.heartbeatTimeout = range("heartbeatTimeout", timeout, 10, 3_600_000);
      return this;
    }

    /**
     * Sets the reconnect backoff: the first retry waits about {@code min}, each further failure
     * doubles it up to {@code max}; each delay is jittered (default 100 ms to 10 s).
     *
     * @param min the first delay, 1 ms to 1 min
     * @param max the longest delay, at least {@code min}, at most 10 min
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder backoff(Duration min, Duration max) {
      range("backoff min", min, 1, 60_000);
      range("backoff max", max, min.toMillis(), 600_000);
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Whether the stream starts on a random server of the list (default true, which spreads many
     * clients over the servers) or on the first.
     *
     * @param random true for a random first server
     * @return this builder
     */
    public Builder randomFirstServer(boolean random) {
      this.spread = random;
      return this;
    }

    /**
     * Builds the store: reads the snapshot (waiting at most the connect timeout), then opens the
     * stream in the background. It does not throw when the servers are unreachable: reads then fail
     * until the stream delivers a snapshot.
     *
     * @return the store
     * @throws IllegalStateException if the servers or the environment are missing
     */
    public RemoteFlagStore build() {
      if (servers.isEmpty() || environment == null) {
        throw new IllegalStateException("servers and environment must be set");
      }
      RemoteFlagStore store = new RemoteFlagStore(this);
      store.start();
      return store;
    }

    private static Duration range(String name, Duration value, long minMillis, long maxMillis) {
      Objects.requireNonNull(value, name);
      if (value.toMillis() < minMillis || value.toMillis() > maxMillis) {
        throw new IllegalArgumentException(
            name + " must be between " + minMillis + " ms and " + maxMillis + " ms: " + value);
      }
      return value;
    }
  }
}
