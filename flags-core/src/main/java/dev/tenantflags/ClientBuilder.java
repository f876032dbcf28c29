package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The settings and validation of {@link FeatureFlags.Builder}, the public type; package-private so
 * that the client's file stays about the client. Not thread-safe.
 */
abstract class ClientBuilder {
  private FeatureFlags.Builder self() {
    return (FeatureFlags.Builder) this;
  }

  private FlagStore store;
  private String environment;
  private Duration pollInterval = Duration.ofSeconds(1);
  private Duration startupTimeout = Duration.ofSeconds(5);
  private boolean strict;
  private FlagExport bootstrap;
  private String bootstrapJson;
  private long tenantCacheSize = 100_000;
  private Duration tenantCacheExpiry = Duration.ofHours(1);
  private Clock clock = Clock.systemUTC();
  private FeatureFlagsListener listener;
  private long overrideMemoryLimit = 1_000_000;
  private Duration coldLoadTimeout = Duration.ofMillis(25);
  private Duration storeTimeout = Duration.ofSeconds(5);
  private boolean usage = true;
  private Duration usageFlushInterval = Duration.ofSeconds(60);
  private ExposureListener exposureListener;
  private Duration exposureWindow;
  private int exposureQueue = Exposures.QUEUE;
  private final Set<String> set = new HashSet<>();

  ClientBuilder() {}

  private void once(String name) {
    if (!set.add(name)) {
      throw new IllegalStateException(name + " was already set");
    }
  }

