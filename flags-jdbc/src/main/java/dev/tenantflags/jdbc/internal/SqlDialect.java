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
   *
   * @param properties the properties
   */
  default void addDriverProperties(Properties properties) {}

  /** What a database failure means, as far as the store's messages and retries care. */
  enum Failure {
    /** The statement ran out of time (a lock wait, an overloaded database). */
    STATEMENT_TIMEOUT,
    /** The database (file) stayed locked by another connection. */
    LOCKED,
    /** A text value holds a character the database cannot store (e.g. NUL on PostgreSQL). */
    UNSTORABLE_TEXT,
    /** The connection is broken: a retryable read may try once more on a fresh one. */
    CONNECTION_LOST,
    /** Anything else. */
    OTHER
  }

  /**
   * Classifies a database failure by the dialect's own codes; the JDBC-standard kinds (SQLState
   * class 08, {@code SQLTimeoutException}) are recognised for every dialect by the default.
   *
   * @param e the driver's exception
   * @return what it means
   */
  default Failure classify(java.sql.SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.startsWith("08")) {
      return Failure.CONNECTION_LOST;
    }
    if (e instanceof java.sql.SQLTimeoutException) {
      return Failure.STATEMENT_TIMEOUT;
    }
    return Failure.OTHER;
  }

  /**
   * Whether the database pushes committed changes to a listener connection (PostgreSQL {@code
   * LISTEN/NOTIFY}); the others are polled.
   *
   * @return the result
   */
  default boolean pushesChanges() {
    return false;
  }

  /**
   * Values for the {@code ${name}} placeholders of this dialect's migration files, read from the
   * database (e.g. the binary collation the server has).
   *
   * @param handle the handle
   * @return the result
   */
  default Map<String, String> migrationVariables(Handle handle) {
    return Map.of();
  }

  /**
   * The placeholder values for {@code JdbiFlagStore.ddl}, printed without a database at hand.
   *
   * @return the result
   */
  default Map<String, String> defaultMigrationVariables() {
    return Map.of();
  }

  /**
   * Adds one usage bucket to {@code tf_usage}: the counts are added, the last evaluation becomes
   * the later of the two. The default is the {@code ON CONFLICT DO UPDATE} form that PostgreSQL and
   * SQLite share.
   *
   * @param handle the handle
   * @param bucket the bucket
   */
  default void addUsage(Handle handle, UsageBucket bucket) {
    handle.createUpdate(Sql.ADD_USAGE_ON_CONFLICT).bindMethods(new UsageColumns(bucket)).execute();
  }

  /**
   * Installs per-connection settings (e.g. SQLite's busy timeout) on the Jdbi instance.
   *
   * @param jdbi the jdbi
   */
  default void configure(Jdbi jdbi) {}

  /**
   * Runs once at start-up, outside any transaction (e.g. SQLite's WAL mode, which persists).
   *
   * @param handle the handle
   */
  default void prepare(Handle handle) {}

  /**
   * Inserts an environment row as a tombstone (deleted, change version 0) unless one exists,
   * without failing when another transaction inserts it at the same moment. The default is the
   * standard {@code ON CONFLICT DO NOTHING} that PostgreSQL and SQLite share.
   *
   * @param handle the handle
   * @param name the name
   * @param isProtected whether it is protected
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
   *
   * @param handle the handle
   * @param environment the environment
   * @param override the override
   */
  default void upsertOverride(Handle handle, String environment, TenantOverride override) {
    handle
        .createUpdate(Sql.UPSERT_OVERRIDE_ON_CONFLICT)
        .bindMethods(new OverrideColumns(environment, override))
        .execute();
  }

  /**
   * Announces a committed change to listeners (PostgreSQL {@code pg_notify}); delivered on commit.
   *
   * @param handle the handle
   * @param environment the environment
   * @param changeVersion the change version
   */
  default void notifyChange(Handle handle, String environment, long changeVersion) {}

  /**
   * Runs a write transaction. The default is an ordinary JDBC transaction; SQLite takes the write
   * lock up front ({@code BEGIN IMMEDIATE}) so that two writers cannot deadlock upgrading read
   * locks.
   *
   * @param <T> the result type
   * @param jdbi the jdbi
   * @param callback the callback
   * @return the result
   */
  default <T> T inWriteTransaction(Jdbi jdbi, HandleCallback<T, RuntimeException> callback) {
    return jdbi.inTransaction(callback);
  }

  /**
   * The isolation that makes several reads one consistent snapshot, or UNKNOWN to keep the default.
   *
   * @return the result
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
   *
   * @return the result
   */
  default boolean migrationInTransaction() {
    return false;
  }
}
