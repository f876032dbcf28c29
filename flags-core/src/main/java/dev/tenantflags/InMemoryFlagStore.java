package dev.tenantflags;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UsageBucket;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A complete {@link FlagStore} held in memory: for tests of applications that use tenantflags, for
 * single-process programs whose flags are declared in code, and as the reference implementation of
 * the SPI. Nothing survives the process.
 *
 * <p>Thread safety: safe for concurrent use; every method is atomic.
 */
public final class InMemoryFlagStore implements FlagStore {

  /*
   * Concurrency: one monitor guards everything. Reads are short and the client caches them, so a
   * lock-free design would buy nothing measurable.
   *
   * Change log: each environment remembers the tenants touched by its last CHANGE_LOG_LIMIT changes;
   * changesSince further back reports an incomplete change set, and clients drop all cached tenants.
   */
  private static final int CHANGE_LOG_LIMIT = 10_000;

  private final Map<String, Env> environments = new TreeMap<>();
  private final Deque<AuditEntry> audit = new ArrayDeque<>();

  /** Versions of deleted environments, so their version never goes backwards. */
  private final Map<String, Long> tombstones = new TreeMap<>();

  /** Usage buckets by environment, flag key and hour. */
  private final Map<String, UsageBucket> usage = new TreeMap<>();

  private final Map<String, ApiToken> tokens = new TreeMap<>();
  private long tokenVersion;
  private long nextAuditId = 1;
  private long versionClock;

  /** Creates an empty store. */
  public InMemoryFlagStore() {}

  private static final class Env {
    Environment environment;
    long version;
    final Map<String, Flag> flags = new TreeMap<>();

    /** flag key, then tenant id. */
    final Map<String, Map<String, TenantOverride>> overrides = new TreeMap<>();

    final Deque<long[]> logVersions = new ArrayDeque<>();
    final Deque<String> logTenants = new ArrayDeque<>();

    Env(Environment environment) {
      this.environment = environment;
    }
  }

  @Override
  public synchronized FlagSet loadFlags(String environment) {
    Env env = environments.get(environment);
    if (env == null) {
      return new FlagSet(tombstones.getOrDefault(environment, 0L), List.of(), Set.of());
    }
    Set<String> withOverrides = new HashSet<>();
    env.overrides.forEach(
        (key, byTenant) -> {
          if (!byTenant.isEmpty()) {
            withOverrides.add(key);
          }
        });
    return new FlagSet(env.version, new ArrayList<>(env.flags.values()), withOverrides);
  }

  @Override
  public synchronized Optional<Flag> loadFlag(String environment, String key) {
    Env env = environments.get(environment);
    return env == null ? Optional.empty() : Optional.ofNullable(env.flags.get(key));
  }

  @Override
  public synchronized List<TenantOverride> loadTenantOverrides(
      String environment, String tenantId) {
    Env env = environments.get(environment);
    List<TenantOverride> out = new ArrayList<>();
    if (env != null) {
      for (Map<String, TenantOverride> byTenant : env.overrides.values()) {
        TenantOverride override = byTenant.get(tenantId);
        if (override != null) {
          out.add(override);
        }
      }
    }
    return out;
  }

  @Override
  public synchronized List<TenantOverride> loadFlagOverrides(String environment, String flagKey) {
    Env env = environments.get(environment);
    if (env == null) {
      return List.of();
    }
    return new ArrayList<>(env.overrides.getOrDefault(flagKey, Map.of()).values());
  }

  @Override
  public synchronized long changeVersion(String environment) {
    Env env = environments.get(environment);
    return env == null ? tombstones.getOrDefault(environment, 0L) : env.version;
  }

  @Override
  public synchronized ChangeSet changesSince(String environment, long sinceVersion) {
    Env env = environments.get(environment);
    if (env == null) {
      long version = tombstones.getOrDefault(environment, 0L);
      return sinceVersion >= version
          ? new ChangeSet(version, Set.of(), true)
          : ChangeSet.unknown(version);
    }
    if (sinceVersion >= env.version) {
      return new ChangeSet(env.version, Set.of(), true);
    }
    long oldest = env.logVersions.isEmpty() ? Long.MAX_VALUE : env.logVersions.peekFirst()[0];
    if (oldest > sinceVersion + 1) {
      return ChangeSet.unknown(env.version);
    }
    Set<String> tenants = new HashSet<>();
    Iterator<long[]> versions = env.logVersions.iterator();
    Iterator<String> names = env.logTenants.iterator();
    while (versions.hasNext()) {
      long version = versions.next()[0];
      String tenant = names.next();
      if (version > sinceVersion && !tenant.isEmpty()) {
        tenants.add(tenant);
      }
    }
    return new ChangeSet(env.version, tenants, true);
  }

