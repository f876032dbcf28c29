package dev.tenantflags.jdbc.internal;

import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.Dialect;
import dev.tenantflags.spi.UsageBucket;
import java.util.Map;
import java.util.Properties;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Everything that differs between databases, one implementation per {@link Dialect}: upserts,
 * change notification, write serialisation, the migration lock. The store and the migrator hold no
 * dialect conditionals; they ask this. Not part of the public API.
 *
 * <p>Thread safety: implementations are safe for concurrent use; each store gets its own instance.
 */
public interface SqlDialect {

  /**
   * Returns a new dialect unit for one store.
   *
   * @param dialect the dialect
   * @param timeouts the store's timeouts
   * @return its implementation
   */
  static SqlDialect of(Dialect dialect, Timeouts timeouts) {
    return switch (dialect) {
      case SQLITE -> new SqliteDialect(timeouts);
      case POSTGRESQL -> new PostgresDialect(timeouts);
      case H2 -> new H2Dialect();
      case MYSQL -> new MysqlDialect(timeouts);
    };
  }

  /**
   * @return the public dialect this unit implements
   */
  Dialect dialect();

  /**
   * Adds JDBC driver properties for the connections the store opens itself (its pool and the
   * listener connection of stores created from a URL), applied by the driver as each connection
   * opens: the socket and connect timeouts, SQLite's busy timeout. Settings in the URL win.
   */
  default void addDriverProperties(Properties properties) {}

  /**
   * Whether the database pushes committed changes to a listener connection (PostgreSQL {@code
   * LISTEN/NOTIFY}); the others are polled.
   */
  default boolean pushesChanges() {
    return false;
  }

  /**
   * Values for the {@code ${name}} placeholders of this dialect's migration files, read from the
   * database (e.g. the binary collation the server has).
   */
  default Map<String, String> migrationVariables(Handle handle) {
    return Map.of();
  }

  /** The placeholder values for {@code JdbiFlagStore.ddl}, printed without a database at hand. */
  default Map<String, String> defaultMigrationVariables() {
    return Map.of();
  }

  /**
   * Adds one usage bucket to {@code tf_usage}: the counts are added, the last evaluation becomes
   * the later of the two. The default is the {@code ON CONFLICT DO UPDATE} form that PostgreSQL and
   * SQLite share.
   */
  default void addUsage(Handle handle, UsageBucket bucket) {
    handle.createUpdate(Sql.ADD_USAGE_ON_CONFLICT).bindMethods(new UsageColumns(bucket)).execute();
  }

  /** Installs per-connection settings (e.g. SQLite's busy timeout) on the Jdbi instance. */
  default void configure(Jdbi jdbi) {}

  /** Runs once at start-up, outside any transaction (e.g. SQLite's WAL mode, which persists). */
  default void prepare(Handle handle) {}

  /**
   * Inserts an environment row as a tombstone (deleted, change version 0) unless one exists,
   * without failing when another transaction inserts it at the same moment. The default is the
   * standard {@code ON CONFLICT DO NOTHING} that PostgreSQL and SQLite share.
   */
  default void insertEnvironmentIfAbsent(Handle handle, String name, boolean isProtected) {
    handle
        .createUpdate(
            "INSERT INTO tf_environments (name, protected, deleted, change_version)"
                + " VALUES (:name, :protected, TRUE, 0) ON CONFLICT (name) DO NOTHING")
        .bind("name", name)
        .bind("protected", isProtected)
        .execute();
  }

  /**
   * Creates or replaces one override row in a single statement. The default is the {@code ON
   * CONFLICT DO UPDATE} form that PostgreSQL and SQLite share.
   */
  default void upsertOverride(Handle handle, String environment, TenantOverride override) {
    handle
        .createUpdate(Sql.UPSERT_OVERRIDE_ON_CONFLICT)
        .bindMethods(new OverrideColumns(environment, override))
        .execute();
  }

  /**
   * Announces a committed change to listeners (PostgreSQL {@code pg_notify}); delivered on commit.
   */
  default void notifyChange(Handle handle, String environment, long changeVersion) {}

  /**
   * Runs a write transaction. The default is an ordinary JDBC transaction; SQLite takes the write
   * lock up front ({@code BEGIN IMMEDIATE}) so that two writers cannot deadlock upgrading read
   * locks.
   */
  default <T> T inWriteTransaction(Jdbi jdbi, HandleCallback<T, RuntimeException> callback) {
    return jdbi.inTransaction(callback);
  }

  /**
   * The isolation that makes several reads one consistent snapshot, or UNKNOWN to keep the default.
   */
  default TransactionIsolationLevel snapshotIsolation() {
    return TransactionIsolationLevel.UNKNOWN;
  }

  /**
   * Runs {@code body} while holding a database-wide lock that other instances' migrators also take,
   * so that only one applies migrations at a time.
   *
   * @param jdbi for dialects that need a second connection to hold the lock
   * @param handle the connection the body runs on
   * @param body the migration work
   */
  void withMigrationLock(Jdbi jdbi, Handle handle, Runnable body);

  /**
   * Whether each migration should run in its own transaction (DDL is transactional and the lock
   * does not already hold one open).
   */
  default boolean migrationInTransaction() {
    return false;
  }
}
