package dev.tenantflags.servlet.relay;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.Flag;
import dev.tenantflags.ForwardingStore;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.FlagSet;
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
final class CountingStore extends ForwardingStore {
  final InMemoryFlagStore delegate;
  final AtomicInteger subscriptions = new AtomicInteger();
  final AtomicInteger flagLoads = new AtomicInteger();
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

  CountingStore() {
    this(new InMemoryFlagStore());
  }

  private CountingStore(InMemoryFlagStore delegate) {
    super(delegate);
    this.delegate = delegate;
  }

  private <T> T pushed(T result, String environment) {
    long v = delegate.changeVersion(environment);
    listeners.forEach(l -> l.accept(v));
    return result;
  }

  @Override
  public FlagSet loadFlags(String environment) {
    flagLoads.incrementAndGet();
    return super.loadFlags(environment);
  }

  @Override
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    return pushed(super.createFlag(environment, flag, audit), environment);
  }

  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    return pushed(super.updateFlag(environment, flag, expectedVersion, audit), environment);
  }

  @Override
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor) {
    return pushed(super.putOverride(environment, override, auditFor), environment);
  }

  @Override
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor) {
    return pushed(super.deleteOverride(environment, flagKey, tenantId, auditFor), environment);
  }

  @Override
  public Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
    subscriptions.incrementAndGet();
    listeners.add(listener);
    return Optional.of(() -> listeners.remove(listener));
  }
}