  @Override
  public synchronized List<Environment> environments() {
    List<Environment> out = new ArrayList<>();
    for (Env env : environments.values()) {
      out.add(env.environment);
    }
    return out;
  }

  @Override
  public synchronized List<AuditEntry> audit(AuditQuery query) {
    List<AuditEntry> out = new ArrayList<>();
    Iterator<AuditEntry> newestFirst = audit.descendingIterator();
    while (newestFirst.hasNext() && out.size() < query.limit()) {
      AuditEntry entry = newestFirst.next();
      if (query.matches(entry)) {
        out.add(entry);
      }
    }
    return out;
  }

  @Override
  public synchronized AuditEntry createFlag(String environment, Flag flag, AuditEntry entry) {
    Env env = envForWrite(environment);
    if (env.flags.containsKey(flag.key())) {
      throw new FlagConflictException(
          FlagConflictException.Kind.ALREADY_EXISTS,
          "flag " + Checks.quote(flag.key()) + " already exists");
    }
    env.flags.put(flag.key(), flag);
    return commit(environment, env, null, entry);
  }

  @Override
  public synchronized AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry entry) {
    Env env = environments.get(environment);
    Flag current = env == null ? null : env.flags.get(flag.key());
    if (current == null) {
      throw new FlagNotFoundException("flag " + Checks.quote(flag.key()) + " does not exist");
    }
    if (current.version() != expectedVersion) {
      throw new FlagConflictException(
          FlagConflictException.Kind.STALE_VERSION,
          "version of flag "
              + Checks.quote(flag.key())
              + " is "
              + current.version()
              + ", not "
              + expectedVersion);
    }
    env.flags.put(flag.key(), flag);
    return commit(environment, env, null, entry);
  }

  @Override
  public synchronized AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor) {
    Env env = environments.get(environment);
    if (env == null || !env.flags.containsKey(override.flagKey())) {
      throw new FlagNotFoundException(
          "flag " + Checks.quote(override.flagKey()) + " does not exist");
    }
    Map<String, TenantOverride> byTenant = env.overrides.get(override.flagKey());
    TenantOverride current = byTenant == null ? null : byTenant.get(override.tenantId());
    AuditEntry entry = auditFor.apply(Optional.ofNullable(current));
    env.overrides
        .computeIfAbsent(override.flagKey(), k -> new TreeMap<>())
        .put(override.tenantId(), override);
    return commit(environment, env, override.tenantId(), entry);
  }

  @Override
  public synchronized AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor) {
    Env env = environments.get(environment);
    Map<String, TenantOverride> byTenant = env == null ? null : env.overrides.get(flagKey);
    TenantOverride current = byTenant == null ? null : byTenant.get(tenantId);
    if (current == null) {
      throw new FlagNotFoundException(
          "override of flag "
              + Checks.quote(flagKey)
              + " for tenant "
              + Checks.quote(tenantId)
              + " does not exist");
    }
    AuditEntry entry = auditFor.apply(current);
    byTenant.remove(tenantId);
    return commit(environment, env, tenantId, entry);
  }

  @Override
  public synchronized OverrideSet loadOverrides(String environment) {
    Env env = environments.get(environment);
    if (env == null) {
      return new OverrideSet(tombstones.getOrDefault(environment, 0L), List.of(), List.of());
    }
    List<TenantOverride> all = new ArrayList<>();
    env.overrides.values().forEach(byTenant -> all.addAll(byTenant.values()));
    return new OverrideSet(env.version, all, List.of());
  }

  @Override
  public synchronized long overrideCount(String environment) {
    Env env = environments.get(environment);
    if (env == null) {
      return 0;
    }
    long n = 0;
    for (Map<String, TenantOverride> byTenant : env.overrides.values()) {
      n += byTenant.size();
    }
    return n;
  }

  @Override
  public synchronized void addUsage(List<UsageBucket> buckets) {
    for (UsageBucket b : buckets) {
      usage.merge(
          b.environment() + "\u0000" + b.flagKey() + "\u0000" + b.hour().getEpochSecond(),
          b,
          (old, add) ->
              new UsageBucket(
                  old.environment(),
                  old.flagKey(),
                  old.hour(),
                  old.trueCount() + add.trueCount(),
                  old.falseCount() + add.falseCount(),
                  old.refusedCount() + add.refusedCount(),
                  later(old.lastEvaluatedAt(), add.lastEvaluatedAt())));
    }
  }

  @Override
  public synchronized List<UsageBucket> usage(
      String environment, String flagKey, Instant from, Instant to) {
    List<UsageBucket> out = new ArrayList<>();
    for (UsageBucket b : usage.values()) {
      if (b.environment().equals(environment)
          && b.flagKey().equals(flagKey)
          && !b.hour().isBefore(from)
          && b.hour().isBefore(to)) {
        out.add(b);
      }
    }
    out.sort((a, b) -> a.hour().compareTo(b.hour()));
    return out;
  }

  @Override
  public synchronized Map<String, Instant> lastEvaluated(String environment) {
    Map<String, Instant> out = new TreeMap<>();
    for (UsageBucket b : usage.values()) {
      if (b.environment().equals(environment) && b.lastEvaluatedAt() != null) {
        out.merge(b.flagKey(), b.lastEvaluatedAt(), InMemoryFlagStore::later);
      }
    }
    return out;
  }

  @Override
  public synchronized List<ApiToken> tokens() {
    return new ArrayList<>(tokens.values());
  }

  @Override
  public synchronized AuditEntry createToken(ApiToken token, AuditEntry entry) {
    if (tokens.containsKey(token.name())) {
      throw new FlagConflictException(
          FlagConflictException.Kind.ALREADY_EXISTS,
          "token " + Checks.quote(token.name()) + " already exists");
    }
    tokens.put(token.name(), token);
    tokenVersion++;
    AuditEntry stored = entry.withId(nextAuditId++);
    audit.addLast(stored);
    return stored;
  }

  @Override
  public synchronized AuditEntry revokeToken(String name, AuditEntry entry) {
    if (tokens.remove(name) == null) {
      throw new FlagNotFoundException("token " + Checks.quote(name) + " does not exist");
    }
    tokenVersion++;
    AuditEntry stored = entry.withId(nextAuditId++);
    audit.addLast(stored);
    return stored;
  }

  @Override
  public synchronized void touchTokens(Map<String, Instant> lastUsed) {
    lastUsed.forEach(
        (name, at) ->
            tokens.computeIfPresent(name, (n, t) -> t.withLastUsedAt(later(t.lastUsedAt(), at))));
  }

  @Override
  public synchronized long tokenVersion() {
    return tokenVersion;
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  @Override
  public synchronized AuditEntry createEnvironment(Environment environment, AuditEntry entry) {
    if (environments.containsKey(environment.name())) {
      throw new FlagConflictException(
          FlagConflictException.Kind.ALREADY_EXISTS,
          "environment " + Checks.quote(environment.name()) + " already exists");
    }
    Env env = new Env(environment);
    environments.put(environment.name(), env);
    return commit(environment.name(), env, null, entry);
  }

  @Override
  public synchronized AuditEntry deleteEnvironment(String name, AuditEntry entry) {
    Env env = environments.remove(name);
    if (env == null) {
      throw new FlagNotFoundException("environment " + Checks.quote(name) + " does not exist");
    }
    // Keep the version moving forward so clients bound to it see the deletion and any re-creation.
    long version = ++versionClock;
    AuditEntry stored = entry.withId(nextAuditId++);
    audit.addLast(stored);
    tombstones.put(name, version);
    return stored;
  }

  /** Nothing to release. */
  @Override
  public void close() {}

  private Env envForWrite(String environment) {
    return environments.computeIfAbsent(environment, name -> new Env(Environment.implicit(name)));
  }

  /**
   * Records a committed change: bumps the version (one store-wide clock, so an environment's
   * version keeps increasing across delete and re-create), logs the touched tenant, appends the
   * audit entry.
   */
  private AuditEntry commit(String environment, Env env, String tenantId, AuditEntry entry) {
    env.version = ++versionClock;
    env.logVersions.addLast(new long[] {env.version});
    env.logTenants.addLast(tenantId == null ? "" : tenantId);
    if (env.logVersions.size() > CHANGE_LOG_LIMIT) {
      env.logVersions.removeFirst();
      env.logTenants.removeFirst();
    }
    AuditEntry stored = entry.withId(nextAuditId++);
    audit.addLast(stored);
    return stored;
  }
}
