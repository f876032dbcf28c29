package dev.tenantflags;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import java.util.List;
import java.util.Optional;

/** A fake store that forwards everything; tests subclass it to change one behaviour. */
class ForwardingStore implements FlagStore {
  private final FlagStore delegate;

  ForwardingStore(FlagStore delegate) {
    this.delegate = delegate;
  }

  @java.lang.Override
  public FlagSet loadFlags(String environment) {
    return delegate.loadFlags(environment);
  }

  @java.lang.Override
  public Optional<Flag> loadFlag(String environment, String key) {
    return delegate.loadFlag(environment, key);
  }

  @java.lang.Override
  public List<Override> loadTenantOverrides(String environment, String tenantId) {
    return delegate.loadTenantOverrides(environment, tenantId);
  }

  @java.lang.Override
  public List<Override> loadFlagOverrides(String environment, String flagKey) {
    return delegate.loadFlagOverrides(environment, flagKey);
  }

  @java.lang.Override
  public long changeVersion(String environment) {
    return delegate.changeVersion(environment);
  }

  @java.lang.Override
  public ChangeSet changesSince(String environment, long sinceVersion) {
    return delegate.changesSince(environment, sinceVersion);
  }

  @java.lang.Override
  public List<Environment> environments() {
    return delegate.environments();
  }

  @java.lang.Override
  public List<AuditEntry> audit(AuditQuery query) {
    return delegate.audit(query);
  }

  @java.lang.Override
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    return delegate.createFlag(environment, flag, audit);
  }

  @java.lang.Override
  public AuditEntry updateFlag(String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    return delegate.updateFlag(environment, flag, expectedVersion, audit);
  }

  @java.lang.Override
  public AuditEntry putOverride(String environment, Override override, AuditEntry audit) {
    return delegate.putOverride(environment, override, audit);
  }

  @java.lang.Override
  public AuditEntry deleteOverride(String environment, String flagKey, String tenantId, AuditEntry audit) {
    return delegate.deleteOverride(environment, flagKey, tenantId, audit);
  }

  @java.lang.Override
  public AuditEntry createEnvironment(Environment environment, AuditEntry audit) {
    return delegate.createEnvironment(environment, audit);
  }

  @java.lang.Override
  public AuditEntry deleteEnvironment(String name, AuditEntry audit) {
    return delegate.deleteEnvironment(name, audit);
  }

  @java.lang.Override
  public void close() {
    delegate.close();
  }
}
