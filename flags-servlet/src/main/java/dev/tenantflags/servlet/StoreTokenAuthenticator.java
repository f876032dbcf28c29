package dev.tenantflags.servlet;

import dev.tenantflags.ApiToken;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.TokenAdmin;
import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates {@code Authorization: Bearer <token>} against API tokens kept in the store (SPEC
 * §6: SHA-256 only), and creates, lists and revokes them for {@code /api/tokens}.
 *
 * <pre>{@code
 * StoreTokenAuthenticator tokens = StoreTokenAuthenticator.builder(flags).build();
 * FlagAdminServlet api = FlagAdminServlet.builder().flags(flags).storeTokens(tokens).build();
 * }</pre>
 *
 * <p>Design note. Requests never query the store: tokens are held in memory, and a background
 * thread reads the store's token version ({@link TokenAdmin#version()}) every {@code pollInterval}
 * (default 1 s) and reloads them when it moved, so a token revoked on any instance is refused
 * everywhere within about that interval. Last-used times are kept in memory and written with {@link
 * TokenAdmin#touch} in one batch every {@code touchInterval} (default 60 s) and on {@link
 * #close()}. A store failure keeps the last good tokens and is logged once per state change.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class StoreTokenAuthenticator implements Authenticator, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreTokenAuthenticator.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TokenAdmin store;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private volatile List<BearerTokenAuthenticator.Entry> entries = List.of();
  private volatile long version = Long.MIN_VALUE;
  private volatile boolean failing;

  private StoreTokenAuthenticator(Builder b) {
    this.store = b.flags.admin("api-tokens").apiTokens();
    this.clock = b.clock;
    reload();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tenantflags-tokens");
              t.setDaemon(true);
              return t;
            });
    long poll = b.pollInterval.toMillis();
    scheduler.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
    long touch = b.touchInterval.toMillis();
    scheduler.scheduleWithFixedDelay(this::flushLastUsed, touch, touch, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts building an authenticator on the tokens of a client's store (which must keep API
   * tokens).
   *
   * @param flags a client of the store; any environment (tokens are global)
   * @return a new builder
   */
  public static Builder builder(FeatureFlags flags) {
    return new Builder(flags);
  }

  @Override
  public Optional<Caller> authenticate(HttpServletRequest request) {
    Caller found = BearerTokenAuthenticator.match(entries, request);
    if (found != null) {
      lastUsed.put(found.name(), clock.instant());
    }
    return Optional.ofNullable(found);
  }

  /** The stored tokens (never secrets), with last-use times not yet flushed merged in. */
  List<ApiToken> tokens() {
    List<ApiToken> out = new ArrayList<>();
    for (ApiToken t : store.list()) {
      Instant pending = lastUsed.get(t.name());
      if (pending != null && (t.lastUsedAt() == null || pending.isAfter(t.lastUsedAt()))) {
        t = t.withLastUsedAt(pending);
      }
      out.add(t);
    }
    return out;
  }

  /**
   * Creates a token, audited by {@code admin} (its actor and environment); returns the secret,
   * which is never kept.
   */
  String create(Caller token, FlagAdmin admin, String comment) {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String secret = "tf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    ApiToken stored =
        new ApiToken(
            token.name(),
            token.role().name(),
            token.tenant(),
            HexFormat.of().formatHex(BearerTokenAuthenticator.sha256(secret)),
            clock.instant(),
            admin.actor(),
            null);
    admin.apiTokens().create(stored, comment);
    reload();
    return secret;
  }

  /** Revokes a token, audited by {@code admin}: refused here at once, elsewhere within the poll. */
  void revoke(String name, FlagAdmin admin, String comment) {
    admin.apiTokens().revoke(name, comment);
    lastUsed.remove(name);
    reload();
  }

  /** Whether the store holds a token of this name. */
  boolean exists(String name) {
    for (ApiToken t : store.list()) {
      if (t.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private void poll() {
    try {
      long current = store.version();
      if (current != version) {
        reload();
      } else if (failing) {
        failing = false;
        LOG.info("API tokens readable from the store again");
      }
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn(
            "reading API tokens from the store failed; keeping the last good ones: {}",
            e.toString());
      }
    }
  }

  private synchronized void reload() {
    try {
      long v = store.version();
      List<BearerTokenAuthenticator.Entry> loaded = new ArrayList<>();
      for (ApiToken t : store.list()) {
        try {
          loaded.add(
              new BearerTokenAuthenticator.Entry(HexFormat.of().parseHex(t.sha256()), caller(t)));
        } catch (IllegalArgumentException e) {
          LOG.warn("API token '{}' is unreadable and refused: {}", t.name(), e.getMessage());
        }
      }
      entries = List.copyOf(loaded);
      version = v;
      if (failing) {
        failing = false;
        LOG.info("API tokens readable from the store again");
      }
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn(
            "reading API tokens from the store failed; keeping the last good ones: {}",
            e.toString());
      }
    }
  }

  private static Caller caller(ApiToken t) {
    return new Caller(t.name(), Role.valueOf(t.role()), t.tenant());
  }

  /** Writes the last-use times gathered since the previous flush, in one batch. */
  void flushLastUsed() {
    if (lastUsed.isEmpty()) {
      return;
    }
    Map<String, Instant> batch = Map.copyOf(lastUsed);
    try {
      store.touch(batch);
      batch.forEach(lastUsed::remove);
    } catch (RuntimeException e) {
      LOG.debug("flushing token last-use times failed; will retry", e);
    }
  }

  /** Stops polling and flushes last-use times; never closes the client. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    flushLastUsed();
  }

  @Override
  public String toString() {
    return "StoreTokenAuthenticator[" + entries.size() + " tokens]";
  }

  /**
   * Builds a {@link StoreTokenAuthenticator}.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private final FeatureFlags flags;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration touchInterval = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();

    private Builder(FeatureFlags flags) {
      this.flags = Objects.requireNonNull(flags, "flags");
    }

    /**
     * Sets how often the store's token version is read (default 1 s): the bound on how long a token
     * revoked elsewhere keeps working here.
     *
     * @param interval 10 ms to 1 minute
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval =
          range("pollInterval", interval, Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /**
     * Sets how often last-use times are written to the store (default 60 s).
     *
     * @param interval 10 ms to 1 hour
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder touchInterval(Duration interval) {
      this.touchInterval =
          range("touchInterval", interval, Duration.ofMillis(10), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets the clock of creation and last-use times (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Loads the tokens once and starts polling.
     *
     * @return the authenticator; close it to stop its thread
     * @throws UnsupportedOperationException if the store keeps no API tokens
     */
    public StoreTokenAuthenticator build() {
      flags.admin("api-tokens").apiTokens().version();
      return new StoreTokenAuthenticator(this);
    }

    private static Duration range(String name, Duration d, Duration min, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ": " + d);
      }
      return d;
    }
  }
}
