package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.tenantflags.Environment;
import dev.tenantflags.spi.FlagStoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal HikariCP pool of stores created from a JDBC URL, on real SQLite, H2 and PostgreSQL.
 */
final class ConnectionPoolTest {
  @TempDir Path dir;

  @Test
  void build_sqliteUrl_ownsNamedPoolAndClosesItWithTheStore() {
    HikariDataSource pool;
    try (JdbiFlagStore store = JdbiFlagStore.create(TestDatabases.sqliteUrl(dir))) {
      pool = store.ownedPool();
      assertThat(pool.getPoolName()).isEqualTo("tenantflags-sqlite");
      assertThat(pool.getMinimumIdle()).isEqualTo(4);
      assertThat(pool.getMaximumPoolSize()).isEqualTo(4);
      assertThat(pool.getConnectionTimeout()).isEqualTo(5_000);
      assertThat(pool.isClosed()).isFalse();
    }
    assertThat(pool.isClosed()).isTrue();
  }

  @Test
  void build_maxIdleConnections_setsMinimumIdleAndAtLeastFourMaximum() {
    try (JdbiFlagStore two =
            JdbiFlagStore.builder()
                .jdbcUrl(TestDatabases.h2Url(dir))
                .maxIdleConnections(2)
                .build();
        JdbiFlagStore nine =
            JdbiFlagStore.builder()
                .jdbcUrl(TestDatabases.h2Url(dir))
                .maxIdleConnections(9)
                .build()) {
      assertThat(two.ownedPool().getPoolName()).isEqualTo("tenantflags-h2");
      assertThat(two.ownedPool().getMinimumIdle()).isEqualTo(2);
      assertThat(two.ownedPool().getMaximumPoolSize()).isEqualTo(4);
      assertThat(nine.ownedPool().getMinimumIdle()).isEqualTo(9);
      assertThat(nine.ownedPool().getMaximumPoolSize()).isEqualTo(9);
    }
  }

  @Test
  void build_postgresUrl_poolConnectionsCarrySocketAndConnectTimeouts() throws Exception {
    try (TestDatabases.TestDb db =
            TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
        JdbiFlagStore store =
            JdbiFlagStore.builder()
                .jdbcUrl(db.url())
                .statementTimeout(java.time.Duration.ofSeconds(3))
                .connectTimeout(java.time.Duration.ofSeconds(2))
                .build();
        Connection raw = store.ownedPool().getConnection()) {
      java.util.Properties props = store.ownedPool().getDataSourceProperties();
      assertThat(props.getProperty("socketTimeout")).isEqualTo("6");
      assertThat(props.getProperty("connectTimeout")).isEqualTo("2");
      assertThat(props.getProperty("loginTimeout")).isEqualTo("2");
      assertThat(store.ownedPool().getConnectionTimeout()).isEqualTo(2_000);
      // The driver applied it to the connection the pool handed out.
      assertThat(raw.unwrap(org.postgresql.PGConnection.class)).isNotNull();
      assertThat(
              raw.unwrap(org.postgresql.jdbc.PgConnection.class)
                  .getQueryExecutor()
                  .getNetworkTimeout())
          .isEqualTo(6_000);
    }
  }

  @Test
  void build_dataSource_ownsNoPoolAndLeavesTheDataSourceOpen() {
    try (HikariDataSource mine = new HikariDataSource()) {
      mine.setJdbcUrl(TestDatabases.sqliteUrl(dir));
      try (JdbiFlagStore store = JdbiFlagStore.create(mine)) {
        assertThat(store.ownedPool()).isNull();
      }
      assertThat(mine.isClosed()).isFalse();
      int version =
          Jdbi.create(mine)
              .withHandle(
                  h ->
                      h.createQuery("SELECT MAX(version) FROM tf_schema_version")
                          .mapTo(Integer.class)
                          .one());
      assertThat(version)
          .as("still usable after the store closed")
          .isEqualTo(SchemaMigrator.CURRENT_VERSION);
    }
  }

  @Test
  void build_sqliteUrl_everyPooledConnectionHasTheBusyTimeout() throws Exception {
    try (JdbiFlagStore store = JdbiFlagStore.create(TestDatabases.sqliteUrl(dir));
        Connection raw = store.ownedPool().getConnection();
        Statement s = raw.createStatement();
        ResultSet busy = s.executeQuery("PRAGMA busy_timeout")) {
      // Read on a connection straight from the pool, not through JDBI's per-handle customizer.
      assertThat(busy.next()).isTrue();
      assertThat(busy.getInt(1)).as("the default statement timeout").isEqualTo(5_000);
    }
    try (JdbiFlagStore store =
            JdbiFlagStore.builder()
                .jdbcUrl(TestDatabases.sqliteUrl(dir))
                .statementTimeout(java.time.Duration.ofSeconds(2))
                .build();
        Connection raw = store.ownedPool().getConnection();
        Statement s = raw.createStatement();
        ResultSet busy = s.executeQuery("PRAGMA busy_timeout")) {
      assertThat(busy.next()).isTrue();
      assertThat(busy.getInt(1)).isEqualTo(2_000);
    }
  }

  @Test
  void build_sqliteUrl_databaseIsInWalMode() {
    try (JdbiFlagStore store = JdbiFlagStore.create(TestDatabases.sqliteUrl(dir))) {
      String mode =
          Jdbi.create(store.ownedPool())
              .withHandle(h -> h.createQuery("PRAGMA journal_mode").mapTo(String.class).one());
      assertThat(mode).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void build_nothingListensOnThePort_failsAtOnceWithFlagStoreException() {
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + TestDatabases.freePort()
            + "/postgres?user=postgres&password=hunter2";
    long start = System.nanoTime();
    assertThatThrownBy(() -> JdbiFlagStore.create(url))
        .isInstanceOf(FlagStoreException.class)
        .hasMessageStartingWith("cannot open the flag store")
        .hasMessageContaining("SQLState 08001")
        .hasMessageNotContaining("hunter2");
    // Generous: a refused connection is not waited on for Hikari's connection timeout, let alone 30
    // s.
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
  }

  @Test
  void build_urlNoDriverAccepts_failsNamingTheDriverWithoutTheUrl() {
    assertThatThrownBy(() -> JdbiFlagStore.create("jdbc:nosuchdb://db/app?password=hunter2"))
        .isInstanceOf(FlagStoreException.class)
        .hasMessageContaining("no JDBC driver accepts jdbcUrl")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void guard_pooledConnectionsKilledByTheServer_readRetriesOnAFreshConnection() {
    String application = "tf-" + UUID.randomUUID();
    try (TestDatabases.TestDb db =
            TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
        JdbiFlagStore store =
            JdbiFlagStore.builder()
                .jdbcUrl(db.url() + "&ApplicationName=" + application)
                .pollingOnly(true)
                .build()) {
      List<Environment> before = store.environments();
      // Kill this pool's sessions the way a database shutdown does (SQLState 57P01), then read at
      // once,
      // inside Hikari's window in which it hands out a recently used connection without validating
      // it.
      int killed =
          Jdbi.create(TestDatabases.embeddedPostgresUrl())
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM"
                                  + " pg_stat_activity WHERE application_name = :app) AS t")
                          .bind("app", application)
                          .mapTo(Integer.class)
                          .one());
      assertThat(killed).isPositive();
      assertThat(store.environments()).as("the read after the kill").isEqualTo(before);
      assertThat(store.environments()).as("and the next one").isEqualTo(before);
    }
  }
}
