package dev.tenantflags.spi;

import dev.tenantflags.ApiToken;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Where flags, overrides and the audit log live: the service-provider interface that a database
 * integration implements (SPEC §1, §2, §4). tenantflags ships an in-memory store ({@code
 * dev.tenantflags.InMemoryFlagStore}) and a JDBC store ({@code
 * dev.tenantflags.jdbc.JdbiFlagStore}); a third party can write one for Redis or MongoDB from this
 * contract alone, and prove it with the {@code FlagStoreContract} test suite in the {@code
 * flags-core} test-jar.
 *
 * <h2>Data</h2>
 *
 * <p>Every flag and override belongs to exactly one environment. The store keeps, per environment,
 * a <em>change version</em>: a number that increases (by any amount) with every committed change in
 * that environment and never decreases. An environment no write has touched has version 0, no flags
 * and no overrides; reads of it succeed. A write to an environment that does not exist creates it
 * as {@link Environment#implicit(String)} in the same transaction.
 *
 * <h2>Writes</h2>
 *
 * <p>Each write method is atomic: the change, its audit entry (the given entry, with a
 * store-assigned {@code id} that increases across the whole store), and the environment's change
 * version bump commit together or not at all. A write that fails leaves no trace. Writes receive
 * validated values: the store does not re-validate flag contents, but it does enforce uniqueness
 * and versions, because only it can do so atomically. Flag versions are assigned by the caller:
 * {@link #updateFlag} must store the flag only if the stored version equals {@code
 * expectedVersion}.
 *
 * <h2>Change notification</h2>
 *
 * <p>A client learns about writes by other processes by polling {@link #changeVersion(String)}
 * (cheap; called every second by default) and, where the store can push, through {@link
 * #subscribe}. When the version moved, it calls {@link #loadFlags(String)} and {@link
 * #changesSince(String, long)}.
 *
 * <h2>Failure</h2>
 *
 * <p>Every method throws {@link FlagStoreException} when the storage fails; stores wrap their
 * native exceptions. Conflicts are reported with {@code dev.tenantflags.FlagConflictException}
 * (kinds {@code ALREADY_EXISTS} and {@code STALE_VERSION}), missing objects with {@code
 * dev.tenantflags.FlagNotFoundException}. Methods never return null.
 *
 * <p>Thread safety: implementations must be safe for concurrent use by many threads and, for shared
 * databases, by many processes.
 */
public interface FlagStore extends AutoCloseable {

  /**
   * Loads every flag of an environment, archived ones included, in key order, together with the
   * change version they reflect and the keys of the flags that have overrides. The three must be
   * mutually consistent (read in one transaction or snapshot).
   *
   * @param environment the environment name
   * @return the flags
   * @throws FlagStoreException if the storage fails
   */
  FlagSet loadFlags(String environment);

  /**
   * Loads one flag.
   *
   * @param environment the environment name
   * @param key the flag key
   * @return the flag, or empty when there is none (archived flags are returned)
   * @throws UnreadableRowException if the stored row cannot be read (SPEC §4); stores throw it with
   *     the row's stored version, which {@link #updateFlag} accepts to replace the row
   * @throws FlagStoreException if the storage fails
   */
  Optional<Flag> loadFlag(String environment, String key);

  /**
   * Loads every override of one tenant in an environment, over all flags. Called when the client
   * first sees a tenant, so it should be a single indexed range read.
   *
   * @param environment the environment name
   * @param tenantId the tenant id, compared exactly (case-sensitive, no pattern matching)
   * @return the tenant's overrides, in flag-key order
   * @throws FlagStoreException if the storage fails
   */
  List<TenantOverride> loadTenantOverrides(String environment, String tenantId);

  /**
   * Loads every override of one flag in an environment, over all tenants.
   *
   * @param environment the environment name
   * @param flagKey the flag key
   * @return the overrides, in tenant-id order
   * @throws FlagStoreException if the storage fails
   */
  List<TenantOverride> loadFlagOverrides(String environment, String flagKey);

  /**
   * Loads every override of an environment with the change version they reflect, read in one
   * transaction or snapshot. The client holds them all in memory (SPEC §4) and then keeps them
   * current through {@link #changesSince}. A row that cannot be mapped to a valid {@link
   * TenantOverride} is reported in {@link OverrideSet#unreadable()}, never thrown.
   *
   * @param environment the environment name
   * @return the overrides
   * @throws FlagStoreException if the storage fails
   */
  OverrideSet loadOverrides(String environment);

  /**
   * Counts the overrides of an environment. The client calls it to choose between holding every
   * override in memory and lazy loading; it must be cheap enough to call at start-up.
   *
   * @param environment the environment name
   * @return the number of override rows
   * @throws FlagStoreException if the storage fails
   */
  long overrideCount(String environment);

  /**
   * Returns the environment's current change version (0 when nothing was ever written). Called
   * often: it must be cheap.
   *
   * @param environment the environment name
   * @return the change version
   * @throws FlagStoreException if the storage fails
   */
  long changeVersion(String environment);

  /**
   * Tells which tenants' overrides changed in an environment after a version. It may name more
   * tenants than changed, never fewer; when it cannot tell it returns {@link ChangeSet#complete()}
   * false.
   *
   * @param environment the environment name
   * @param sinceVersion a version this store returned earlier
   * @return the tenants whose overrides changed after {@code sinceVersion}, and the newest version
   *     covered
   * @throws FlagStoreException if the storage fails
   */
  ChangeSet changesSince(String environment, long sinceVersion);

  /**
   * Lists the environments that exist (created explicitly or by a first write), by name.
   *
   * @return the environments
   * @throws FlagStoreException if the storage fails
   */
  List<Environment> environments();

  /**
   * Returns audit entries matching a query, newest (highest id) first, at most {@code
   * query.limit()}.
   *
   * @param query the filter
   * @return the entries
   * @throws FlagStoreException if the storage fails
   */
  List<AuditEntry> audit(AuditQuery query);

  /**
   * Stores a new flag.
   *
   * @param environment the environment name
   * @param flag the flag, with its version (normally 1) and change metadata set
   * @param audit the audit entry to write with it ({@code id} 0)
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagConflictException {@code ALREADY_EXISTS} if a flag with this key
   *     exists (archived or not)
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry createFlag(String environment, Flag flag, AuditEntry audit);

  /**
   * Replaces a flag if its stored version is {@code expectedVersion}, also when the stored row is
   * unreadable (only its version is compared).
   *
   * @param environment the environment name
   * @param flag the new flag, with its new version and change metadata set
   * @param expectedVersion the version the caller read
   * @param audit the audit entry to write with it
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagConflictException {@code STALE_VERSION} if the stored version
   *     differs
   * @throws dev.tenantflags.FlagNotFoundException if there is no such flag
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry updateFlag(String environment, Flag flag, long expectedVersion, AuditEntry audit);

  /**
   * Creates or replaces the override of {@code (environment, override.flagKey(),
   * override.tenantId())}.
   *
   * <p>{@code auditFor} is called inside the write transaction, after the environment's writers are
   * serialised, with the override as currently stored (empty when there is none). It returns the
   * audit entry to store with the change (its {@code before} taken from that argument), or throws
   * (for example {@code FlagConflictException} {@code LOCKED}) to abort: then nothing is written.
   * This keeps a lock check and the audit's {@code before} consistent with the write.
   *
   * @param environment the environment name
   * @param override the override, with change metadata set
   * @param auditFor builds the audit entry from the current override, or throws to abort
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagNotFoundException if the flag does not exist
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor);

  /**
   * Removes an override. {@code auditFor} is called inside the write transaction with the override
   * as currently stored, as for {@link #putOverride}; it may throw to abort.
   *
   * @param environment the environment name
   * @param flagKey the flag key
   * @param tenantId the tenant id
   * @param auditFor builds the audit entry from the current override, or throws to abort
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagNotFoundException if there is no such override
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor);

  /**
   * Creates an environment.
   *
   * @param environment the environment
   * @param audit the audit entry to write with it
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagConflictException {@code ALREADY_EXISTS} if it exists
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry createEnvironment(Environment environment, AuditEntry audit);

  /**
   * Deletes an environment with all its flags and overrides; its audit entries stay. Its change
   * version keeps increasing if it is created again, so clients never miss the change.
   *
   * @param name the environment name
   * @param audit the audit entry to write with it
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagNotFoundException if it does not exist
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry deleteEnvironment(String name, AuditEntry audit);

  /**
   * Subscribes to pushed change notifications, for stores that have them (PostgreSQL {@code
   * LISTEN/NOTIFY}). The listener receives the environment's new change version; it may be called
   * on any thread, must return quickly, and may miss notifications (polling covers the gap). The
   * default returns empty: the store has no push and clients poll.
   *
   * @param environment the environment to watch
   * @param listener receives the new change version
   * @return a handle that stops the subscription when closed, or empty when the store cannot push
   */
  default Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
    return Optional.empty();
  }

  /**
   * Adds usage buckets (SPEC §8): for each bucket, the counts are added to those already stored for
   * {@code (environment, flagKey, hour)} and the last-evaluated time becomes the later of the two.
   * Atomic per call. The default throws: a store that keeps no usage.
   *
   * @param buckets the buckets to add
   * @throws UnsupportedOperationException if this store keeps no usage
   * @throws FlagStoreException if the storage fails
   */
  default void addUsage(List<UsageBucket> buckets) {
    throw new UnsupportedOperationException("this store keeps no usage counts");
  }

  /**
   * Returns the usage buckets of one flag with {@code from <= hour < to}, oldest first.
   *
   * @param environment the environment name
   * @param flagKey the flag key
   * @param from the first hour (inclusive)
   * @param to the end (exclusive)
   * @return the buckets
   * @throws UnsupportedOperationException if this store keeps no usage
   * @throws FlagStoreException if the storage fails
   */
  default List<UsageBucket> usage(String environment, String flagKey, Instant from, Instant to) {
    throw new UnsupportedOperationException("this store keeps no usage counts");
  }

  /**
   * Returns, per flag key of an environment, when it was last evaluated by any client (the latest
   * {@code lastEvaluatedAt} over all its buckets). Flags never evaluated are absent.
   *
   * @param environment the environment name
   * @return flag key to last evaluation time
   * @throws UnsupportedOperationException if this store keeps no usage
   * @throws FlagStoreException if the storage fails
   */
  default Map<String, Instant> lastEvaluated(String environment) {
    throw new UnsupportedOperationException("this store keeps no usage counts");
  }

  /**
   * Lists the API tokens kept in the store (SPEC §6), by name. Never returns secrets: only their
   * SHA-256.
   *
   * @return the tokens
   * @throws UnsupportedOperationException if this store keeps no tokens
   * @throws FlagStoreException if the storage fails
   */
  default List<ApiToken> tokens() {
    throw new UnsupportedOperationException("this store keeps no API tokens");
  }

  /**
   * Stores a new token with its audit entry, atomically, and advances {@link #tokenVersion()}.
   *
   * @param token the token
   * @param audit the audit entry ({@code TOKEN_CREATED})
   * @return the stored audit entry
   * @throws dev.tenantflags.FlagConflictException {@code ALREADY_EXISTS} if the name is taken
   * @throws UnsupportedOperationException if this store keeps no tokens
   * @throws FlagStoreException if the storage fails
   */
  default AuditEntry createToken(ApiToken token, AuditEntry audit) {
    throw new UnsupportedOperationException("this store keeps no API tokens");
  }

  /**
   * Deletes a token with its audit entry, atomically, and advances {@link #tokenVersion()}.
   *
   * @param name the token's name
   * @param audit the audit entry ({@code TOKEN_REVOKED})
   * @return the stored audit entry
   * @throws dev.tenantflags.FlagNotFoundException if there is no such token
   * @throws UnsupportedOperationException if this store keeps no tokens
   * @throws FlagStoreException if the storage fails
   */
  default AuditEntry revokeToken(String name, AuditEntry audit) {
    throw new UnsupportedOperationException("this store keeps no API tokens");
  }

  /**
   * Records when tokens were last used, in one batch (never once per request). Unknown names are
   * ignored; a time earlier than the stored one is ignored.
   *
   * @param lastUsed token name to last-use time
   * @throws UnsupportedOperationException if this store keeps no tokens
   * @throws FlagStoreException if the storage fails
   */
  default void touchTokens(Map<String, Instant> lastUsed) {
    throw new UnsupportedOperationException("this store keeps no API tokens");
  }

  /**
   * Returns a number that increases whenever a token is created or revoked, so that every instance
   * can notice a revocation by polling it cheaply.
   *
   * @return the token version (0 when no token was ever written)
   * @throws UnsupportedOperationException if this store keeps no tokens
   * @throws FlagStoreException if the storage fails
   */
  default long tokenVersion() {
    throw new UnsupportedOperationException("this store keeps no API tokens");
  }

  /**
   * Releases the store's resources (connections, threads). Idempotent.
   *
   * @throws FlagStoreException if closing fails
   */
  @Override
  void close();
}
