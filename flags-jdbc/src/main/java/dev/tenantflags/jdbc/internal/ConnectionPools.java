package dev.tenantflags.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tenantflags.jdbc.Dialect;
import java.util.Locale;
import java.util.Properties;

/*
 * Why these settings: the store's own demand is small (one refresh thread per client, cold-tenant
 * loads, admin writes), so the pool keeps maxIdle connections open and grows to max(4, maxIdle) under
 * a burst; connections above the floor retire after a minute idle. A short connection timeout makes a
 * dead database fail a refresh within seconds instead of Hikari's default 30 s, so clients turn STALE
 * promptly and the refresh thread is not held.
 *
 * Failure handling: Hikari validates a connection that idled longer than its alive-bypass window before
 * handing it out, and evicts one that failed with a connection-class SQLState; the store additionally
 * soft-evicts the whole pool after any database failure (see StoreCalls.guard), because a database
 * restart breaks every idle connection at once.
 *
 * Dialect settings: the dialect is only detected after the pool is open, so it is guessed from the URL
 * (or taken from Builder.dialect) to name the pool and to add per-connection driver properties, e.g.
 * SQLite's busy timeout, which the driver then applies to every connection it opens.
 */
/**
 * Creates the HikariCP pool of a store opened from a JDBC URL. Not part of the public API.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class ConnectionPools {
  static final long VALIDATION_TIMEOUT_MILLIS = 2_000;
  static final long IDLE_TIMEOUT_MILLIS = 60_000;
  static final int MIN_MAXIMUM_POOL_SIZE = 4;

  private ConnectionPools() {}

  /**
   * Opens a pool and its first connection.
   *
   * @param url the JDBC URL
   * @param user the user, or null to take it from the URL
   * @param password the password, or null
   * @param maxIdle how many connections to keep open when idle (1 or more)
   * @param forced the dialect set on the builder, or null to guess it from the URL
   * @param timeouts the store's timeouts (the connect timeout bounds waiting for a connection)
   * @return the started pool; the caller closes it
   * @throws com.zaxxer.hikari.pool.HikariPool.PoolInitializationException if the first connection
   *     fails
   */
  public static HikariDataSource open(
      String url, String user, String password, int maxIdle, Dialect forced, Timeouts timeouts) {
    Dialect dialect = forced != null ? forced : guess(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    Properties driverProperties = new Properties();
    if (dialect != null) {
      SqlDialect.of(dialect, timeouts).addDriverProperties(driverProperties);
    }
    config.setDataSourceProperties(driverProperties);
    config.setPoolName("tenantflags-" + (dialect == null ? "jdbc" : dialect.directory()));
    config.setMinimumIdle(maxIdle);
    config.setMaximumPoolSize(Math.max(MIN_MAXIMUM_POOL_SIZE, maxIdle));
    if (maxIdle < MIN_MAXIMUM_POOL_SIZE) {
      // Retires the connections a burst added above the floor; Hikari ignores it for a fixed-size
      // pool.
      config.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    }
    config.setConnectionTimeout(timeouts.connect().toMillis());
    config.setValidationTimeout(
        Math.max(250, Math.min(VALIDATION_TIMEOUT_MILLIS, timeouts.connect().toMillis() / 2)));
    // Try the first connection now, so that build() fails at once on a bad URL or a dead database.
    config.setInitializationFailTimeout(1);
    return new HikariDataSource(config);
  }

  /** The dialect a URL's subprotocol names, or null for anything else (e.g. a wrapping driver). */
  static Dialect guess(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:sqlite:")) {
      return Dialect.SQLITE;
    }
    if (u.startsWith("jdbc:postgresql:")) {
      return Dialect.POSTGRESQL;
    }
    if (u.startsWith("jdbc:h2:")) {
      return Dialect.H2;
    }
    if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
      return Dialect.MYSQL;
    }
    return null;
  }
}
