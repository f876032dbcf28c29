package dev.tenantflags.jdbc.internal;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagNotFoundException;
import dev.tenantflags.TenantOverride;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/*
 * Concurrency: every write first bumps its environment's row in tf_environments, which takes that
 * row's lock; writes to one environment are therefore serialised in the database, in one lock order
 * (environment row, then flag/override rows), so they cannot deadlock, and check-then-insert inside
 * the transaction (flag exists?) is race-free. Optimistic flag versions are enforced by
 * UPDATE ... WHERE version = ?; zero rows means stale or absent, told apart by reading the version
 * column alone (so a row whose other columns are unreadable can still be replaced).
 *
 * Change versions: tf_environments.change_version rises by one per write. Deleting an environment
 * keeps its row as a tombstone (deleted = TRUE), so the version keeps rising if it is re-created.
 * Each version has exactly one tf_changes row naming the tenant it touched (or every tenant), so
 * changesSince can prove completeness by counting; the log keeps the last CHANGE_LOG_LIMIT versions.
 */
/**
 * The store's writes of flags, overrides and environments, each one transaction with its change-log
 * row, audit row and notification. Not part of the public API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class FlagWrites {
  private final StoreCalls calls;
  private final SqlDialect dialect;

  /**
   * Creates the writes.
   *
   * @param calls runs the calls
   * @param dialect the dialect unit
   */
  public FlagWrites(StoreCalls calls, SqlDialect dialect) {
    this.calls = calls;
    this.dialect = dialect;
  }

  /**
   * See {@code FlagStore.createFlag}.
   *
   * @param environment the environment
   * @param flag the flag
   * @param audit the audit entry
   * @return the stored audit entry
   */
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(audit, "audit");
    boolean implicitProtected = Environment.implicit(environment).isProtected();
    return calls.write(
        Operation.CREATE_FLAG,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          dialect.insertEnvironmentIfAbsent(h, environment, implicitProtected);
          dao.bumpReviving(environment, implicitProtected);
          long version = dao.changeVersion(environment).orElseThrow();
          if (dao.flagVersion(environment, flag.key()).isPresent()) {
            throw new FlagConflictException(
                FlagConflictException.Kind.ALREADY_EXISTS,
                "flag " + quote(flag.key()) + " already exists");
          }
          dao.insertFlag(new FlagColumns(environment, flag));
          return finish(h, dao, environment, version, null, false, audit);
        });
  }

  /**
   * See {@code FlagStore.updateFlag}.
   *
   * @param environment the environment
   * @param flag the new flag
   * @param expectedVersion the version the caller read
   * @param audit the audit entry
   * @return the stored audit entry
   */
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(audit, "audit");
    return calls.write(
        Operation.UPDATE_FLAG,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          if (dao.bumpLive(environment) == 0) {
            throw flagNotFound(flag.key());
          }
          long version = dao.changeVersion(environment).orElseThrow();
          if (dao.updateFlag(new FlagColumns(environment, flag), expectedVersion) == 0) {
            long stored =
                dao.flagVersion(environment, flag.key())
                    .orElseThrow(() -> flagNotFound(flag.key()));
            throw new FlagConflictException(
                FlagConflictException.Kind.STALE_VERSION,
                "version of flag "
                    + quote(flag.key())
                    + " is "
                    + stored
                    + ", not "
                    + expectedVersion);
          }
          return finish(h, dao, environment, version, null, false, audit);
        });
  }

  /**
   * See {@code FlagStore.putOverride}.
   *
   * @param environment the environment
   * @param override the override
   * @param auditFor builds the audit entry from the stored override, or throws to abort
   * @return the stored audit entry
   */
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor) {
    Objects.requireNonNull(override, "override");
    Objects.requireNonNull(auditFor, "auditFor");
    return calls.write(
        Operation.PUT_OVERRIDE,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          if (dao.bumpLive(environment) == 0
              || dao.flagVersion(environment, override.flagKey()).isEmpty()) {
            throw flagNotFound(override.flagKey());
          }
          long version = dao.changeVersion(environment).orElseThrow();
          // bumpLive locked the environment row: the read below and the write are serialised
          // with every other writer of this environment, so the lock check and the audit's
          // "before" that auditFor derives from it cannot race another write. An unreadable
          // stored row counts as absent, so that a put can replace it.
          AuditEntry audit =
              auditFor.apply(
                  dao.override(environment, override.flagKey(), override.tenantId())
                      .map(Rows.Mapped::value));
          dialect.upsertOverride(h, environment, override);
          return finish(h, dao, environment, version, override.tenantId(), false, audit);
        });
  }

  /**
   * See {@code FlagStore.deleteOverride}.
   *
   * @param environment the environment
   * @param flagKey the flag
   * @param tenantId the tenant
   * @param auditFor builds the audit entry from the stored override, or throws to abort
   * @return the stored audit entry
   */
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor) {
    Objects.requireNonNull(auditFor, "auditFor");
    return calls.write(
        Operation.DELETE_OVERRIDE,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          Optional<TenantOverride> current =
              dao.bumpLive(environment) == 0
                  ? Optional.empty()
                  : dao.override(environment, flagKey, tenantId).map(Rows.Mapped::value);
          AuditEntry audit = current.map(auditFor).orElse(null);
          if (audit == null || dao.deleteOverride(environment, flagKey, tenantId) == 0) {
            throw new FlagNotFoundException(
                "override of flag "
                    + quote(flagKey)
                    + " for tenant "
                    + quote(tenantId)
                    + " does not exist");
          }
          long version = dao.changeVersion(environment).orElseThrow();
          return finish(h, dao, environment, version, tenantId, false, audit);
        });
  }

  /**
   * See {@code FlagStore.createEnvironment}.
   *
   * @param environment the environment
   * @param audit the audit entry
   * @return the stored audit entry
   */
  public AuditEntry createEnvironment(Environment environment, AuditEntry audit) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(audit, "audit");
    String name = environment.name();
    return calls.write(
        Operation.CREATE_ENVIRONMENT,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          dialect.insertEnvironmentIfAbsent(h, name, environment.isProtected());
          if (dao.revive(name, environment.isProtected()) == 0) {
            throw new FlagConflictException(
                FlagConflictException.Kind.ALREADY_EXISTS,
                "environment " + quote(name) + " already exists");
          }
          long version = dao.changeVersion(name).orElseThrow();
          return finish(h, dao, name, version, null, false, audit);
        });
  }

  /**
   * See {@code FlagStore.deleteEnvironment}.
   *
   * @param name the environment
   * @param audit the audit entry
   * @return the stored audit entry
   */
  public AuditEntry deleteEnvironment(String name, AuditEntry audit) {
    Objects.requireNonNull(audit, "audit");
    return calls.write(
        Operation.DELETE_ENVIRONMENT,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          if (dao.tombstone(name) == 0) {
            throw new FlagNotFoundException("environment " + quote(name) + " does not exist");
          }
          long version = dao.changeVersion(name).orElseThrow();
          dao.deleteOverrides(name);
          dao.deleteFlags(name);
          return finish(h, dao, name, version, null, true, audit);
        });
  }

  /** Writes the change-log row, the audit row and the notification of one change version. */
  private AuditEntry finish(
      Handle h,
      StoreDao dao,
      String environment,
      long version,
      String tenantId,
      boolean everyTenant,
      AuditEntry audit) {
    dao.insertChange(environment, version, tenantId, everyTenant);
    if (version > FlagReads.CHANGE_LOG_LIMIT) {
      dao.pruneChanges(environment, version - FlagReads.CHANGE_LOG_LIMIT);
    }
    AuditEntry stored = insertAudit(dao, audit);
    dialect.notifyChange(h, environment, version);
    return stored;
  }

  /**
   * Appends an audit row.
   *
   * @param dao the dao of the write transaction
   * @param audit the entry
   * @return the entry with its id
   */
  static AuditEntry insertAudit(StoreDao dao, AuditEntry audit) {
    long id =
        dao.insertAudit(
            audit.at().toEpochMilli(),
            audit.actor(),
            audit.action().name(),
            audit.environment(),
            audit.flagKey(),
            audit.tenantId(),
            audit.before(),
            audit.after(),
            audit.comment());
    return audit.withId(id);
  }

  static FlagNotFoundException flagNotFound(String key) {
    return new FlagNotFoundException("flag " + quote(key) + " does not exist");
  }

  static String quote(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
    return "'" + shown + "'";
  }
}
