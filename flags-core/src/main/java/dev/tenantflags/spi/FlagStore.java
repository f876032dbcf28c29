package dev.tenantflags.spi;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import java.util.List;
import java.util.Optional;
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
   * Replaces a flag if its stored version is {@code expectedVersion}.
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
   * @param environment the environment name
   * @param override the override, with change metadata set
   * @param audit the audit entry to write with it
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagNotFoundException if the flag does not exist
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry putOverride(String environment, TenantOverride override, AuditEntry audit);

  /**
   * Removes an override.
   *
   * @param environment the environment name
   * @param flagKey the flag key
   * @param tenantId the tenant id
   * @param audit the audit entry to write with it
   * @return the stored audit entry, with its id
   * @throws dev.tenantflags.FlagNotFoundException if there is no such override
   * @throws FlagStoreException if the storage fails
   */
  AuditEntry deleteOverride(String environment, String flagKey, String tenantId, AuditEntry audit);

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
   * Releases the store's resources (connections, threads). Idempotent.
   *
   * @throws FlagStoreException if closing fails
   */
  @Override
  void close();
}
