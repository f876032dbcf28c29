package dev.tenantflags.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.tenantflags.jdbc.internal.ConnectionPools;
import dev.tenantflags.jdbc.internal.Operation;
import dev.tenantflags.jdbc.internal.PgChangeListener;
import dev.tenantflags.jdbc.internal.SqlDialect;
import dev.tenantflags.jdbc.internal.StoreCalls;
import dev.tenantflags.jdbc.internal.Timeouts;
import dev.tenantflags.spi.FlagStoreException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens a {@link JdbiFlagStore} from a builder's settings: pool, dialect, schema, listener. */
final class StoreOpener {
  private static final Logger LOG = LoggerFactory.getLogger(JdbiFlagStore.class);

  /** What the builder collected; exactly one of {@code jdbcUrl} and {@code dataSource} is set. */
  record Settings(
      DataSource dataSource,
      String jdbcUrl,
      String user,
      String password,
      Dialect dialect,
      SchemaMode schemaMode,
      boolean pollingOnly,
      String listenerUrl,
      DataSource listenerDataSource,
      int maxIdle,
      Timeouts timeouts) {}

  private StoreOpener() {}

  /** Connects, detects the dialect, applies the schema mode and starts the store. */
  static JdbiFlagStore open(Settings s) {
    Timeouts timeouts = s.timeouts();
    HikariDataSource pool = s.jdbcUrl() == null ? null : openPool(s);
    try {
      Jdbi jdbi = Jdbi.create(pool != null ? pool : s.dataSource());
      jdbi.installPlugin(new SqlObjectPlugin());
      jdbi.getConfig(StatementExceptions.class)
          .setMessageRendering(StatementExceptions.MessageRendering.NONE);
      // Start-up statements (detection, migration) are bounded too, more generously: a migration
      // may wait for another instance's migration lock.
      jdbi.getConfig(SqlStatements.class)
          .setQueryTimeout(timeouts.statementSeconds(Operation.LOAD_OVERRIDES));
      Dialect detected = s.dialect() != null ? s.dialect() : jdbi.withHandle(StoreOpener::detect);
      SqlDialect unit = SqlDialect.of(detected, timeouts);
      unit.configure(jdbi);
      jdbi.useHandle(unit::prepare);
      new SchemaMigrator(jdbi, unit).apply(s.schemaMode());
      jdbi.getConfig(SqlStatements.class).setQueryTimeout(timeouts.statementSeconds());
      PgChangeListener listener =
          unit.pushesChanges() && !s.pollingOnly() ? listener(s, unit) : null;
      LOG.info(
          "tenantflags store on {} ready{}",
          detected,
          unit.pushesChanges()
              ? (listener == null ? " (polling only)" : " (pushed changes)")
              : " (polling)");
      return new JdbiFlagStore(jdbi, unit, pool, listener, timeouts);
    } catch (JdbiException e) {
      closeQuietly(pool);
      throw new FlagStoreException("cannot open the flag store: " + describe(e), e);
    } catch (RuntimeException e) {
      closeQuietly(pool);
      throw e;
    }
  }

  private static HikariDataSource openPool(Settings s) {
    try {
      return ConnectionPools.open(
          s.jdbcUrl(), s.user(), s.password(), s.maxIdle(), s.dialect(), s.timeouts());
    } catch (HikariPool.PoolInitializationException e) {
      // The first connection failed: the database is down, or refused the credentials.
      throw new FlagStoreException("cannot open the flag store: " + describe(e), e);
    } catch (RuntimeException e) {
      // Hikari found no driver for the URL (its message masks passwords, ours names no URL at
      // all).
      throw new FlagStoreException(
          "cannot open the flag store: no JDBC driver accepts jdbcUrl ("
              + describe(e)
              + "); is the driver on the class path?",
          e);
    }
  }

  private static String describe(Throwable e) {
    return StoreCalls.describe(e);
  }

  private static Dialect detect(Handle handle) {
    try {
      return Dialect.fromProductName(handle.getConnection().getMetaData().getDatabaseProductName());
    } catch (SQLException e) {
      throw new FlagStoreException("cannot read the database product name: " + describe(e), e);
    }
  }

  private static PgChangeListener listener(Settings s, SqlDialect unit) {
    if (s.listenerDataSource() != null) {
      return new PgChangeListener(s.listenerDataSource()::getConnection);
    }
    String url = s.listenerUrl() != null ? s.listenerUrl() : s.jdbcUrl();
    if (url == null) {
      LOG.info(
          "no listener URL or data source for PostgreSQL LISTEN; clients poll the change"
              + " version");
      return null;
    }
    Properties props = properties(s);
    unit.addDriverProperties(props);
    return new PgChangeListener(() -> DriverManager.getConnection(url, props));
  }

  private static Properties properties(Settings s) {
    Properties props = new Properties();
    if (s.user() != null) {
      props.setProperty("user", s.user());
    }
    if (s.password() != null) {
      props.setProperty("password", s.password());
    }
    return props;
  }

  private static void closeQuietly(HikariDataSource pool) {
    if (pool != null) {
      pool.close();
    }
  }
}
