package dev.tenantflags.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.tenantflags.spi.FlagStoreException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
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
    return new FlagStoreException(op.label() + " failed: " + describe(e, timeouts, op), e);
  }

  private void evictPooledConnections() {
    // Idle connections close now, borrowed ones when returned; Hikari refills in the background.
    HikariPoolMXBean pool = ownedPool.getHikariPoolMXBean();
    if (pool != null) {
      pool.softEvictConnections();
    }
  }

  /**
   * Whether the failure is a broken connection (SQLState class 08, or PostgreSQL's shutdown 57P01).
   */
  static boolean connectionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("08") || state.equals("57P01");
      }
    }
    return false;
  }

  /**
   * Describes a failure without its values: what timed out and after how long, or the exception
   * type and SQLState.
   *
   * @param e the failure
   * @param timeouts the store's timeouts, or null when unknown
   * @param op the operation, or null
   * @return e.g. {@code no answer from the database within 10 s (socket timeout)}
   */
  public static String describe(Throwable e, Timeouts timeouts, Operation op) {
    SQLException sql = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException && timeouts != null) {
        return "no answer from the database within "
            + timeouts.socketSeconds()
            + " s (socket timeout); the connection was dropped";
      }
      if (sql == null && t instanceof SQLException s) {
        sql = s;
      }
    }
    if (sql == null) {
      return e.getClass().getSimpleName();
    }
    String state = sql.getSQLState() == null ? "" : sql.getSQLState();
    String kind = sql.getClass().getSimpleName() + (state.isEmpty() ? "" : ", SQLState " + state);
    if (timeouts != null && op != null) {
      if (sql instanceof SQLTimeoutException || state.equals("57014") || state.equals("70100")) {
        return "the statement did not finish within "
            + timeouts.statementSeconds(op)
            + " s (statement timeout; a lock held elsewhere or an overloaded database) ("
            + kind
            + ")";
      }
      if (sql instanceof SQLTransientConnectionException) {
        return "no database connection within "
            + timeouts.connectSeconds()
            + " s (connect timeout; the database is down or unreachable) ("
            + kind
            + ")";
      }
      if (sql.getErrorCode() == 5 && sql.getClass().getName().startsWith("org.sqlite")) {
        return "the database file stayed locked by another connection for "
            + timeouts.statementSeconds(op)
            + " s (busy timeout) ("
            + kind
            + ")";
      }
    }
    if (state.equals("22021") || state.equals("22P05")) {
      return "a text value holds a character the database cannot store (" + kind + ")";
    }
    return kind;
  }
}
