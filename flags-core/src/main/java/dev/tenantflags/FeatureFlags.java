package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The client: answers "is feature F on for tenant T?" in nanoseconds from an in-memory snapshot of
 * one environment's flags and overrides, keeps that snapshot fresh, and survives store outages
 * (SPEC §3, §4, §8).
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
   * Three parts: this class is the public API and the hot path; Refresher keeps the snapshot fresh
   * (poll, push, bootstrap, start-up, status, listeners, usage flushing); the overrides are held by
   * the snapshot's OverrideIndex (all in memory, the default) or by LazyOverrides (above
   * overrideMemoryLimit).
   *
   * Hot path (isEnabled/evaluate): one volatile read of the snapshot (mirrored from the refresher), a HashMap get of the
   * flag, Evaluator over immutable objects, then (counting on) one atomic add in the flag's striped
   * counters. No lock, no I/O, no allocation, no logging, no clock read. In the default mode the
   * override lookup is a HashMap get in memory, so an unknown tenant costs nothing; only lazy mode may
   * wait, at most coldLoadTimeout, for a tenant never seen. Exposure events (opt-in) add a nanoTime
   * read, a map get and, once per window per (flag, tenant, value), an event and a queue offer.
   *
   * Failure: evaluation catches everything and answers the caller's default with ERROR; it never
   * waits on the store, whatever the store does.
   */

  private final ClientConfig config;
  private final Refresher refresher;

  /**
   * The refresher's published snapshot, mirrored here so that the hot path reads it with one
   * volatile load instead of loading the refresher first.
   */
  private volatile Snapshot snapshot;

  private final Exposures exposures;

  private FeatureFlags(ClientConfig config) {
    this.config = config;
    this.refresher = new Refresher(config, published -> snapshot = published);
    this.exposures =
        config.exposureListener() == null
            ? null
            : new Exposures(
                config.exposureListener(),
                config.exposureWindow(),
                config.clock(),
                config.environment(),
                config.exposureQueue());
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
   * Never throws, never blocks (except lazy mode's bounded wait for a tenant never seen), allocates
   * nothing.
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
   * evaluated (SPEC §3 rule 8: no flags were ever loaded, an unreadable flag, null arguments, a
   * bug). A missing or archived flag is false, not the default. Never throws.
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
   * Returns whether a flag is on for a tenant known by id alone (no attributes), allocating
   * nothing: the same answer as {@code isEnabled(flagKey, TenantKey.of(tenantId))}. An invalid id
   * (null, empty, over 256 characters) answers false. Never throws.
   *
   * @param flagKey the flag key
   * @param tenantId the tenant id
   * @return whether the feature is on
   */
  public boolean isEnabled(String flagKey, String tenantId) {
    if (tenantId == null || tenantId.isEmpty() || tenantId.length() > Checks.MAX_NAME) {
      return false;
    }
    Evaluation e = evaluate(flagKey, tenantId, Map.of(), true);
    return e.reason() != Reason.ERROR && e.enabled();
  }

  /**
   * Evaluates a flag for a tenant and says why (SPEC §3). Never throws; returns a shared constant.
   * Counted in usage (SPEC §8).
   *
   * @param flagKey the flag key
   * @param tenant the tenant
   * @return the evaluation; reason {@link Reason#ERROR} when nothing could be evaluated
   */
  public Evaluation evaluate(String flagKey, TenantKey tenant) {
    if (tenant == null) {
      return Evaluation.of(false, Reason.ERROR);
    }
    return evaluate(flagKey, tenant.id(), tenant.attributes(), true);
  }

  /**
   * Evaluates like {@link #evaluate} without counting it in usage or exposures: for admin tools and
   * consoles that show a tenant's values without being an application's use of the flag.
   *
   * @param flagKey the flag key
   * @param tenant the tenant
   * @return the evaluation; reason {@link Reason#ERROR} when nothing could be evaluated
   */
  public Evaluation explain(String flagKey, TenantKey tenant) {
    if (tenant == null) {
      return Evaluation.of(false, Reason.ERROR);
    }
    return evaluate(flagKey, tenant.id(), tenant.attributes(), false);
  }

  private Evaluation evaluate(
      String flagKey, String tenantId, Map<String, String> attributes, boolean count) {
    try {
      Snapshot s = snapshot;
      if (s == null || flagKey == null) {
        return Evaluation.of(false, Reason.ERROR);
      }
      CompiledFlag flag = s.flag(flagKey);
      if (flag == null) {
        return Evaluation.of(false, Reason.FLAG_NOT_FOUND);
      }
      Evaluation e = Evaluator.evaluate(flag, tenantId, attributes, s.overrides);
      if (count && e.reason() != Reason.ERROR) {
        FlagUsage usage = flag.usage;
        if (usage != null) {
          usage.record(e.enabled());
        }
        if (exposures != null) {
          exposures.record(flag, tenantId, e);
        }
      }
      return e;
    } catch (RuntimeException | StackOverflowError e) {
      return Evaluation.of(false, Reason.ERROR);
    }
  }

  /**
   * Evaluates every non-archived flag for one tenant (SPEC §3); each flag is evaluated at most once
   * (prerequisites are shared), and each is counted in usage. Unreadable flags without a last good
   * definition are left out.
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
    String id = tenant.id();
    Map<String, String> attributes = tenant.attributes();
    // Look the tenant up once for all flags rather than once per flag.
    Evaluator.OverrideSource source =
        s.anyOverrides ? s.overrides.overridesOf(id) : TenantOverrides.NONE;
    CompiledFlag[] active = s.active;
    // Flags whose value cannot depend on the tenant were answered when the snapshot was built.
    long[] bits = s.constantBits.clone();
    Evaluator.Memo memo = Evaluator.memo();
    for (int i : s.tenantDependent) {
      boolean enabled;
      try {
        enabled = Evaluator.evaluate(active[i], id, attributes, source, memo).enabled();
      } catch (RuntimeException | StackOverflowError ex) {
        enabled = false;
      }
      if (enabled) {
        bits[i >>> 6] |= 1L << i;
      }
    }
    FlagUsage calls = s.allCalls;
    if (calls != null) {
      // Constant flags are counted per call by the flusher (see Snapshot.allCalls); one add here.
      calls.record(true);
      for (int i : s.tenantDependent) {
        FlagUsage usage = active[i].usage;
        if (usage != null) {
          usage.record((bits[i >>> 6] & (1L << i)) != 0);
        }
      }
    }
    // One bit per flag over the snapshot's sorted keys: no hash map, no node per flag.
    return new FlagValues(s, bits);
  }

  /**
   * Counts a request the servlet filter refused because this flag was off for its tenant (SPEC §8).
   * Allocation-free; unknown keys are ignored; nothing is counted when usage counting is off.
   *
   * @param flagKey the flag key
   */
  public void recordRefusal(String flagKey) {
    if (!config.usage() || flagKey == null) {
      return;
    }
    FlagUsage usage = refresher.usage.get(flagKey);
    if (usage != null) {
      usage.refused();
    }
  }

  // ---- inspection ------------------------------------------------------------------------------

  /**
   * Returns the client's current status, including unreadable rows and the override mode.
   *
   * @return the status
   */
  public Status status() {
    return refresher.status();
  }

  /**
   * Waits until flags were loaded from the store at least once.
   *
   * @param timeout how long to wait at most
   * @return true when the client is {@link Status.State#READY}
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    refresher.awaitFirstLoad(timeout.toNanos());
    return status().state() == Status.State.READY;
  }

  /**
   * Returns the environment this client evaluates.
   *
   * @return the environment name
   */
  public String environment() {
    return config.environment();
  }

  /**
   * Returns a short description of the store (its class name), for status pages.
   *
   * @return the store's simple class name
   */
  public String storeDescription() {
    return config.store().getClass().getSimpleName();
  }

  /**
   * Builds a new client of another environment with this client's store and settings (except the
   * listener, the bootstrap and the exposure listener, which belong to this environment). The
   * caller owns and closes it.
   *
   * @param environment the environment name
   * @return a new, started client
   * @throws FlagValidationException if the name is invalid
   */
  public FeatureFlags forEnvironment(String environment) {
    ClientConfig c = config;
    return start(
        new ClientConfig(
            c.store(),
            Checks.environment(environment),
            c.pollInterval(),
            c.startupTimeout(),
            c.strict(),
            null,
            c.tenantCacheSize(),
            c.tenantCacheExpiry(),
            c.clock(),
            null,
            c.overrideMemoryLimit(),
            c.coldLoadTimeout(),
            c.storeTimeout(),
            c.usage(),
            c.usageFlushInterval(),
            null,
            c.exposureWindow(),
            c.exposureQueue()));
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
   * @return the flag, or empty (also for an unreadable flag without a last good definition)
   */
  public Optional<Flag> flag(String key) {
    Snapshot s = snapshot;
    CompiledFlag f = s == null || key == null ? null : s.flag(key);
    return f == null ? Optional.empty() : Optional.ofNullable(f.flag);
  }

  /**
   * Returns how many exposure events were dropped because the queue was full (0 without an exposure
   * listener).
   *
   * @return the number of dropped events
   */
  public long exposureDrops() {
    return exposures == null ? 0 : exposures.drops();
  }

  /**
   * Adds a listener for status and flag changes.
   *
   * @param listener the listener
   */
  public void addListener(FeatureFlagsListener listener) {
    refresher.addListener(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  public void removeListener(FeatureFlagsListener listener) {
    refresher.removeListener(listener);
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
   * Stops refreshing and releases the client's threads after a last usage flush (bounded: at most
   * two seconds, or storeTimeout if shorter). The store is not closed. Evaluation keeps answering
   * from the last snapshot. Idempotent.
   */
  @Override
  public void close() {
    refresher.close(true);
    if (exposures != null) {
      exposures.close();
    }
  }

  // ---- package-private collaborators -----------------------------------------------------------

  java.time.Clock clock() {
    return config.clock();
  }

  FlagStore storeInternal() {
    return config.store();
  }

  /** Refreshes from the store now, on the calling thread, so a writer reads its own write. */
  void refreshNow() {
    refresher.refresh();
  }

  /** Flushes usage counts now (tests; the scheduler does it every usageFlushInterval). */
  void flushUsageNow() {
    refresher.usage.flush(config.store(), config.environment(), config.clock());
  }

  /** A flag's true count since start (tests); 0 for an unknown key. */
  long refresherUsageTrueCount(String key) {
    FlagUsage usage = refresher.usage.get(key);
    return usage == null ? 0 : usage.trueCount();
  }

  static FeatureFlags start(ClientConfig config) {
    FeatureFlags flags = new FeatureFlags(config);
    try {
      flags.refresher.start();
    } catch (RuntimeException e) {
      if (flags.exposures != null) {
        flags.exposures.close();
      }
      throw e;
    }
    return flags;
  }

  /**
   * Builds a {@link FeatureFlags} client. Each setter validates its argument at once and may be
   * called once; {@link #build()} names what is missing. The setters are documented on this class
   * (inherited from a package-private base that keeps this file short).
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder extends ClientBuilder {
    private Builder() {}
  }
}
