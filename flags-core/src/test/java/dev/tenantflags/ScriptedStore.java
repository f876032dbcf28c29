package dev.tenantflags;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UsageBucket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A fake store for client tests: forwards to a real one, counts calls per method, and on demand
 * makes a method block on a latch (a store that hangs), throw, or return altered data.
 */
final class ScriptedStore extends ForwardingStore {
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Map<String, Supplier<? extends Throwable>> failures = new ConcurrentHashMap<>();
  private final FlagStore inner;
  volatile UnaryOperator<FlagSet> flagSets = UnaryOperator.identity();
  volatile UnaryOperator<OverrideSet> overrideSets = UnaryOperator.identity();
  volatile UnaryOperator<ChangeSet> changeSets = UnaryOperator.identity();
  private final Map<String, Long> delays = new ConcurrentHashMap<>();
  volatile boolean usageUnsupported;

  ScriptedStore(FlagStore inner) {
    super(inner);
    this.inner = inner;
  }

  /** Calls to {@code method} block until the returned latch is counted down. */
  CountDownLatch hang(String method) {
    CountDownLatch latch = new CountDownLatch(1);
    gates.put(method, latch);
    return latch;
  }

  void release(String method) {
    CountDownLatch latch = gates.remove(method);
    if (latch != null) {
      latch.countDown();
    }
  }

  /** Calls to {@code method} throw what {@code failure} supplies, if not null (null: stop). */
  void fail(String method, Supplier<? extends Throwable> failure) {
    if (failure == null) {
      failures.remove(method);
    } else {
      failures.put(method, failure);
    }
  }

  /** Calls to {@code method} take {@code millis} longer (a slow store). */
  void slow(String method, long millis) {
    delays.put(method, millis);
  }

  long calls(String method) {
    AtomicLong n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  private void enter(String method) {
    calls.computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
    Long delay = delays.get(method);
    if (delay != null) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new dev.tenantflags.spi.FlagStoreException("interrupted while slow", e);
      }
    }
    CountDownLatch gate = gates.get(method);
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new dev.tenantflags.spi.FlagStoreException("interrupted while hanging", e);
      }
    }
    Supplier<? extends Throwable> failure = failures.get(method);
    if (failure != null) {
      Throwable t = failure.get();
      if (t == null) {
        return;
      }
      if (t instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) t;
    }
  }

  @Override
  public FlagSet loadFlags(String environment) {
    enter("loadFlags");
    return flagSets.apply(super.loadFlags(environment));
  }

  @Override
  public Optional<Flag> loadFlag(String environment, String key) {
    enter("loadFlag");
    return super.loadFlag(environment, key);
  }

  @Override
  public List<TenantOverride> loadTenantOverrides(String environment, String tenantId) {
    enter("loadTenantOverrides");
    return super.loadTenantOverrides(environment, tenantId);
  }

  @Override
  public long changeVersion(String environment) {
    enter("changeVersion");
    return super.changeVersion(environment);
  }

  @Override
  public ChangeSet changesSince(String environment, long sinceVersion) {
    enter("changesSince");
    return changeSets.apply(super.changesSince(environment, sinceVersion));
  }

  @Override
  public OverrideSet loadOverrides(String environment) {
    enter("loadOverrides");
    return overrideSets.apply(super.loadOverrides(environment));
  }

  @Override
  public long overrideCount(String environment) {
    enter("overrideCount");
    return super.overrideCount(environment);
  }

  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    enter("updateFlag");
    return super.updateFlag(environment, flag, expectedVersion, audit);
  }

  @Override
  public void addUsage(List<UsageBucket> buckets) {
    enter("addUsage");
    if (usageUnsupported) {
      throw new UnsupportedOperationException("no usage");
    }
    inner.addUsage(buckets);
  }

  @Override
  public List<UsageBucket> usage(String environment, String flagKey, Instant from, Instant to) {
    return inner.usage(environment, flagKey, from, to);
  }

  @Override
  public Map<String, Instant> lastEvaluated(String environment) {
    return inner.lastEvaluated(environment);
  }

  @Override
  public List<ApiToken> tokens() {
    return inner.tokens();
  }

  @Override
  public AuditEntry createToken(ApiToken token, AuditEntry audit) {
    return inner.createToken(token, audit);
  }

  @Override
  public AuditEntry revokeToken(String name, AuditEntry audit) {
    return inner.revokeToken(name, audit);
  }

  @Override
  public void touchTokens(Map<String, Instant> lastUsed) {
    inner.touchTokens(lastUsed);
  }

  @Override
  public long tokenVersion() {
    return inner.tokenVersion();
  }
}
