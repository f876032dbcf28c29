package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UnreadableRow;
import dev.tenantflags.spi.UnreadableRowException;
import dev.tenantflags.spi.UsageBucket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Changes flags, overrides and environments on behalf of one actor, in one client's environment.
 * Every change is validated first (SPEC §2), stored atomically with its audit entry, and visible to
 * the client's next evaluation. A rejected change stores nothing and throws an exception naming the
 * field: {@link FlagValidationException}, {@link FlagNotFoundException}, {@link
 * FlagConflictException}, or {@link dev.tenantflags.spi.FlagStoreException} when the store fails.
 *
 * <p>Obtain one with {@link FeatureFlags#admin(String)}; it may change locked overrides. {@link
 * #respectingLocks()} returns a view that may not, for callers acting for a non-admin role. Every
 * method accepting a {@code comment} records it as the audit entry's "why" (null for none, at most
 * 1000 characters).
 *
 * <p>Thread safety: safe for concurrent use; concurrent changes to one flag are serialised by its
 * version (one wins, the others get {@code STALE_VERSION}).
 */
public final class FlagAdmin {

  /** Pass as {@code expectedVersion} to update whatever version is stored. */
  public static final long ANY_VERSION = -1;

  final FeatureFlags client;
  final FlagStore store;
  final String environment;
  final String actor;
  private final boolean respectLocks;

  FlagAdmin(FeatureFlags client, String actor, boolean respectLocks) {
    this.client = client;
    this.store = client.storeInternal();
    this.environment = client.environment();
    this.actor = actor;
    this.respectLocks = respectLocks;
  }

  /**
   * Returns a view of this admin that may neither change nor set locked overrides (for actors below
   * ADMIN).
   *
   * @return the restricted admin
   */
  public FlagAdmin respectingLocks() {
    return new FlagAdmin(client, actor, true);
  }

  /**
   * Returns the actor recorded in the audit log.
   *
   * @return the actor
   */
  public String actor() {
    return actor;
  }

  /**
   * Returns the environment this admin changes.
   *
   * @return the environment name
   */
  public String environment() {
    return environment;
  }

  // ---- reads (straight from the store) ----------------------------------------------------------

  /**
   * Reads one flag from the store.
   *
   * @param key the flag key
   * @return the flag, archived or not, or empty
   * @throws UnreadableRowException if the stored row cannot be read (SPEC §4); it carries the
   *     version that {@link #replace} expects
   */
  public Optional<Flag> flag(String key) {
    return store.loadFlag(environment, key);
  }

  /**
   * Reads every flag of the environment from the store, archived ones included.
   *
   * @return the flags in key order
   */
  public List<Flag> flags() {
    return store.loadFlags(environment).flags();
  }

  /**
   * Reads the environment's flag rows that the store cannot read (SPEC §4).
   *
   * @return the rows, each naming its flag and problem
   */
  public List<UnreadableRow> unreadableFlags() {
    return store.loadFlags(environment).unreadable();
  }

  /**
   * Reads every tenant's override of one flag.
   *
   * @param key the flag key
   * @return the overrides in tenant order
   */
  public List<TenantOverride> overrides(String key) {
    return store.loadFlagOverrides(environment, key);
  }

  /**
   * Reads one tenant's overrides over all flags.
   *
   * @param tenantId the tenant id
   * @return the overrides in flag order
   */
  public List<TenantOverride> tenantOverrides(String tenantId) {
    return store.loadTenantOverrides(environment, Checks.tenantId("tenantId", tenantId));
  }

