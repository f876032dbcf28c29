package dev.tenantflags;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantflags.spi.FlagStore;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/*
 * Design note
 *
 * When: only above the client's overrideMemoryLimit (SPEC §4 "lazy mode"); below it every override
 * is in the snapshot's OverrideIndex and this class is not used.
 *
 * Lookups: per tenant, loaded on first use into a bounded Caffeine cache keyed by tenant id. A plain
 * ConcurrentHashMap `hot` mirrors its entries, because Caffeine's getIfPresent with
 * expireAfterAccess reads the clock and records the access (80-150 ns with 10,000 warm tenants),
 * where a map get is a few. A hit in `hot` tells Caffeine of the access at most once per `epoch`
 * tick (advanced by the refresher), which keeps expiry and the size policy meaningful. Caffeine's
 * eviction listener removes evicted entries from `hot`; invalidation removes from Caffeine first and
 * from `hot` second; a publisher into `hot` re-checks that Caffeine still holds the entry.
 *
 * Cold tenants never wait on the store for long: the load runs on a small pool (2 threads, a queue of
 * QUEUE tasks; a full queue means "unavailable", not a wait), deduplicated per tenant through
 * `loading`, and the caller waits at most coldLoadTimeout for it (0: not at all). A tenant whose
 * load did not finish in time is evaluated without overrides (Evaluation.overridesUnavailable);
 * the load completes in the background and the next evaluation finds it. While the store is known to
 * be down nothing is queued at all.
 *
 * Staleness: a load racing an invalidation of its tenant could cache overrides from before the
 * change. Every invalidation bumps `generation`; a load caches its result only if no invalidation
 * happened since it started.
 */
/** Lazily loaded, bounded per-tenant overrides for environments with very many. Thread-safe. */
final class LazyOverrides implements Evaluator.OverrideSource {
  static final int QUEUE = 1_000;

  private final FlagStore store;
  private final String environment;
  private final long coldLoadNanos;
  private final UnaryOperator<String> canonical;
  private final BooleanSupplier storeUsable;
  private final Cache<String, TenantOverrides> tenants;
  private final ConcurrentHashMap<String, TenantOverrides> hot = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<TenantOverrides>> loading =
      new ConcurrentHashMap<>();
  private final ThreadPoolExecutor loader;
  private volatile long generation;
  private volatile int epoch;

  LazyOverrides(
      FlagStore store,
      String environment,
      long maximumTenants,
      Duration expiry,
      Duration coldLoadTimeout,
      UnaryOperator<String> canonical,
      BooleanSupplier storeUsable) {
    this.store = store;
    this.environment = environment;
    this.coldLoadNanos = coldLoadTimeout.toNanos();
    this.canonical = canonical;
    this.storeUsable = storeUsable;
    this.tenants =
        Caffeine.newBuilder()
            .maximumSize(maximumTenants)
            .expireAfterAccess(expiry)
            .<String, TenantOverrides>evictionListener(
                (id, entry, cause) -> {
                  if (id != null && entry != null) {
                    hot.remove(id, entry);
                  }
                })
            .build();
    this.loader =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "tenantflags-load-" + environment);
              t.setDaemon(true);
              return t;
            });
    loader.allowCoreThreadTimeOut(true);
  }

  @Override
  public TenantOverrides overridesOf(String tenantId) {
    TenantOverrides entry = hot.get(tenantId);
    if (entry != null) {
      int now = epoch;
      if (entry.touched != now) {
        entry.touched = now;
        tenants.getIfPresent(tenantId);
      }
      return entry;
    }
    entry = tenants.getIfPresent(tenantId);
    if (entry != null) {
      publish(tenantId, entry);
      return entry;
    }
    return cold(tenantId);
  }

  private TenantOverrides cold(String tenantId) {
    if (!storeUsable.getAsBoolean()) {
      return TenantOverrides.UNAVAILABLE;
    }
    CompletableFuture<TenantOverrides> load = loading.get(tenantId);
    if (load == null) {
      CompletableFuture<TenantOverrides> mine = new CompletableFuture<>();
      load = loading.putIfAbsent(tenantId, mine);
      if (load == null) {
        load = mine;
        try {
          loader.execute(() -> load(tenantId, mine));
        } catch (RejectedExecutionException e) {
          loading.remove(tenantId, mine);
          return TenantOverrides.UNAVAILABLE;
        }
      }
    }
    if (coldLoadNanos <= 0) {
      return TenantOverrides.UNAVAILABLE;
    }
    try {
      return load.get(coldLoadNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TenantOverrides.UNAVAILABLE;
    } catch (ExecutionException | TimeoutException e) {
      return TenantOverrides.UNAVAILABLE;
    }
  }

  private void load(String tenantId, CompletableFuture<TenantOverrides> result) {
    long started = generation;
    try {
      TenantOverrides entry =
          TenantOverrides.forTenant(store.loadTenantOverrides(environment, tenantId), canonical);
      entry.touched = epoch;
      if (generation == started) {
        tenants.put(tenantId, entry);
        publish(tenantId, entry);
      }
      result.complete(entry);
    } catch (Throwable e) {
      result.completeExceptionally(e);
    } finally {
      loading.remove(tenantId, result);
    }
  }

  /** Mirrors a Caffeine entry into `hot`, withdrawing it if Caffeine dropped it meanwhile. */
  private void publish(String tenantId, TenantOverrides entry) {
    if (hot.putIfAbsent(tenantId, entry) == null && tenants.getIfPresent(tenantId) != entry) {
      hot.remove(tenantId, entry);
    }
  }

  /** Puts a tenant's known overrides (from a bootstrap file). */
  void put(String tenantId, TenantOverrides entry) {
    tenants.put(tenantId, entry);
    publish(tenantId, entry);
  }

  void invalidate(Collection<String> tenantIds) {
    generation++;
    tenants.invalidateAll(tenantIds);
    for (String id : tenantIds) {
      hot.remove(id);
    }
  }

  void invalidateAll() {
    generation++;
    tenants.invalidateAll();
    hot.clear();
  }

  /** Advances the access epoch; called by the refresher's scheduler. */
  void tick() {
    epoch++;
  }

  long cachedTenants() {
    return tenants.estimatedSize();
  }

  void close() {
    loader.shutdownNow();
  }
}
