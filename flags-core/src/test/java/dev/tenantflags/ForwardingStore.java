package dev.tenantflags;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import java.util.List;
import java.util.Optional;

/**
 * A fake store that forwards everything; tests subclass it to change one behaviour. Published in
 * the test-jar for other modules' tests.
 */
public class ForwardingStore implements FlagStore {
  private final FlagStore delegate;

  /** Forwards to {@code delegate}. */
  public ForwardingStore(FlagStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public FlagSet loadFlags(String environment) {
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
    return delegate.createFlag(environment, flag, audit);
  }

  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    return delegate.updateFlag(environment, flag, expectedVersion, audit);
  }

  @Override
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      java.util.function.Function<java.util.Optional<TenantOverride>, AuditEntry> audit) {
    return delegate.putOverride(environment, override, audit);
  }

  @Override
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      java.util.function.Function<TenantOverride, AuditEntry> audit) {
    return delegate.deleteOverride(environment, flagKey, tenantId, audit);
  }

  @Override
  public dev.tenantflags.spi.OverrideSet loadOverrides(String environment) {
    return delegate.loadOverrides(environment);
  }

  @Override
  public long overrideCount(String environment) {
    return delegate.overrideCount(environment);
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
  public void close() {
    delegate.close();
  }
}