  /**
   * Reads one tenant's override of one flag.
   *
   * @param key the flag key
   * @param tenantId the tenant id
   * @return the override, or empty
   */
  public Optional<TenantOverride> override(String key, String tenantId) {
    for (TenantOverride o : tenantOverrides(tenantId)) {
      if (o.flagKey().equals(key)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns a flag's audit entries, newest first.
   *
   * @param key the flag key
   * @param limit 1 to 1000
   * @return the entries
   * @throws FlagValidationException if the limit is out of range
   */
  public List<AuditEntry> history(String key, int limit) {
    return store.audit(new AuditQuery(environment, key, null, null, null, limit));
  }

  /**
   * Queries the audit log.
   *
   * @param query the filter
   * @return matching entries, newest first
   */
  public List<AuditEntry> audit(AuditQuery query) {
    return store.audit(query);
  }

  /**
   * Lists the store's environments.
   *
   * @return the environments
   */
  public List<Environment> environments() {
    return store.environments();
  }

  /**
   * Reads every override of the environment, with the rows the store could not read.
   *
   * @return the overrides and the change version they reflect
   */
  public OverrideSet allOverrides() {
    return store.loadOverrides(environment);
  }

  /**
   * Reads a flag's usage buckets (SPEC §8) with {@code from <= hour < to}, oldest first.
   *
   * @param key the flag key
   * @param from the first hour (inclusive)
   * @param to the end (exclusive)
   * @return the hourly buckets
   * @throws UnsupportedOperationException if the store keeps no usage
   */
  public List<UsageBucket> usage(String key, Instant from, Instant to) {
    return store.usage(environment, Checks.flagKey("key", key), from, to);
  }

  /**
   * Returns when each flag of the environment was last evaluated by any client (SPEC §8).
   *
   * @return flag key to last evaluation; flags never evaluated are absent
   * @throws UnsupportedOperationException if the store keeps no usage
   */
  public Map<String, Instant> lastEvaluated() {
    return store.lastEvaluated(environment);
  }

  /**
   * Returns the handle for API tokens (SPEC §6), which are global; their audit entries are written
   * to this admin's environment with this admin's actor.
   *
   * @return the token admin
   */
  public TokenAdmin apiTokens() {
    return new TokenAdmin(store, environment, actor, client.clock());
  }

  // ---- flag changes -----------------------------------------------------------------------------

  /**
   * Creates a flag (version 1).
   *
   * @param flag the flag; its version and change metadata are ignored
   * @param comment why, or null
   * @return the stored flag
   * @throws FlagConflictException {@code ALREADY_EXISTS} if the key is taken (even by an archived
   *     flag)
   * @throws FlagValidationException if a prerequisite is unknown or would form a cycle or a chain
   *     of more than 32 flags
   */
  public Flag create(Flag flag, String comment) {
    Checks.notNull("flag", flag);
    checkComment(comment);
    checkPrerequisites(flag);
    Instant now = client.clock().instant();
    Flag stored = flag.withVersion(1, now, actor);
    store.createFlag(
        environment,
        stored,
        entry(
            now,
            AuditAction.FLAG_CREATED,
            stored.key(),
            null,
            null,
            AuditJson.of(stored),
            comment));
    client.refreshNow();
    return stored;
  }

  /**
   * Changes a flag: reads it, applies {@code change}, validates, and stores it if its version is
   * still {@code expectedVersion}.
   *
   * @param key the flag key
   * @param expectedVersion the version the caller read, or {@link #ANY_VERSION}
   * @param change derives the new flag from the stored one (e.g. {@code f -> f.withState(ON)}); it
   *     may not change the key
   * @param comment why, or null
   * @return the stored flag
   * @throws FlagNotFoundException if there is no such flag
   * @throws FlagConflictException {@code STALE_VERSION} if the flag changed since {@code
   *     expectedVersion}
   * @throws FlagValidationException if the result is invalid, changes the key, or has an unknown or
   *     cyclic prerequisite, or a prerequisite chain of more than 32 flags
   * @throws UnreadableRowException if the stored row cannot be read: use {@link #replace}
   */
  public Flag update(String key, long expectedVersion, UnaryOperator<Flag> change, String comment) {
    Checks.notNull("change", change);
    return change(key, expectedVersion, change, AuditAction.FLAG_UPDATED, comment);
  }

  /**
   * Replaces a flag's whole definition (keeping whether it is archived), also over a stored row
   * that cannot be read (SPEC §4), which then becomes {@code flag}, not archived.
   *
   * @param flag the new definition; its version and change metadata are ignored
   * @param expectedVersion the stored version (of an unreadable row: {@link
   *     UnreadableRowException#version()}), or {@link #ANY_VERSION}
   * @param comment why, or null
   * @return the stored flag
   * @throws FlagNotFoundException if there is no such flag
   * @throws FlagConflictException {@code STALE_VERSION} if the stored version differs
   * @throws FlagValidationException if a prerequisite is unknown or cyclic, or a chain too long
   */
  public Flag replace(Flag flag, long expectedVersion, String comment) {
    Checks.notNull("flag", flag);
    try {
      return change(
          flag.key(),
          expectedVersion,
          f -> flag.withArchived(f.archived()),
          AuditAction.FLAG_UPDATED,
          comment);
    } catch (UnreadableRowException e) {
      return UnreadableFlags.writeOver(
          this, e, expectedVersion, flag, AuditAction.FLAG_UPDATED, comment);
    }
  }

  /**
   * Archives (soft-deletes) a flag: it evaluates false and keeps its history. A stored row that
   * cannot be read becomes an archived {@link Flag#of(String)}.
   *
   * @param key the flag key
   * @param comment why, or null
   * @return the stored flag
   * @throws FlagNotFoundException if there is no such flag
   */
  public Flag archive(String key, String comment) {
    return retrying(key, f -> f.withArchived(true), AuditAction.FLAG_ARCHIVED, comment);
  }

  /**
   * Restores an archived flag.
   *
   * @param key the flag key
   * @param comment why, or null
   * @return the stored flag
   * @throws FlagNotFoundException if there is no such flag
   */
  public Flag restore(String key, String comment) {
    return retrying(key, f -> f.withArchived(false), AuditAction.FLAG_RESTORED, comment);
  }

  /**
   * The kill switch: sets a flag's state to {@code OFF}, which beats every override and rule. A
   * stored row that cannot be read becomes {@link Flag#of(String)} with state {@code OFF}.
   *
   * @param key the flag key
   * @param comment why, or null
   * @return the stored flag
   * @throws FlagNotFoundException if there is no such flag
   */
  public Flag kill(String key, String comment) {
    return retrying(key, f -> f.withState(FlagState.OFF), AuditAction.FLAG_KILLED, comment);
  }

  /** Attempts of a change without an expected version that meets concurrent edits. */
  static final int CONFLICT_ATTEMPTS = 5;

  /**
   * Runs a change made without an expected version again when another writer's change came between
   * its read and its write ({@code STALE_VERSION}): the caller asked for "whatever is stored".
   */
  private Flag retrying(
      String key, UnaryOperator<Flag> change, AuditAction action, String comment) {
    for (int attempt = 1; ; attempt++) {
      try {
        return change(key, ANY_VERSION, change, action, comment);
      } catch (FlagConflictException e) {
        if (e.kind() != FlagConflictException.Kind.STALE_VERSION || attempt >= CONFLICT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Declares a flag from code or configuration: creates it when absent; when present, brings it to
   * the declaration only if nobody but {@code ensure} changed it since (its last change was made by
   * this actor through {@code ensure}), so operators' edits survive restarts. A stored row that
   * cannot be read is left for an operator to repair ({@link EnsureResult#KEPT_OPERATOR_CHANGES}).
   *
   * @param declared the declared flag
   * @return what happened
   */
  public EnsureResult ensure(Flag declared) {
    return Declarations.ensure(this, declared);
  }

  Flag change(
      String key,
      long expectedVersion,
      UnaryOperator<Flag> change,
      AuditAction action,
      String comment) {
    Checks.flagKey("key", key);
    checkComment(comment);
    Flag current;
    try {
      current =
          store
              .loadFlag(environment, key)
              .orElseThrow(
                  () -> new FlagNotFoundException("flag " + Checks.quote(key) + " does not exist"));
    } catch (UnreadableRowException e) {
      return UnreadableFlags.overUnreadable(this, e, expectedVersion, action, comment);
    }
    if (expectedVersion != ANY_VERSION && current.version() != expectedVersion) {
      throw new FlagConflictException(
          FlagConflictException.Kind.STALE_VERSION,
          "version of flag "
              + Checks.quote(key)
              + " is "
              + current.version()
              + ", not "
              + expectedVersion);
    }
    Flag changed = Checks.notNull("flag", change.apply(current));
    if (!changed.key().equals(key)) {
      throw new FlagValidationException("key", "key is immutable: " + Checks.quote(changed.key()));
    }
    checkPrerequisites(changed);
    Instant now = client.clock().instant();
    Flag stored = changed.withVersion(current.version() + 1, now, actor);
    store.updateFlag(
        environment,
        stored,
        current.version(),
        entry(now, action, key, null, AuditJson.of(current), AuditJson.of(stored), comment));
    client.refreshNow();
    return stored;
  }

  // ---- overrides -------------------------------------------------------------------------------

  /**
   * Sets a tenant's override of a flag (creating or replacing it).
   *
   * @param key the flag key
   * @param tenantId the tenant id
   * @param enabled the value the tenant gets
   * @param locked whether only an admin may change it afterwards
   * @param note free text shown with the override, or null
   * @param comment why, or null
   * @return the stored override
   * @throws FlagNotFoundException if the flag does not exist
   * @throws FlagConflictException {@code LOCKED} when this admin respects locks and the override is
   *     locked or would become locked
   */
  public TenantOverride setOverride(
      String key, String tenantId, boolean enabled, boolean locked, String note, String comment) {
    Checks.flagKey("key", key);
    Checks.tenantId("tenantId", tenantId);
    checkComment(comment);
    Instant now = client.clock().instant();
    TenantOverride next = new TenantOverride(key, tenantId, enabled, locked, note, now, actor);
    if (store.loadFlag(environment, key).isEmpty()) {
      throw new FlagNotFoundException("flag " + Checks.quote(key) + " does not exist");
    }
    store.putOverride(
        environment,
        next,
        current -> {
          TenantOverride previous = current.orElse(null);
          if (respectLocks && (locked || (previous != null && previous.locked()))) {
            throw FlagConflictException.locked(key, tenantId);
          }
          return entry(
              now,
              AuditAction.OVERRIDE_SET,
              key,
              tenantId,
              previous == null ? null : AuditJson.of(previous),
              AuditJson.of(next),
              comment);
        });
    client.refreshNow();
    return next;
  }

  /**
   * Removes a tenant's override of a flag.
   *
   * @param key the flag key
   * @param tenantId the tenant id
   * @param comment why, or null
   * @throws FlagNotFoundException if there is no such override
   * @throws FlagConflictException {@code LOCKED} when this admin respects locks and it is locked
   */
  public void clearOverride(String key, String tenantId, String comment) {
    Checks.flagKey("key", key);
    Checks.tenantId("tenantId", tenantId);
    checkComment(comment);
    Instant now = client.clock().instant();
    store.deleteOverride(
        environment,
        key,
        tenantId,
        previous -> {
          if (respectLocks && previous.locked()) {
            throw FlagConflictException.locked(key, tenantId);
          }
          return entry(
              now,
              AuditAction.OVERRIDE_CLEARED,
              key,
              tenantId,
              AuditJson.of(previous),
              null,
              comment);
        });
    client.refreshNow();
  }

  // ---- environments ---------------------------------------------------------------------------

  /**
   * Creates an environment.
   *
   * @param name {@code ^[a-z0-9_-]{1,32}$}
   * @param isProtected whether only ADMIN may change anything in it
   * @param comment why, or null
   * @return the environment
   * @throws FlagConflictException {@code ALREADY_EXISTS} if it exists
   */
  public Environment createEnvironment(String name, boolean isProtected, String comment) {
    checkComment(comment);
    Environment env = new Environment(name, isProtected);
    Instant now = client.clock().instant();
    store.createEnvironment(
        env, environmentEntry(now, AuditAction.ENVIRONMENT_CREATED, env, null, env, comment));
    return env;
  }

  /**
   * Deletes an environment with all its flags and overrides; the audit log keeps their history.
   *
   * @param name the environment
   * @param comment why, or null
   * @throws FlagNotFoundException if it does not exist
   */
  public void deleteEnvironment(String name, String comment) {
    Checks.environment(name);
    checkComment(comment);
    Environment existing = null;
    for (Environment e : store.environments()) {
      if (e.name().equals(name)) {
        existing = e;
      }
    }
    if (existing == null) {
      throw new FlagNotFoundException("environment " + Checks.quote(name) + " does not exist");
    }
    Instant now = client.clock().instant();
    store.deleteEnvironment(
        name,
        environmentEntry(now, AuditAction.ENVIRONMENT_DELETED, existing, existing, null, comment));
    if (name.equals(environment)) {
      client.refreshNow();
    }
  }

  /**
   * Exports the environment's flags and overrides in the {@link FlagExport} format (for a bootstrap
   * file or a backup).
   *
   * @return the export
   */
  public FlagExport export() {
    var set = store.loadFlags(environment);
    return new FlagExport(
        environment, set.version(), set.flags(), store.loadOverrides(environment).overrides());
  }

  // ---- validation -------------------------------------------------------------------------------

  /** Every prerequisite exists, the new edges close no cycle, the graph stays bounded. */
  void checkPrerequisites(Flag flag) {
    if (!flag.prerequisites().isEmpty()) {
      PrerequisiteCheck.check(flag, store.loadFlags(environment).flags());
    }
  }

  static void checkComment(String comment) {
    Checks.text("comment", comment, Checks.MAX_TEXT);
  }

  AuditEntry entry(
      Instant at,
      AuditAction action,
      String key,
      String tenantId,
      String before,
      String after,
      String comment) {
    return new AuditEntry(0, at, actor, action, environment, key, tenantId, before, after, comment);
  }

  private AuditEntry environmentEntry(
      Instant at,
      AuditAction action,
      Environment env,
      Environment before,
      Environment after,
      String comment) {
    return new AuditEntry(
        0,
        at,
        actor,
        action,
        env.name(),
        null,
        null,
        before == null ? null : AuditJson.of(before),
        after == null ? null : AuditJson.of(after),
        comment);
  }
}
