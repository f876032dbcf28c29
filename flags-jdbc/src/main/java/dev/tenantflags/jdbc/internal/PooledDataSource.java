package dev.tenantflags.jdbc.internal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/*
 * Why a pool of our own: JdbiFlagStore.create(jdbcUrl) must work without the user bringing HikariCP,
 * and opening a PostgreSQL connection per poll or per cold tenant costs milliseconds. This keeps a few
 * idle connections; it does not bound active ones (the store's own concurrency is small: one refresh
 * thread per client plus cold-tenant loads and admin writes). Users with real load pass their own
 * DataSource.
 *
 * Failure handling: a connection that idled longer than VALIDATE_AFTER_MILLIS is checked with
 * isValid() before reuse; evictIdle() (called by the store after any database failure) closes every
 * idle connection, so connections broken by a server restart are not handed out again.
 */
/**
 * A small connection pool over {@link DriverManager} for stores created from a JDBC URL. Not part of
 * the public API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class PooledDataSource implements DataSource, AutoCloseable {
  private static final long VALIDATE_AFTER_MILLIS = 30_000;

  private final String url;
  private final Properties properties;
  private final int maxIdle;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;

  private record Idle(Connection connection, long since) {}

  /**
   * Creates the pool; opens nothing yet.
   *
   * @param url the JDBC URL
   * @param properties driver properties (user, password, driver settings)
   * @param maxIdle how many idle connections to keep
   */
  public PooledDataSource(String url, Properties properties, int maxIdle) {
    this.url = url;
    this.properties = properties;
    this.maxIdle = maxIdle;
  }

  @java.lang.Override
  public Connection getConnection() throws SQLException {
    while (true) {
      Idle candidate;
      synchronized (this) {
        if (closed) {
          throw new SQLException("the connection pool is closed", "08003");
        }
        candidate = idle.pollFirst();
      }
      if (candidate == null) {
        return wrap(DriverManager.getConnection(url, properties));
      }
      if (System.currentTimeMillis() - candidate.since < VALIDATE_AFTER_MILLIS || valid(candidate.connection)) {
        return wrap(candidate.connection);
      }
      closeQuietly(candidate.connection);
    }
  }

  /** Closes every idle connection, e.g. after a failure that may have broken them all. */
  public void evictIdle() {
    Deque<Idle> evicted;
    synchronized (this) {
      evicted = new ArrayDeque<>(idle);
      idle.clear();
    }
    evicted.forEach(i -> closeQuietly(i.connection));
  }

  /** Closes the idle connections and refuses new borrows; borrowed ones close when returned. */
  @java.lang.Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    evictIdle();
  }

  private void giveBack(Connection physical) {
    try {
      if (physical.isClosed()) {
        return;
      }
      if (!physical.getAutoCommit()) {
        physical.rollback();
        physical.setAutoCommit(true);
      }
    } catch (SQLException e) {
      closeQuietly(physical);
      return;
    }
    synchronized (this) {
      if (!closed && idle.size() < maxIdle) {
        idle.addFirst(new Idle(physical, System.currentTimeMillis()));
        return;
      }
    }
    closeQuietly(physical);
  }

  private Connection wrap(Connection physical) {
    InvocationHandler handler = new InvocationHandler() {
      private boolean returned;

      @java.lang.Override
      public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
          case "close" -> {
            if (!returned) {
              returned = true;
              giveBack(physical);
            }
            return null;
          }
          case "isClosed" -> {
            return returned || physical.isClosed();
          }
          case "unwrap" -> {
            if (((Class<?>) args[0]).isInstance(proxy)) {
              return proxy;
            }
            return physical.unwrap((Class<?>) args[0]);
          }
          case "equals" -> {
            return proxy == args[0];
          }
          case "hashCode" -> {
            return System.identityHashCode(proxy);
          }
          default -> {
            if (returned) {
              throw new SQLException("connection already returned to the pool", "08003");
            }
            try {
              return method.invoke(physical, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }
        }
      }
    };
    return (Connection) Proxy.newProxyInstance(
        PooledDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private static boolean valid(Connection c) {
    try {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // Already broken; nothing to release.
    }
  }

  @java.lang.Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials are fixed when the pool is created");
  }

  @java.lang.Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @java.lang.Override
  public void setLogWriter(PrintWriter out) {}

  @java.lang.Override
  public void setLoginTimeout(int seconds) {}

  @java.lang.Override
  public int getLoginTimeout() {
    return 0;
  }

  @java.lang.Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @java.lang.Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName());
  }

  @java.lang.Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