  private static Duration atLeast(String name, Duration value, Duration minimum) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(minimum) < 0) {
      throw new IllegalArgumentException(
          name
              + (minimum.isZero()
                  ? " must not be negative: "
                  : " must be at least " + minimum.toMillis() + " ms: ")
              + value);
    }
    return value;
  }

  /**
   * Sets the store to read (required).
   *
   * @param store the store
   * @return this builder
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder store(FlagStore store) {
    once("store");
    this.store = Objects.requireNonNull(store, "store");
    return self();
  }

  /**
   * Sets the environment to evaluate (required), e.g. {@code production}.
   *
   * @param environment {@code ^[a-z0-9_-]{1,32}$}
   * @return this builder
   * @throws FlagValidationException if the name is invalid
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder environment(String environment) {
    once("environment");
    this.environment = Checks.environment(environment);
    return self();
  }

  /**
   * Sets how often the store's change version is polled (default 1 s). Pushing stores are polled
   * too, as a safety net.
   *
   * @param interval at least 10 ms
   * @return this builder
   * @throws IllegalArgumentException if shorter than 10 ms
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder pollInterval(Duration interval) {
    once("pollInterval");
    this.pollInterval = atLeast("pollInterval", interval, Duration.ofMillis(10));
    return self();
  }

  /**
   * Sets how long {@link #build()} waits for the first load (default 5 s); then it serves the
   * bootstrap file or defaults and keeps trying, or throws in strict mode.
   *
   * @param timeout zero or more
   * @return this builder
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder startupTimeout(Duration timeout) {
    once("startupTimeout");
    this.startupTimeout = atLeast("startupTimeout", timeout, Duration.ZERO);
    return self();
  }

  /**
   * Makes {@link #build()} throw {@link FlagStoreException} when the first load does not succeed
   * within the start-up timeout, instead of starting with bootstrap data or defaults.
   *
   * @param strict whether to fail fast
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder strictStartup(boolean strict) {
    once("strictStartup");
    this.strict = strict;
    return self();
  }

  /**
   * Serves these flags when the store cannot be reached at start (status STALE until it can).
   *
   * @param export a previous export of this environment
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder bootstrap(FlagExport export) {
    once("bootstrap");
    this.bootstrap = Objects.requireNonNull(export, "bootstrap");
    return self();
  }

  /**
   * Reads a JSON export file (see {@link FlagExport}) to serve when the store cannot be reached at
   * start. The file is read and checked now; a file without an {@code environment} is taken to be
   * of the client's environment.
   *
   * @param file the export file
   * @return this builder
   * @throws java.io.UncheckedIOException if the file cannot be read
   * @throws FlagValidationException if it is not a valid export
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder bootstrap(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bootstrap file " + file, e);
    }
    // Checked now with a placeholder environment; parsed for the client's environment in build().
    bootstrap(FlagExport.parse(json, environment == null ? Environment.PRODUCTION : environment));
    this.bootstrapJson = json;
    return self();
  }

  /**
   * Sets how many tenants' overrides lazy mode caches at most (default 100,000), and the size of
   * the rollout bucket cache.
   *
   * @param maximum at least 1
   * @return this builder
   * @throws IllegalArgumentException if less than 1
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder tenantCacheSize(long maximum) {
    once("tenantCacheSize");
    if (maximum < 1) {
      throw new IllegalArgumentException("tenantCacheSize must be at least 1: " + maximum);
    }
    this.tenantCacheSize = maximum;
    return self();
  }

  /**
   * Sets how long lazy mode keeps an unused tenant's overrides (default 1 hour).
   *
   * @param expiry more than zero
   * @return this builder
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder tenantCacheExpiry(Duration expiry) {
    once("tenantCacheExpiry");
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("tenantCacheExpiry must be positive: " + expiry);
    }
    this.tenantCacheExpiry = expiry;
    return self();
  }

  /**
   * Sets how many overrides the client holds in memory at most (default 1,000,000; SPEC §4). When
   * the store counts more at the first load, the client loads tenants lazily instead.
   *
   * @param limit zero or more (0: always lazy)
   * @return this builder
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder overrideMemoryLimit(long limit) {
    once("overrideMemoryLimit");
    if (limit < 0) {
      throw new IllegalArgumentException("overrideMemoryLimit must not be negative: " + limit);
    }
    this.overrideMemoryLimit = limit;
    return self();
  }

  /**
   * Sets how long an evaluation in lazy mode waits for a tenant never seen (default 25 ms; zero:
   * never waits); then it is evaluated without overrides while its load completes.
   *
   * @param timeout zero or more
   * @return this builder
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder coldLoadTimeout(Duration timeout) {
    once("coldLoadTimeout");
    this.coldLoadTimeout = atLeast("coldLoadTimeout", timeout, Duration.ZERO);
    return self();
  }

  /**
   * Sets how long a refresh may take in the store (default 5 s); a slower one counts as a failure
   * (status STALE).
   *
   * @param timeout at least 10 ms
   * @return this builder
   * @throws IllegalArgumentException if shorter than 10 ms
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder storeTimeout(Duration timeout) {
    once("storeTimeout");
    this.storeTimeout = atLeast("storeTimeout", timeout, Duration.ofMillis(10));
    return self();
  }

  /**
   * Turns usage counting (SPEC §8) on (the default) or off.
   *
   * @param enabled whether to count evaluations and flush them to the store
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder usage(boolean enabled) {
    once("usage");
    this.usage = enabled;
    return self();
  }

  /**
   * Sets how often usage counts are added to the store (default 60 s).
   *
   * @param interval at least 10 ms
   * @return this builder
   * @throws IllegalArgumentException if shorter than 10 ms
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder usageFlushInterval(Duration interval) {
    once("usageFlushInterval");
    this.usageFlushInterval = atLeast("usageFlushInterval", interval, Duration.ofMillis(10));
    return self();
  }

  /**
   * Sends exposure events to a listener (opt-in): once per (flag, tenant, value) per window,
   * asynchronously through a bounded queue; when it is full events are dropped and counted ({@link
   * FeatureFlags#exposureDrops()}), never waited for.
   *
   * @param listener the listener
   * @param window how long one (flag, tenant, value) stays quiet after an event; at least 1 ms
   * @return this builder
   * @throws IllegalArgumentException if the window is shorter than 1 ms
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder exposureListener(ExposureListener listener, Duration window) {
    once("exposureListener");
    this.exposureListener = Objects.requireNonNull(listener, "listener");
    this.exposureWindow = atLeast("window", window, Duration.ofMillis(1));
    return self();
  }

  /** Sets the exposure queue's capacity (tests). */
  FeatureFlags.Builder exposureQueue(int capacity) {
    this.exposureQueue = capacity;
    return self();
  }

  /**
   * Sets the clock used for audit timestamps, status times and usage hours (default UTC system
   * clock).
   *
   * @param clock the clock
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder clock(Clock clock) {
    once("clock");
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * Registers a listener before the first load, so it sees the first status change.
   *
   * @param listener the listener
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public FeatureFlags.Builder listener(FeatureFlagsListener listener) {
    once("listener");
    this.listener = Objects.requireNonNull(listener, "listener");
    return self();
  }

  /**
   * Builds the client and waits (at most the start-up timeout) for the first load.
   *
   * @return the running client
   * @throws IllegalStateException if the store or environment is missing
   * @throws FlagValidationException if the bootstrap export is of another environment
   * @throws FlagStoreException in strict mode, if the first load did not succeed in time
   */
  public FeatureFlags build() {
    if (store == null || environment == null) {
      throw new IllegalStateException(
          "missing "
              + (store == null
                  ? (environment == null ? "store and environment" : "store")
                  : "environment"));
    }
    FlagExport export =
        bootstrapJson != null ? FlagExport.parse(bootstrapJson, environment) : bootstrap;
    if (export != null && !export.environment().equals(environment)) {
      throw new FlagValidationException(
          "bootstrap",
          "bootstrap is an export of environment "
              + Checks.quote(export.environment())
              + ", not "
              + Checks.quote(environment));
    }
    return FeatureFlags.start(
        new ClientConfig(
            store,
            environment,
            pollInterval,
            startupTimeout,
            strict,
            export,
            tenantCacheSize,
            tenantCacheExpiry,
            clock,
            listener,
            overrideMemoryLimit,
            coldLoadTimeout,
            storeTimeout,
            usage,
            usageFlushInterval,
            exposureListener,
            exposureWindow == null ? Duration.ofHours(1) : exposureWindow,
            exposureQueue));
  }
}
