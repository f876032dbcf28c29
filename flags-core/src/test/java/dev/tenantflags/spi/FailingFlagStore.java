package dev.tenantflags.spi;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A test fake: a {@link FlagStore} that forwards to another store until told to fail, and then
 * throws {@link FlagStoreException} from every method (as an unreachable database would), until
 * told to recover. Changes made meanwhile directly in the {@link #delegate()} play the role of
 * writes by another process, which the client must pick up once the store is back.
 *
 * <p>Published in the {@code flags-core} test-jar so other modules' tests can use it.
 *
 * <p>Thread safety: safe for concurrent use if the delegate is.
 */
public final class FailingFlagStore implements FlagStore {
  private final FlagStore delegate;
  private volatile boolean failing;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong changeVersionCalls = new AtomicLong();

  /**
   * Wraps a store; starts healthy.
   *
   * @param delegate the store to forward to
   */
  public FailingFlagStore(FlagStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the wrapped store, which never fails; write to it to simulate another process.
   *
   * @return the delegate
   */
  public FlagStore delegate() {
    return delegate;
  }

  /**
   * Switches failure on or off; takes effect for the next call.
   *
   * @param fail whether every method should throw
   */
  public void failing(boolean fail) {
    this.failing = fail;
  }

  /**
   * Returns how many calls reached this store (failed or not).
   *
   * @return the call count
   */
  public long calls() {
    return calls.get();
  }

  /**
   * Returns how many times {@link #changeVersion(String)} was called (failed or not): the client's
   * polling rate.
   *
   * @return the call count
   */
  public long changeVersionCalls() {
    return changeVersionCalls.get();
  }

  private void check() {
    calls.incrementAndGet();
    if (failing) {
      throw new FlagStoreException("store unreachable (FailingFlagStore)");
    }
  }

  @Override
  public FlagSet loadFlags(String environment) {
    check();
    return delegate.loadFlags(environment);
  }

  @Override
  public Optional<Flag> loadFlag(String environment, String key) {
    check();
    return delegate.loadFlag(environment, key);
  }

  @Override
  public List<TenantOverride> loadTenantOverrides(String environment, String tenantId) {
    check();
    return delegate.loadTenantOverrides(environment, tenantId);
  }

  @Override
  public List<TenantOverride> loadFlagOverrides(String environment, String flagKey) {
    check();
    return delegate.loadFlagOverrides(environment, flagKey);
  }

  @Override
  public long changeVersion(String environment) {
    changeVersionCalls.incrementAndGet();
    check();
    return delegate.changeVersion(environment);
  }

  @Override
  public ChangeSet changesSince(String environment, long sinceVersion) {
    check();
    return delegate.changesSince(environment, sinceVersion);
  }

  @Override
  public List<Environment> environments() {
    check();
    return delegate.environments();
  }

  @Override
  public List<AuditEntry> audit(AuditQuery query) {
    check();
    return delegate.audit(query);
  }

  @Override
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    check();
    return delegate.createFlag(environment, flag, audit);
  }

  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    check();
    return delegate.updateFlag(environment, flag, expectedVersion, audit);
  }

  @Override
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      java.util.function.Function<java.util.Optional<TenantOverride>, AuditEntry> audit) {
    check();
    return delegate.putOverride(environment, override, audit);
  }

  @Override
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      java.util.function.Function<TenantOverride, AuditEntry> audit) {
    check();
    return delegate.deleteOverride(environment, flagKey, tenantId, audit);
  }

  @Override
  public dev.tenantflags.spi.OverrideSet loadOverrides(String environment) {
    check();
    return delegate.loadOverrides(environment);
  }

  @Override
  public long overrideCount(String environment) {
    check();
    return delegate.overrideCount(environment);
  }

  @Override
  public AuditEntry createEnvironment(Environment environment, AuditEntry audit) {
    check();
    return delegate.createEnvironment(environment, audit);
  }

  @Override
  public AuditEntry deleteEnvironment(String name, AuditEntry audit) {
    check();
    return delegate.deleteEnvironment(name, audit);
  }

  @Override
  public Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
    return delegate.subscribe(environment, listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
