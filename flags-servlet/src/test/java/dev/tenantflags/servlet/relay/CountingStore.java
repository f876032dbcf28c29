package dev.tenantflags.servlet.relay;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.OverrideSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * An in-memory store that counts the reads and subscriptions the relay makes, and pushes change
 * notifications to its subscribers as a PostgreSQL store would.
 */
final class CountingStore implements FlagStore {
  final InMemoryFlagStore delegate = new InMemoryFlagStore();
  final AtomicInteger subscriptions = new AtomicInteger();
  final AtomicInteger flagLoads = new AtomicInteger();
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

  private <T> T pushed(T result, String environment) {
    long v = delegate.changeVersion(environment);
    listeners.forEach(l -> l.accept(v));
    return result;
  }

  @Override
  public FlagSet loadFlags(String environment) {
    flagLoads.incrementAndGet();
    return delegate.loadFlags(environment);
  }

  @Override
  public Optional<Flag> loadFlag(String environment, String key) {
    return delegate.loadFlag(environment, key);
  }

  @Override
  public List<TenantOverride> loadTenantOverrides(String environment, String tenantId) {
    return delegate.loadTenantOverrides(environment, tenantId);
  }

  @Override
  public List<TenantOverride> loadFlagOverrides(String environment, String flagKey) {
    return delegate.loadFlagOverrides(environment, flagKey);
  }

  @Override
  public OverrideSet loadOverrides(String environment) {
    return delegate.loadOverrides(environment);
  }

  @Override
  public long overrideCount(String environment) {
    return delegate.overrideCount(environment);
  }

  @Override
  public long changeVersion(String environment) {
    return delegate.changeVersion(environment);
  }

  @Override
  public ChangeSet changesSince(String environment, long sinceVersion) {
    return delegate.changesSince(environment, sinceVersion);
  }

  @Override
  public List<Environment> environments() {
    return delegate.environments();
  }

  @Override
  public List<AuditEntry> audit(AuditQuery query) {
    return delegate.audit(query);
  }

  @Override
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    return pushed(delegate.createFlag(environment, flag, audit), environment);
  }

  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    return pushed(delegate.updateFlag(environment, flag, expectedVersion, audit), environment);
  }

  @Override
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor) {
    return pushed(delegate.putOverride(environment, override, auditFor), environment);
  }

  @Override
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor) {
    return pushed(delegate.deleteOverride(environment, flagKey, tenantId, auditFor), environment);
  }

  @Override
  public AuditEntry createEnvironment(Environment environment, AuditEntry audit) {
    return delegate.createEnvironment(environment, audit);
  }

  @Override
  public AuditEntry deleteEnvironment(String name, AuditEntry audit) {
    return delegate.deleteEnvironment(name, audit);
  }

  @Override
  public Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
    subscriptions.incrementAndGet();
    listeners.add(listener);
    return Optional.of(() -> listeners.remove(listener));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
