package dev.tenantflags;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client: answers "is feature F on for tenant T?" in nanoseconds from an in-memory snapshot of
 * one environment's flags, keeps that snapshot fresh, and survives store outages (SPEC §3, §4).
 *
 * <pre>{@code
 * FeatureFlags flags = FeatureFlags.builder()
 *     .store(store)
 *     .environment("production")
 *     .build();
 * if (flags.isEnabled("new_billing_engine", TenantKey.of("acme").with("plan", "pro"))) { ... }
 * }</pre>
 *
 * <p>Create one client per environment and share it; {@link #close()} it on shutdown (the store is
 * not closed: you created it, you close it).
 *
 * <p>Thread safety: safe for concurrent use. {@link #isEnabled} takes no lock.
 */
public final class FeatureFlags implements AutoCloseable {

  /*
   * Design note
   *
   * Concurrency: the flag definitions live in one immutable Snapshot published through the volatile
   * field `snapshot`. The hot path (isEnabled/evaluate) does one volatile read and walks immutable
   * objects: no lock, no I/O, no allocation, no logging. Refreshes (the refresh thread, or a thread
   * that wrote through FlagAdmin and wants to read its own write) serialise on `refreshLock`, which is
   * held while the store is read. Publishing — swapping the snapshot whole, the status, `closed`,
   * listener calls — happens under `stateLock`, which is never held during store I/O, so start-up's
   * fallback (bootstrap or ERROR after the start-up timeout) and close() never wait on a store that
   * hangs.
   *
   * Overrides: per tenant, loaded on first use into a bounded Caffeine cache keyed by tenant id. The
   * snapshot knows which flags have any overrides at all, so flags without overrides skip the cache
   * entirely. A refresh drops the cached tenants the store's change log names (all of them when the log
   * cannot tell).
   *
   * TenantOverride fast path: Caffeine's getIfPresent with expireAfterAccess reads the clock and records the
   * access in its read buffer, about 80-150 ns with 10,000 warm tenants (its maintenance runs on
   * another core). So Caffeine stays the policy (size bound, expiry of unused tenants, single load per
   * tenant) while a plain ConcurrentHashMap `hot` mirrors its entries for lookups. A hit in `hot`
   * tells Caffeine of the access at most once per `epoch` tick (a quarter of the expiry, at most 1 s),
   * which keeps expireAfterAccess and the size policy's frequency counts meaningful. Caffeine's
   * eviction listener removes evicted entries from `hot`. Invalidation always removes from Caffeine
   * first and from `hot` second; a thread that publishes an entry into `hot` re-checks that Caffeine
   * still holds it and withdraws it otherwise, so `hot` can never keep an entry Caffeine dropped.
   *
   * Rollout buckets: remembered per (tenant, salt) in a BucketCache that outlives snapshots (bounded
   * at the tenant cache size in tenants), so a ROLLOUT check does not hash on the hot path.
   *
   * Freshness: a single daemon thread polls the store's change version every pollInterval and, when it
   * moved, reloads the flags. Stores that push (PostgreSQL LISTEN/NOTIFY) trigger the same refresh at
   * once. Writes through admin() refresh synchronously before returning (read-your-writes).
   *
   * Failure handling: any store failure during refresh keeps the last snapshot and moves the status to
   * STALE (logged once); the next successful poll moves it back to READY (logged once) and, because
   * notifications may have been lost meanwhile, drops every cached tenant. While the store is known to
   * be down, cold tenants are evaluated without overrides (Evaluation.overridesUnavailable) instead of
   * waiting on the store. isEnabled catches everything and returns the caller's default on ERROR.
   */

  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlags.class);

  private final FlagStore store;
  private final String environment;
  private final Clock clock;
  private final Cache<String, TenantOverrides> tenants;

  /** Mirrors {@link #tenants} for allocation-free, clock-free lookups; see the design note. */
  private final ConcurrentHashMap<String, TenantOverrides> hot = new ConcurrentHashMap<>();

  private final BucketCache bucketCache;
  private final long touchPeriodNanos;
  private final ScheduledExecutorService executor;
  private final List<FeatureFlagsListener> listeners = new CopyOnWriteArrayList<>();

  /** Serialises refreshes; held during store I/O. */
  private final Object refreshLock = new Object();

  /** Guards publishing snapshot, status and closed; never held during store I/O. */
  private final Object stateLock = new Object();

  private final CountDownLatch firstLoad = new CountDownLatch(1);
  private final Evaluator.OverrideSource overrideSource = this::overridesOf;

  private volatile Snapshot snapshot;

  /** Advanced every {@link #touchPeriodNanos} by the refresh thread; see the design note. */
  private volatile int epoch;

  private volatile Status status;
  private volatile boolean storeHealthy = true;
  private volatile boolean closed;
  private AutoCloseable subscription;

  private FeatureFlags(Builder b) {
    this.store = b.store;
    this.environment = b.environment;
    this.clock = b.clock;
    this.tenants =
        Caffeine.newBuilder()
            .maximumSize(b.tenantCacheSize)
            .expireAfterAccess(b.tenantCacheExpiry)
            .<String, TenantOverrides>evictionListener(
                (id, entry, cause) -> {
                  if (id != null && entry != null) {
                    hot.remove(id, entry);
                  }
                })
            .build();
    this.bucketCache = new BucketCache(Math.max(1_000, b.tenantCacheSize));
    this.touchPeriodNanos =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(1),
            Math.min(TimeUnit.SECONDS.toNanos(1), b.tenantCacheExpiry.toNanos() / 4));
    this.status = new Status(Status.State.NOT_READY, null, -1, null);
    if (b.listener != null) {
      listeners.add(b.listener);
    }
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tenantflags-refresh-" + environment);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts building a client.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---- evaluation (hot path) -------------------------------------------------------------------

  /**
   * Returns whether a flag is on for a tenant; false when the flag does not exist or on any error.
   * Never throws, never blocks on a warm tenant, allocates nothing.
   *
   * @param flagKey the flag key
   * @param tenant the tenant
   * @return whether the feature is on
   */
  public boolean isEnabled(String flagKey, TenantKey tenant) {
    return isEnabled(flagKey, tenant, false);
  }

  /**
   * Returns whether a flag is on for a tenant, or {@code defaultValue} when nothing could be
   * evaluated (SPEC §3 rule 8: no flags were ever loaded, null arguments, a bug). A missing or
   * archived flag is false, not the default. Never throws.
   *
   * @param flagKey the flag key
   * @param tenant the tenant
   * @param defaultValue the answer on ERROR
   * @return whether the feature is on
   */
  public boolean isEnabled(String flagKey, TenantKey tenant, boolean defaultValue) {
    Evaluation e = evaluate(flagKey, tenant);
    return e.reason() == Reason.ERROR ? defaultValue : e.enabled();
  }

  /**
   * Evaluates a flag for a tenant and says why (SPEC §3). Never throws; returns a shared constant.
   *
   * @param flagKey the flag key
   * @param tenant the tenant
   * @return the evaluation; reason {@link Reason#ERROR} when nothing could be evaluated
   */
  public Evaluation evaluate(String flagKey, TenantKey tenant) {
    try {
      Snapshot s = snapshot;
      if (s == null || flagKey == null || tenant == null) {
        return Evaluation.of(false, Reason.ERROR);
      }
      return Evaluator.evaluate(s.flag(flagKey), tenant, overrideSource);
    } catch (RuntimeException | StackOverflowError e) {
      return Evaluation.of(false, Reason.ERROR);
    }
  }

  /**
   * Evaluates every non-archived flag for one tenant (SPEC §3).
   *
   * @param tenant the tenant
   * @return flag key to value, in key order; empty when no flags were ever loaded
   * @throws NullPointerException if {@code tenant} is null
   */
  public Map<String, Boolean> evaluateAll(TenantKey tenant) {
    Objects.requireNonNull(tenant, "tenant");
    Snapshot s = snapshot;
    if (s == null) {
      return Map.of();
    }
    // Look the tenant up once for all flags rather than once per flag.
    Evaluator.OverrideSource source =
        s.anyOverrides ? overridesOf(tenant.id()) : TenantOverrides.NONE;
    CompiledFlag[] active = s.active;
    // Flags whose value cannot depend on the tenant were answered when the snapshot was built.
    long[] bits = s.constantBits.clone();
    for (int i : s.tenantDependent) {
      boolean enabled;
      try {
        enabled = Evaluator.evaluate(active[i], tenant, source).enabled();
      } catch (RuntimeException | StackOverflowError ex) {
        enabled = false;
      }
      if (enabled) {
        bits[i >>> 6] |= 1L << i;
      }
    }
    // One bit per flag over the snapshot's sorted keys: no hash map, no node per flag.
    return new FlagValues(s, bits);
  }

  // ---- inspection
  // --------------------------------------------------------------------------------

  /**
   * Returns the client's current status.
   *
   * @return the status
   */
  public Status status() {
    return status;
  }

  /**
   * Waits until flags were loaded from the store at least once.
   *
   * @param timeout how long to wait at most
   * @return true when the client is {@link Status.State#READY}
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    firstLoad.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return status.state() == Status.State.READY;
  }

  /**
   * Returns the environment this client evaluates.
   *
   * @return the environment name
   */
  public String environment() {
    return environment;
  }

  /**
   * Returns the store this client reads.
   *
   * @return the store
   */
  public FlagStore store() {
    return store;
  }

  /**
   * Returns the flags being served, archived ones included, in key order.
   *
   * @return the flags of the current snapshot; empty before the first load
   */
  public List<Flag> flags() {
    Snapshot s = snapshot;
    return s == null ? List.of() : s.flags;
  }

  /**
   * Returns one flag as being served.
   *
   * @param key the flag key
   * @return the flag, or empty
   */
  public Optional<Flag> flag(String key) {
    Snapshot s = snapshot;
    CompiledFlag f = s == null || key == null ? null : s.flag(key);
    return f == null ? Optional.empty() : Optional.of(f.flag);
  }

  /**
   * Adds a listener for status and flag changes.
   *
   * @param listener the listener
   */
  public void addListener(FeatureFlagsListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  public void removeListener(FeatureFlagsListener listener) {
    listeners.remove(listener);
  }

  /**
   * Returns an administration handle that changes flags in this client's environment on behalf of
   * an actor; every change is audited with that actor and is visible to this client's next
   * evaluation.
   *
   * @param actor who is making the changes (recorded in the audit log)
   * @return the admin handle
   * @throws FlagValidationException if the actor is empty or longer than 256 characters
   */
  public FlagAdmin admin(String actor) {
    return new FlagAdmin(this, Checks.required("actor", actor, Checks.MAX_NAME), false);
  }

  /**
   * Stops refreshing and releases the refresh thread. The store is not closed. Evaluation keeps
   * answering from the last snapshot. Idempotent.
   */
  @Override
  public void close() {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // Interrupts a refresh that hangs in the store; close() itself never waits for one.
    executor.shutdownNow();
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.debug("closing the change subscription failed", e);
      }
    }
  }

  // ---- package-private collaborators -----------------------------------------------------------

  Clock clock() {
    return clock;
  }

  /**
   * Refreshes from the store now, on the calling thread; used after writes so the writer reads its
   * own write. Failures only change the status.
   */
  void refreshNow() {
    refresh();
  }

  // ---- refresh
  // -----------------------------------------------------------------------------------

  private void start(Builder b) {
    try {
      subscription = store.subscribe(environment, version -> triggerRefresh()).orElse(null);
    } catch (RuntimeException e) {
      LOG.warn(
          "change subscription for environment '{}' failed; polling only: {}",
          environment,
          e.toString());
    }
    executor.scheduleWithFixedDelay(
        this::refresh, 0, b.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    executor.scheduleAtFixedRate(
        this::tick, touchPeriodNanos, touchPeriodNanos, TimeUnit.NANOSECONDS);
    boolean loaded;
    try {
      loaded = firstLoad.await(b.startupTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      loaded = false;
    }
    if (loaded) {
      return;
    }
    // stateLock, not refreshLock: the first refresh may hang in the store, and start-up is bounded.
    synchronized (stateLock) {
      if (snapshot != null) {
        return; // the first load arrived just after the timeout
      }
      if (!b.strict) {
        if (b.bootstrap != null) {
          installBootstrap(b.bootstrap);
          LOG.warn(
              "store not reachable at start; serving bootstrap flags of environment '{}' until it"
                  + " is",
              environment);
        } else {
          setStatus(Status.State.ERROR, status.detail());
          LOG.warn(
              "store not reachable at start; serving callers' defaults for environment '{}' until"
                  + " it is",
              environment);
        }
        return;
      }
    }
    String detail = status.detail();
    close();
    throw new FlagStoreException(
        "could not load flags of environment '"
            + environment
            + "' within "
            + b.startupTimeout
            + (detail == null ? "" : ": " + detail));
  }

  private void installBootstrap(FlagExport export) {
    Set<String> withOverrides = new HashSet<>();
    Map<String, List<TenantOverride>> byTenant = new LinkedHashMap<>();
    for (TenantOverride o : export.overrides()) {
      withOverrides.add(o.flagKey());
      byTenant.computeIfAbsent(o.tenantId(), k -> new java.util.ArrayList<>()).add(o);
    }
    snapshot =
        new Snapshot(
            new FlagSet(export.version(), export.flags(), withOverrides), true, bucketCache);
    byTenant.forEach(
        (tenant, list) -> {
          TenantOverrides entry = TenantOverrides.forTenant(list, snapshot);
          tenants.put(tenant, entry);
          publish(tenant, entry);
        });
    setStatus(Status.State.STALE, status.detail());
  }

  private void triggerRefresh() {
    try {
      executor.execute(this::refresh);
    } catch (RejectedExecutionException e) {
      // closed: nothing to refresh
    }
  }

  private void refresh() {
    synchronized (refreshLock) {
      if (closed) {
        return;
      }
      Snapshot current = snapshot;
      boolean recovering = !storeHealthy;
      Snapshot next = null;
      ChangeSet changes = null;
      try {
        long version = store.changeVersion(environment);
        if (current == null || current.bootstrap || version != current.version) {
          FlagSet set = store.loadFlags(environment);
          changes =
              current == null || current.bootstrap || recovering
                  ? null
                  : store.changesSince(environment, current.version);
          next = new Snapshot(set, false, bucketCache);
        }
      } catch (RuntimeException e) {
        synchronized (stateLock) {
          if (!closed) {
            storeFailed(e);
          }
        }
        return;
      }
      boolean invalidateAll;
      synchronized (stateLock) {
        if (closed) {
          return;
        }
        // start() may have installed a bootstrap while this refresh was in the store.
        Snapshot published = snapshot;
        invalidateAll = published != current || changes == null || !changes.complete();
        if (next != null) {
          snapshot = next;
          notifyFlagChanges(published, next);
        }
        storeHealthy = true;
        Status before = status;
        status = new Status(Status.State.READY, clock.instant(), snapshot.version, null);
        if (before.state() != Status.State.READY) {
          if (before.state() == Status.State.NOT_READY) {
            LOG.info("loaded {} flags of environment '{}'", snapshot.flags.size(), environment);
          } else {
            LOG.info("store reachable again; environment '{}' is READY", environment);
          }
          notifyStatus(before, status);
        }
      }
      if (next != null) {
        // Outside stateLock: invalidating waits for in-flight tenant loads, which do store I/O.
        // Caffeine first, then `hot`: see the design note.
        if (invalidateAll) {
          tenants.invalidateAll();
          hot.clear();
        } else {
          tenants.invalidateAll(changes.tenantIds());
          for (String id : changes.tenantIds()) {
            hot.remove(id);
          }
        }
      }
      firstLoad.countDown();
    }
  }

  /**
   * Called under stateLock when a refresh failed. It does not retry: the next poll does, so a dead
   * store is asked once per poll interval, not in a loop.
   */
  private void storeFailed(RuntimeException e) {
    storeHealthy = false;
    String detail =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    Status before = status;
    Status.State next = before.state() == Status.State.READY ? Status.State.STALE : before.state();
    if (before.state() == Status.State.READY
        || before.state() == Status.State.NOT_READY && before.detail() == null) {
      LOG.warn(
          "flag store unreachable for environment '{}'; serving last good flags: {}",
          environment,
          detail);
    }
    if (next != before.state() || !Objects.equals(detail, before.detail())) {
      setStatus(next, detail);
    }
  }

  private void setStatus(Status.State state, String detail) {
    Status before = status;
    status =
        new Status(state, before.lastRefresh(), snapshot == null ? -1 : snapshot.version, detail);
    if (before.state() != state) {
      notifyStatus(before, status);
    }
  }

  private void notifyStatus(Status before, Status after) {
    for (FeatureFlagsListener listener : listeners) {
      try {
        listener.onStatusChanged(before, after);
      } catch (RuntimeException e) {
        LOG.warn("status listener failed", e);
      }
    }
  }

  private void notifyFlagChanges(Snapshot before, Snapshot after) {
    if (listeners.isEmpty()) {
      return;
    }
    Set<String> changed = new HashSet<>();
    for (Flag flag : after.flags) {
      CompiledFlag old = before == null ? null : before.flag(flag.key());
      if (old == null
          || !old.flag.equals(flag)
          || old.hasOverrides != after.flag(flag.key()).hasOverrides) {
        changed.add(flag.key());
      }
    }
    if (before != null) {
      for (Flag flag : before.flags) {
        if (after.flag(flag.key()) == null) {
          changed.add(flag.key());
        }
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    Set<String> keys = Collections.unmodifiableSet(changed);
    for (FeatureFlagsListener listener : listeners) {
      try {
        listener.onFlagsChanged(keys);
      } catch (RuntimeException e) {
        LOG.warn("flag change listener failed", e);
      }
    }
  }

  // ---- overrides
  // -----------------------------------------------------------------------------------

  private TenantOverrides overridesOf(String tenantId) {
    TenantOverrides entry = hot.get(tenantId);
    if (entry != null) {
      int now = epoch;
      if (entry.touched != now) {
        // At most once per tick: keeps Caffeine's expiry and size policy informed of the use.
        entry.touched = now;
        tenants.getIfPresent(tenantId);
      }
      return entry;
    }
    entry = tenants.getIfPresent(tenantId);
    if (entry == null) {
      if (!storeHealthy || closed) {
        // Do not wait on a store known to be down; the refresh thread is already retrying.
        return TenantOverrides.UNAVAILABLE;
      }
      try {
        entry = tenants.get(tenantId, id -> newEntry(store.loadTenantOverrides(environment, id)));
      } catch (RuntimeException e) {
        // Status changes, logging and listeners belong to the refresh thread: mark the store down
        // so
        // other cold tenants do not wait on it, and let one refresh find out whether it really is.
        storeHealthy = false;
        triggerRefresh();
        return TenantOverrides.UNAVAILABLE;
      }
    }
    publish(tenantId, entry);
    return entry;
  }

  private TenantOverrides newEntry(List<TenantOverride> overrides) {
    TenantOverrides entry = TenantOverrides.forTenant(overrides, snapshot);
    entry.touched = epoch;
    return entry;
  }

  /** Mirrors a Caffeine entry into `hot`, withdrawing it if Caffeine dropped it meanwhile. */
  private void publish(String tenantId, TenantOverrides entry) {
    if (hot.putIfAbsent(tenantId, entry) == null && tenants.getIfPresent(tenantId) != entry) {
      hot.remove(tenantId, entry);
    }
  }

  private void tick() {
    epoch++;
  }

  /**
   * Builds a {@link FeatureFlags} client. Each setter validates its argument at once and may be
   * called once; {@link #build()} names what is missing.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private FlagStore store;
    private String environment;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration startupTimeout = Duration.ofSeconds(5);
    private Boolean strictSet;
    private boolean strict;
    private FlagExport bootstrap;
    private long tenantCacheSize = 100_000;
    private Duration tenantCacheExpiry = Duration.ofHours(1);
    private Clock clock = Clock.systemUTC();
    private FeatureFlagsListener listener;
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /**
     * Sets the store to read (required).
     *
     * @param store the store
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder store(FlagStore store) {
      once("store");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the environment to evaluate (required), e.g. {@code production}.
     *
     * @param environment {@code ^[a-z0-9_-]{1,32}$}
     * @return this builder
     * @throws FlagValidationException if the name is invalid
     * @throws IllegalStateException if already set
     */
    public Builder environment(String environment) {
      once("environment");
      this.environment = Checks.environment(environment);
      return this;
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
    public Builder pollInterval(Duration interval) {
      once("pollInterval");
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException("pollInterval must be at least 10 ms: " + interval);
      }
      this.pollInterval = interval;
      return this;
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
    public Builder startupTimeout(Duration timeout) {
      once("startupTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("startupTimeout must not be negative: " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Makes {@link #build()} throw {@link FlagStoreException} when the first load does not succeed
     * within the start-up timeout, instead of starting with bootstrap data or defaults.
     *
     * @param strict whether to fail fast
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder strictStartup(boolean strict) {
      once("strictStartup");
      this.strictSet = strict;
      this.strict = strict;
      return this;
    }

    /**
     * Serves these flags when the store cannot be reached at start (status STALE until it can).
     *
     * @param export a previous export of this environment
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder bootstrap(FlagExport export) {
      once("bootstrap");
      this.bootstrap = Objects.requireNonNull(export, "bootstrap");
      return this;
    }

    /**
     * Reads a JSON export file (see {@link FlagExport}) to serve when the store cannot be reached
     * at start. The file is read now.
     *
     * @param file the export file
     * @return this builder
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws FlagValidationException if it is not a valid export
     * @throws IllegalStateException if already set
     */
    public Builder bootstrap(Path file) {
      try {
        return bootstrap(
            FlagExport.parse(Files.readString(file, StandardCharsets.UTF_8), "production"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read bootstrap file " + file, e);
      }
    }

    /**
     * Sets how many tenants' overrides are cached at most (default 100,000).
     *
     * @param maximum at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     * @throws IllegalStateException if already set
     */
    public Builder tenantCacheSize(long maximum) {
      once("tenantCacheSize");
      if (maximum < 1) {
        throw new IllegalArgumentException("tenantCacheSize must be at least 1: " + maximum);
      }
      this.tenantCacheSize = maximum;
      return this;
    }

    /**
     * Sets how long an unused tenant's overrides stay cached (default 1 hour).
     *
     * @param expiry more than zero
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder tenantCacheExpiry(Duration expiry) {
      once("tenantCacheExpiry");
      if (expiry.isNegative() || expiry.isZero()) {
        throw new IllegalArgumentException("tenantCacheExpiry must be positive: " + expiry);
      }
      this.tenantCacheExpiry = expiry;
      return this;
    }

    /**
     * Sets the clock used for audit timestamps and status times (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Registers a listener before the first load, so it sees the first status change.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder listener(FeatureFlagsListener listener) {
      once("listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the client and waits (at most the start-up timeout) for the first load.
     *
     * @return the running client
     * @throws IllegalStateException if the store or environment is missing
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
      FeatureFlags flags = new FeatureFlags(this);
      flags.start(this);
      return flags;
    }
  }
}
