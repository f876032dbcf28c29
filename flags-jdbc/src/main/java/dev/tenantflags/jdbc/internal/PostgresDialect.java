package dev.tenantflags.jdbc.internal;

import dev.tenantflags.jdbc.Dialect;
import java.sql.SQLException;
import java.util.Properties;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * PostgreSQL: {@code ON CONFLICT} upserts, {@code pg_notify}, a session advisory lock for
 * migrations.
 */
final class PostgresDialect implements SqlDialect {

  /** An arbitrary constant naming the advisory lock ("tflags" in ASCII). */
  private static final long MIGRATION_LOCK_KEY = 0x74666c616773L;

  private final Timeouts timeouts;

  PostgresDialect(Timeouts timeouts) {
    this.timeouts = timeouts;
  }

  @Override
  public void addDriverProperties(Properties properties) {
    // pgjdbc takes seconds. The socket timeout bounds a black-holed connection; the cancel signal
    // (sent when a queryTimeout fires) must not wait longer than the statement itself.
    properties.setProperty("socketTimeout", Integer.toString(timeouts.socketSeconds()));
    properties.setProperty("connectTimeout", Integer.toString(timeouts.connectSeconds()));
    properties.setProperty("loginTimeout", Integer.toString(timeouts.connectSeconds()));
    properties.setProperty("cancelSignalTimeout", Integer.toString(timeouts.statementSeconds()));
  }

  @Override
  public Failure classify(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return switch (state) {
      case "57014" -> Failure.STATEMENT_TIMEOUT; // query_canceled: the queryTimeout fired
      case "55P03" -> Failure.LOCKED; // lock_not_available
      case "22021", "22P05" -> Failure.UNSTORABLE_TEXT; // NUL or an untranslatable character
      case "57P01" -> Failure.CONNECTION_LOST; // admin_shutdown: the server is restarting
      default -> SqlDialect.super.classify(e);
    };
  }

  @Override
  public boolean pushesChanges() {
    return true;
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public void notifyChange(Handle handle, String environment, long changeVersion) {
    handle
        .createQuery("SELECT pg_notify(:channel, :payload)")
        .bind("channel", PgNotify.CHANNEL)
        .bind("payload", PgNotify.payload(environment, changeVersion))
        .mapToMap()
        .list();
  }

  @Override
  public TransactionIsolationLevel snapshotIsolation() {
    return TransactionIsolationLevel.REPEATABLE_READ;
  }

  @Override
  public void withMigrationLock(Jdbi jdbi, Handle handle, Runnable body) {
    handle
        .createQuery("SELECT pg_advisory_lock(:key)")
        .bind("key", MIGRATION_LOCK_KEY)
        .mapToMap()
        .list();
    try {
      body.run();
    } finally {
      handle
          .createQuery("SELECT pg_advisory_unlock(:key)")
          .bind("key", MIGRATION_LOCK_KEY)
          .mapToMap()
          .list();
    }
  }

  @Override
  public boolean migrationInTransaction() {
    return true;
  }
}
