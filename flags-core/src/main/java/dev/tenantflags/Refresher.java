package dev.tenantflags;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreException;
import dev.tenantflags.spi.OverrideSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * Job: keeps one client's Snapshot (flags + overrides) current and reports how that goes: polling,
 * push subscription, start-up (timeout, bootstrap, strict), status, listeners, logging once per state
 * change, and the usage flusher's schedule. FeatureFlags reads the snapshot it is handed on publish (its own volatile field).
 *
 * Threads: `scheduler` (one daemon thread) runs refresh cycles every pollInterval, on a push, the
 * lazy holder's epoch tick and usage flushes. Every store call of a refresh runs on `worker` (one
 * daemon thread); the cycle waits for it at most storeTimeout, so a hung store turns into STALE
 * instead of a hung scheduler, and a cycle that finds the previous store call still running fails at
 * once instead of queueing another (the queue never grows); a load that finishes late is published
 * by the next cycle, so a store slower than storeTimeout still delivers. Usage flushes run on
 * `usageWorker`, with
 * the same rule. Evaluation never waits on any of them, and close() waits on none but the final
 * flush, which is bounded.
 *
 * Locks: refreshLock serialises cycles (the scheduler's and read-your-writes refreshes from FlagAdmin
 * on the writer's thread); it is held while waiting on the worker, at most storeTimeout. stateLock
 * guards publishing (snapshot, status, closed, listeners) and is never held while waiting on the
 * store, so start-up's fallback and close() never wait on a store that hangs.
 *
 * Overrides (SPEC §4): the mode is chosen at the first load from overrideCount: up to
 * overrideMemoryLimit, every override in an OverrideIndex inside the snapshot, updated incrementally
 * from changesSince (reloading only the tenants it names; a full loadOverrides when the change set is
 * incomplete or names more than INCREMENTAL_LIMIT tenants, at start, and after an outage); above it,
 * LazyOverrides, whose cached tenants are invalidated the same way. The mode stays for the client's
 * life.
 *
 * Failures: a store exception or a timeout keeps the last snapshot and moves READY to STALE (logged
 * once); anything else (an Error, a bug) moves to ERROR (logged once); the cycle always returns
 * normally, so the scheduler never cancels it. After a failure the next load is a full one, so the
 * client resynchronises whatever it may have missed.
 */
/** Keeps a client's snapshot fresh and reports its status. Thread-safe. */
final class Refresher {
  static final int INCREMENTAL_LIMIT = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlags.class);

  private final ClientConfig config;
  private final FlagStore store;
  private final String environment;
  private final Snapshot.Context context;
  private final UnaryOperator<String> canonical;
  final UsageCounters usage;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService worker;
  private final ExecutorService usageWorker;
  private final Listeners listeners = new Listeners();
  private final Object refreshLock = new Object();
  private final Object stateLock = new Object();
  private final CountDownLatch firstLoad = new CountDownLatch(1);

  /** The published snapshot (FeatureFlags reads its own mirror of it, handed over by publish). */
  volatile Snapshot current;

  private volatile Status status = new Status(Status.State.NOT_READY, null, -1, null);
  private volatile boolean storeHealthy = true;
  private volatile boolean closed;

  /** Null until the first load chose the mode; then fixed. Written on the worker. */
  private volatile LazyOverrides lazy;

  private volatile Boolean lazyMode;
  private volatile long lazyCount = -1;
  private Future<Loaded> inFlight;

  /** What the in-flight load started from, and whether a cycle already used its result. */
  private Snapshot inFlightBase;

  private boolean inFlightFull;
  private boolean inFlightUsed = true;
  private Future<?> flushInFlight;
  private AutoCloseable subscription;

  /** Also receives every published snapshot, so the hot path reads it in one volatile load. */
  private final java.util.function.Consumer<Snapshot> publish;

  Refresher(ClientConfig config, java.util.function.Consumer<Snapshot> publish) {
    this.publish = publish;
    this.config = config;
    this.store = config.store();
    this.environment = config.environment();
    this.usage = new UsageCounters();
    this.canonical = usage::canonicalKey;
    this.context =
        new Snapshot.Context(
            new BucketCache(Math.max(1_000, config.tenantCacheSize())), usage, config.usage());
    if (config.listener() != null) {
      listeners.add(config.listener());
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("refresh"));
    this.worker = Executors.newSingleThreadExecutor(daemon("store"));
    this.usageWorker = Executors.newSingleThreadExecutor(daemon("usage"));
  }

  private java.util.concurrent.ThreadFactory daemon(String role) {
    return r -> {
      Thread t = new Thread(r, "tenantflags-" + role + "-" + environment);
      t.setDaemon(true);
      return t;
    };
  }

  // ---- start-up and shutdown
  // ---------------------------------------------------------------------

  /** Starts polling and waits (bounded) for the first load; see SPEC §4 "start-up is bounded". */
  void start() {
    try {
      subscription = store.subscribe(environment, version -> trigger()).orElse(null);
    } catch (RuntimeException e) {
      LOG.warn(
          "change subscription for environment '{}' failed; polling only: {}",
          environment,
          e.toString());
    }
    long poll = config.pollInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::refresh, 0, poll, TimeUnit.MILLISECONDS);
    scheduler.scheduleAtFixedRate(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    if (config.usage()) {
      long every = config.usageFlushInterval().toMillis();
      scheduler.scheduleWithFixedDelay(this::flushUsage, every, every, TimeUnit.MILLISECONDS);
    }
    boolean loaded;
    try {
      loaded = firstLoad.await(config.startupTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      loaded = false;
    }
    if (loaded) {
      return;
    }
    synchronized (stateLock) {
      if (current != null) {
        return; // the first load arrived just after the timeout
      }
      if (!config.strict()) {
        if (config.bootstrap() != null) {
          installBootstrap(config.bootstrap());
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
    close(false);
    throw new FlagStoreException(
        "could not load flags of environment '"
            + environment
            + "' within "
            + config.startupTimeout()
            + (detail == null ? "" : ": " + detail));
  }

  private void installBootstrap(FlagExport export) {
    OverrideIndex index =
        OverrideIndex.of(
            new OverrideSet(export.version(), export.overrides(), List.of()), null, canonical);
    Snapshot boot =
        new Snapshot(
            export.version(),
            true,
            export.flags(),
            Set.of(),
            List.of(),
            null,
            index,
            null,
            context);
    current = boot;
    publish.accept(boot);
    if (boot.allCalls != null) {
      usage.published(boot);
    }
    setStatus(Status.State.STALE, status.detail());
  }

  /** Stops everything; with {@code flush}, a last usage flush bounded by storeTimeout. */
  void close(boolean flush) {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    scheduler.shutdownNow();
    worker.shutdownNow(); // interrupts a refresh that hangs in the store
    if (flush && config.usage()) {
      Future<?> last = null;
      try {
        last = usageWorker.submit(() -> usage.flush(store, environment, config.clock()));
        last.get(Math.min(config.storeTimeout().toMillis(), 2_000), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
        LOG.debug("final usage flush did not complete", e);
      }
    }
    usageWorker.shutdownNow();
    LazyOverrides l = lazy;
    if (l != null) {
      l.close();
    }
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.debug("closing the change subscription failed", e);
      }
    }
  }

  // ---- inspection ------------------------------------------------------------------------------

  Status status() {
    return status;
  }

  boolean awaitFirstLoad(long nanos) throws InterruptedException {
    return firstLoad.await(nanos, TimeUnit.NANOSECONDS);
  }

  void addListener(FeatureFlagsListener listener) {
    listeners.add(listener);
  }

  void removeListener(FeatureFlagsListener listener) {
    listeners.remove(listener);
  }

  boolean storeUsable() {
    return storeHealthy && !closed;
  }

  // ---- refreshing
  // --------------------------------------------------------------------------------

  private void trigger() {
    try {
      scheduler.execute(this::refresh);
    } catch (RejectedExecutionException e) {
      // closed: nothing to refresh
    }
  }

  private void tick() {
    LazyOverrides l = lazy;
    if (l != null) {
      l.tick();
    }
  }

  /** What the worker read from the store for one cycle; null snapshot = nothing changed. */
  private record Loaded(Snapshot snapshot, ChangeSet lazyChanges) {}

  /**
   * One refresh cycle; never throws, so the scheduler never cancels it. Runs on the scheduler, or
   * on a writer's thread for read-your-writes.
   */
  void refresh() {
    synchronized (refreshLock) {
      if (closed) {
        return;
      }
      try {
        if (inFlight != null && !inFlight.isDone()) {
          failed(
              new FlagStoreException(
                  "the store has not answered for more than storeTimeout " + config.storeTimeout()),
              false);
          return;
        }
        publishLate();
        Snapshot base = current;
        boolean full = base == null || base.bootstrap || !storeHealthy;
        Future<Loaded> task = worker.submit(() -> load(base, full));
        inFlight = task;
        inFlightBase = base;
        inFlightFull = full;
        inFlightUsed = false;
        Loaded loaded;
        try {
          loaded = task.get(config.storeTimeout().toNanos(), TimeUnit.NANOSECONDS);
          inFlightUsed = true;
        } catch (TimeoutException e) {
          failed(
              new FlagStoreException(
                  "refresh did not finish within storeTimeout " + config.storeTimeout()),
              false);
          return;
        } catch (ExecutionException e) {
          inFlightUsed = true;
          Throwable cause = e.getCause();
          failed(cause, !(cause instanceof RuntimeException));
          return;
        }
        publish(base, full, loaded);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RejectedExecutionException e) {
        // closed meanwhile
      } catch (Throwable t) {
        failed(t, true);
      }
    }
  }

  /**
   * A load that finished after its cycle gave up on it (a slow store, e.g. a first load of very
   * many overrides) is still good data: publish it if nothing was published since it started.
   */
  private void publishLate() {
    if (inFlightUsed || inFlight == null) {
      return;
    }
    inFlightUsed = true;
    Loaded late;
    try {
      late = inFlight.get();
    } catch (ExecutionException
        | InterruptedException
        | java.util.concurrent.CancellationException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return; // its failure was already reported as a timeout
    }
    if (inFlightBase == current) {
      publish(inFlightBase, inFlightFull, late);
    }
  }

  /** On the worker: every store call of one cycle. */
  private Loaded load(Snapshot base, boolean full) {
    long version = store.changeVersion(environment);
    if (!full && version == base.version && (base.index == null || base.index.version == version)) {
      return new Loaded(null, null);
    }
    FlagSet flags = store.loadFlags(environment);
    if (lazyMode == null) {
      long count = store.overrideCount(environment);
      boolean chooseLazy =
          config.overrideMemoryLimit() == 0 || count > config.overrideMemoryLimit();
      if (chooseLazy) {
        lazyCount = count;
        lazy =
            new LazyOverrides(
                store,
                environment,
                config.tenantCacheSize(),
                config.tenantCacheExpiry(),
                config.coldLoadTimeout(),
                canonical,
                this::storeUsable);
      }
      lazyMode = chooseLazy;
    }
    if (lazyMode) {
      ChangeSet changes = full ? null : store.changesSince(environment, base.version);
      return new Loaded(snapshot(flags, base, null), changes);
    }
    OverrideIndex index = null;
    if (!full && base.index != null) {
      ChangeSet changes = store.changesSince(environment, base.index.version);
      if (changes.complete() && changes.tenantIds().size() <= INCREMENTAL_LIMIT) {
        Map<String, List<TenantOverride>> reloaded = new HashMap<>();
        for (String tenant : changes.tenantIds()) {
          reloaded.put(tenant, store.loadTenantOverrides(environment, tenant));
        }
        index = base.index.with(reloaded, changes.version(), canonical);
      }
    }
    if (index == null) {
      index =
          OverrideIndex.of(
              store.loadOverrides(environment), base == null ? null : base.index, canonical);
    }
    return new Loaded(snapshot(flags, base, index), null);
  }

  private Snapshot snapshot(FlagSet flags, Snapshot base, OverrideIndex index) {
    return new Snapshot(
        flags.version(),
        false,
        flags.flags(),
        flags.flagsWithOverrides(),
        flags.unreadable(),
        base,
        index,
        lazy,
        context);
  }

  private void publish(Snapshot base, boolean full, Loaded loaded) {
    Snapshot next = loaded.snapshot();
    boolean invalidateAll;
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      Snapshot published = current;
      // start() may have installed a bootstrap while this cycle was in the store.
      invalidateAll =
          full
              || published != base
              || loaded.lazyChanges() == null
              || !loaded.lazyChanges().complete();
      if (next != null) {
        current = next;
        publish.accept(next);
        if (next.allCalls != null) {
          usage.published(next);
        }
        listeners.flags(published, next);
        if (published == null || !published.unreadable.equals(next.unreadable)) {
          listeners.unreadable(published, next, environment);
        }
      }
    }
    LazyOverrides l = lazy;
    if (next != null && l != null) {
      // Outside stateLock: invalidating may wait for Caffeine's maintenance. Before READY below,
      // so that READY never answers with a tenant's overrides from before the outage.
      if (invalidateAll) {
        l.invalidateAll();
      } else {
        l.invalidate(loaded.lazyChanges().tenantIds());
      }
    }
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      storeHealthy = true;
      Status before = status;
      status = status(Status.State.READY, config.clock().instant(), null);
      if (before.state() != Status.State.READY) {
        if (before.state() == Status.State.NOT_READY) {
          LOG.info("loaded {} flags of environment '{}'", current.flags.size(), environment);
        } else {
          LOG.info("store reachable again; environment '{}' is READY", environment);
        }
        listeners.status(before, status);
      }
    }
    firstLoad.countDown();
  }

  /**
   * A cycle failed. Store failures and timeouts: READY becomes STALE. Anything else: ERROR. Logged
   * once per state change; the next poll retries (a dead store is asked once per poll interval).
   */
  private void failed(Throwable e, boolean unexpected) {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      storeHealthy = false;
      String detail =
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      Status before = status;
      Status.State next;
      if (unexpected) {
        next = Status.State.ERROR;
      } else if (before.state() == Status.State.READY
          || (before.state() == Status.State.ERROR && current != null)) {
        next = Status.State.STALE;
      } else {
        next = before.state(); // NOT_READY, STALE, or ERROR without any flags
      }
      if (next != before.state() || before.detail() == null) {
        if (unexpected) {
          LOG.error("refreshing environment '{}' failed unexpectedly; retrying", environment, e);
        } else {
          LOG.warn(
              "flag store unreachable for environment '{}'; serving last good flags: {}",
              environment,
              detail);
        }
      }
      if (next != before.state() || !Objects.equals(detail, before.detail())) {
        setStatus(next, detail);
      }
    }
  }

  private Status status(Status.State state, Instant lastRefresh, String detail) {
    Snapshot s = current;
    boolean isLazy = Boolean.TRUE.equals(lazyMode);
    return new Status(
        state,
        lastRefresh,
        s == null ? -1 : s.version,
        detail,
        s == null ? List.of() : s.unreadable,
        isLazy ? Status.OverrideMode.LAZY : Status.OverrideMode.ALL_IN_MEMORY,
        isLazy ? lazyCount : s == null ? -1 : s.overridesInMemory());
  }

  private void setStatus(Status.State state, String detail) {
    Status before = status;
    status = status(state, before.lastRefresh(), detail);
    if (before.state() != state) {
      listeners.status(before, status);
    }
  }

  // ---- usage
  // ---------------------------------------------------------------------------------------

  /** On the scheduler: hands a flush to the usage worker unless the previous one still runs. */
  void flushUsage() {
    try {
      if (usage.unsupported() || (flushInFlight != null && !flushInFlight.isDone())) {
        return;
      }
      flushInFlight = usageWorker.submit(() -> usage.flush(store, environment, config.clock()));
    } catch (RejectedExecutionException e) {
      // closed
    } catch (Throwable t) {
      LOG.warn("scheduling a usage flush failed", t);
    }
  }
}
