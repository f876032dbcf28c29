package dev.tenantflags.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.tenantflags.spi.FlagStoreException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/*
 * Failure handling: JdbiException is wrapped at this boundary into FlagStoreException; the message
 * names the operation and the kind of failure (a timeout says which one and how long), never values
 * (JDBI's own message rendering is switched off). After a failure the owned HikariCP pool soft-evicts
 * its connections, which a database restart has broken all at once, and a retryable operation
 * (Operation.retryable) that failed on a broken connection is retried once on a fresh one. A failure
 * to get a connection at all (the database is down; Hikari gave up after its connection timeout) is
 * not retried, so a refresh fails fast.
 *
 * Timeouts: every handle gets the operation's statement timeout (JDBC queryTimeout) before its first
 * statement; the socket and connect timeouts are driver properties (see SqlDialect).
 */
/**
 * Runs the store's database calls: statement timeouts, transactions, error translation and the one
 * retry. Not part of the public API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class StoreCalls {
  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final HikariDataSource ownedPool;
  private final Timeouts timeouts;
  private final BooleanSupplier closed;

  /**
   * Creates the runner.
   *
   * @param jdbi the configured Jdbi
   * @param dialect the dialect unit
   * @param ownedPool the store's own pool, or null for a user's data source
   * @param timeouts the timeouts
   * @param closed whether the store is closed
   */
  public StoreCalls(
      Jdbi jdbi,
      SqlDialect dialect,
      HikariDataSource ownedPool,
      Timeouts timeouts,
      BooleanSupplier closed) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.ownedPool = ownedPool;
    this.timeouts = timeouts;
    this.closed = closed;
  }

  /**
   * Runs a read on one handle, outside an explicit transaction.
   *
   * @param <T> the result type
   * @param op the operation
   * @param callback the work
   * @return its result
   * @throws FlagStoreException if the database fails
   */
  public <T> T read(Operation op, HandleCallback<T, RuntimeException> callback) {
    return guard(op, () -> jdbi.withHandle(h -> callback.withHandle(timed(h, op))));
  }

  /**
   * Runs several reads as one consistent snapshot (the dialect's snapshot isolation).
   *
   * @param <T> the result type
   * @param op the operation
   * @param callback the work
   * @return its result
   * @throws FlagStoreException if the database fails
   */
  public <T> T snapshot(Operation op, HandleCallback<T, RuntimeException> callback) {
    TransactionIsolationLevel level = dialect.snapshotIsolation();
    HandleCallback<T, RuntimeException> body = h -> callback.withHandle(timed(h, op));
    return guard(
        op,
        () ->
            level == TransactionIsolationLevel.UNKNOWN
                ? jdbi.inTransaction(body)
                : jdbi.inTransaction(level, body));
  }

  /**
   * Runs a write transaction (the dialect's write serialisation).
   *
   * @param <T> the result type
   * @param op the operation
   * @param callback the work
   * @return its result
   * @throws FlagStoreException if the database fails
   */
  public <T> T write(Operation op, HandleCallback<T, RuntimeException> callback) {
    return guard(
        op, () -> dialect.inWriteTransaction(jdbi, h -> callback.withHandle(timed(h, op))));
  }

  private Handle timed(Handle handle, Operation op) {
    handle.getConfig(SqlStatements.class).setQueryTimeout(timeouts.statementSeconds(op));
    return handle;
  }

  private <T> T guard(Operation op, java.util.function.Supplier<T> body) {
    if (closed.getAsBoolean()) {
      throw new FlagStoreException(op.label() + " failed: the store is closed");
    }
    try {
      return body.get();
    } catch (JdbiException e) {
      if (ownedPool == null) {
        throw failure(op, e);
      }
      evictPooledConnections();
      if (!op.retryable() || e instanceof ConnectionException || !connectionLost(e)) {
        throw failure(op, e);
      }
      // A read on a pooled connection that a database restart broke: the pool's connections are
      // now evicted, so one retry gets a fresh one.
      try {
        return body.get();
      } catch (JdbiException again) {
        evictPooledConnections();
        throw failure(op, again);
      }
    }
  }

  private FlagStoreException failure(Operation op, JdbiException e) {
    return new FlagStoreException(op.label() + " failed: " + describe(e, op), e);
  }

  private void evictPooledConnections() {
    // Idle connections close now, borrowed ones when returned; Hikari refills in the background.
    HikariPoolMXBean pool = ownedPool.getHikariPoolMXBean();
    if (pool != null) {
      pool.softEvictConnections();
    }
  }

  /** Whether the failure is a broken connection, in the dialect's terms. */
  private boolean connectionLost(Throwable e) {
    SQLException sql = firstSql(e);
    return sql != null && dialect.classify(sql) == SqlDialect.Failure.CONNECTION_LOST;
  }

  /**
   * Describes a failure without its values: what timed out and after how long, or the exception
   * type and SQLState.
   */
  private String describe(Throwable e, Operation op) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return "no answer from the database within "
            + timeouts.socketSeconds()
            + " s (socket timeout); the connection was dropped";
      }
    }
    SQLException sql = firstSql(e);
    if (sql == null) {
      return e.getClass().getSimpleName();
    }
    String kind = kind(sql);
    if (sql instanceof SQLTransientConnectionException) {
      return "no database connection within "
          + timeouts.connectSeconds()
          + " s (connect timeout; the database is down or unreachable) ("
          + kind
          + ")";
    }
    return switch (dialect.classify(sql)) {
      case STATEMENT_TIMEOUT ->
          "the statement did not finish within "
              + timeouts.statementSeconds(op)
              + " s (statement timeout; a lock held elsewhere or an overloaded database) ("
              + kind
              + ")";
      case LOCKED ->
          "the database stayed locked by another connection for "
              + timeouts.statementSeconds(op)
              + " s (busy or lock timeout) ("
              + kind
              + ")";
      case UNSTORABLE_TEXT ->
          "a text value holds a character the database cannot store (" + kind + ")";
      case CONNECTION_LOST, OTHER -> kind;
    };
  }

  /**
   * Describes a failure before the store (and its dialect) exists: the exception type and SQLState,
   * never values.
   *
   * @param e the failure
   * @return e.g. {@code PSQLException, SQLState 08001}
   */
  public static String describe(Throwable e) {
    SQLException sql = firstSql(e);
    return sql == null ? e.getClass().getSimpleName() : kind(sql);
  }

  private static SQLException firstSql(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static String kind(SQLException sql) {
    String state = sql.getSQLState();
    return sql.getClass().getSimpleName()
        + (state == null || state.isEmpty() ? "" : ", SQLState " + state);
  }
}
