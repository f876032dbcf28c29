package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.Flag;
import dev.tenantflags.jdbc.internal.SqlDialect;
import dev.tenantflags.spi.FlagStoreException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MigrationTest {
  @TempDir Path dir;

  @Test
  void migrate_emptyPostgres_reachesCurrentVersion() {
    try (TestDatabases.TestDb db =
            TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
        JdbiFlagStore store = JdbiFlagStore.create(db.url())) {
      assertThat(store.schemaVersion()).isEqualTo(SchemaMigrator.CURRENT_VERSION).isEqualTo(3);
    }
  }

  @Test
  void migrate_postgresAtV1WithData_reachesCurrentVersionKeepingData() {
    try (TestDatabases.TestDb db =
        TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl())) {
      migrateFromV1(db.url(), Dialect.POSTGRESQL);
    }
  }

  @Test
  void migrate_sqliteAtV1WithData_reachesCurrentVersionKeepingData() {
    migrateFromV1(TestDatabases.sqliteUrl(dir), Dialect.SQLITE);
  }

  @Test
  void migrate_h2AtV1WithData_reachesCurrentVersionKeepingData() {
    migrateFromV1(TestDatabases.h2Url(dir), Dialect.H2);
  }

  @Test
  void migrate_mariaDbAtV2WithPadSpaceKeys_reachesV3WithExactKeys() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        TestDatabases.MYSQL_URL != null && !TestDatabases.MYSQL_URL.isBlank(),
        "FLAGS_TEST_MYSQL_URL is not set");
    try (TestDatabases.TestDb db = TestDatabases.freshMysql(TestDatabases.MYSQL_URL)) {
      Jdbi jdbi = Jdbi.create(db.url()).installPlugin(new SqlObjectPlugin());
      new SchemaMigrator(
              jdbi, SqlDialect.of(Dialect.MYSQL, dev.tenantflags.jdbc.internal.Timeouts.DEFAULT))
          .migrate(2);
      jdbi.useHandle(
          h -> {
            h.execute(
                "INSERT INTO tf_environments (name, protected, deleted, change_version) VALUES"
                    + " ('staging', FALSE, FALSE, 1)");
            h.execute(
                "INSERT INTO tf_flags (environment, flag_key, description, state, rollout_bp,"
                    + " scope, prerequisites, tenant_editable, tags, archived, version) VALUES"
                    + " ('staging', 'old', 'from v2', 'ON', 0, '{}', '[]', FALSE, '[]', FALSE, 1)");
            h.execute(
                "INSERT INTO tf_overrides (environment, flag_key, tenant_id, enabled, locked)"
                    + " VALUES ('staging', 'old', 'acme', TRUE, FALSE)");
            // PAD SPACE: before V3 a trailing space names the same key.
            assertThat(
                    h.createQuery("SELECT COUNT(*) FROM tf_overrides WHERE tenant_id = 'acme   '")
                        .mapTo(Integer.class)
                        .one())
                .isEqualTo(1);
          });
      try (JdbiFlagStore store = JdbiFlagStore.create(db.url())) {
        assertThat(store.schemaVersion()).isEqualTo(3);
        assertThat(store.loadTenantOverrides("staging", "acme")).hasSize(1);
        assertThat(store.loadTenantOverrides("staging", "acme ")).isEmpty();
        store.putOverride(
            "staging",
            new dev.tenantflags.TenantOverride("old", "acme ", false, false, null, now(), "t"),
            current -> {
              assertThat(current).isEmpty();
              return audit("staging");
            });
        assertThat(store.loadFlagOverrides("staging", "old")).hasSize(2);
        String collation =
            jdbi.withHandle(
                h ->
                    h.createQuery(
                            "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE"
                                + " TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tf_overrides'"
                                + " AND COLUMN_NAME = 'tenant_id'")
                        .mapTo(String.class)
                        .one());
        assertThat(collation).isIn("utf8mb4_nopad_bin", "utf8mb4_0900_bin");
      }
    }
  }

  private static void migrateFromV1(String url, Dialect dialect) {
    Jdbi jdbi = Jdbi.create(url).installPlugin(new SqlObjectPlugin());
    assertThat(
            new SchemaMigrator(
                    jdbi, SqlDialect.of(dialect, dev.tenantflags.jdbc.internal.Timeouts.DEFAULT))
                .migrate(1))
        .isEqualTo(1);
    jdbi.useHandle(
        h -> {
          h.execute(
              "INSERT INTO tf_environments (name, protected, deleted, change_version) VALUES"
                  + " ('staging', FALSE, FALSE, 7)");
          h.execute(
              "INSERT INTO tf_flags (environment, flag_key, description, state, rollout_bp, scope,"
                  + " prerequisites, tenant_editable, tags, archived, version) VALUES ('staging',"
                  + " 'old', 'from v1', 'ON', 0, '{}', '[]', FALSE, '[]', FALSE, 3)");
        });
    try (JdbiFlagStore store = JdbiFlagStore.create(url)) {
      assertThat(store.schemaVersion()).isEqualTo(SchemaMigrator.CURRENT_VERSION);
      assertThat(store.loadFlag("staging", "old").orElseThrow().description()).isEqualTo("from v1");
      assertThat(store.changeVersion("staging")).isEqualTo(7);
      // Versions before the change log existed cannot be accounted for: the client must drop
      // everything.
      assertThat(store.changesSince("staging", 5).complete()).isFalse();
      store.createFlag("staging", Flag.of("new").withVersion(1, now(), "t"), audit("staging"));
      assertThat(store.changesSince("staging", 7).complete()).isTrue();
    }
  }

  @Test
  void migrate_fourPostgresStoresAtOnce_allComeUpAndApplyOnce() throws Exception {
    try (TestDatabases.TestDb db =
        TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl())) {
      concurrentStart(db.url());
    }
  }

  @Test
  void migrate_fourSqliteStoresAtOnce_allComeUpAndApplyOnce() throws Exception {
    concurrentStart(TestDatabases.sqliteUrl(dir));
  }

  @Test
  void migrate_fourH2StoresAtOnce_allComeUpAndApplyOnce() throws Exception {
    concurrentStart(TestDatabases.h2Url(dir) + ";AUTO_SERVER=FALSE");
  }

  private static void concurrentStart(String url) throws Exception {
    int n = 4;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<JdbiFlagStore>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Callable<JdbiFlagStore> start =
            () -> {
              go.await();
              return JdbiFlagStore.create(url);
            };
        futures.add(pool.submit(start));
      }
      go.countDown();
      List<JdbiFlagStore> stores = new ArrayList<>();
      for (Future<JdbiFlagStore> f : futures) {
        stores.add(f.get(60, TimeUnit.SECONDS));
      }
      for (JdbiFlagStore s : stores) {
        assertThat(s.schemaVersion()).isEqualTo(SchemaMigrator.CURRENT_VERSION);
      }
      int rows =
          Jdbi.create(url)
              .withHandle(
                  h ->
                      h.createQuery("SELECT COUNT(*) FROM tf_schema_version")
                          .mapTo(Integer.class)
                          .one());
      assertThat(rows).isEqualTo(SchemaMigrator.MIGRATIONS.size());
      stores.forEach(JdbiFlagStore::close);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void validate_emptyDatabase_failsNamingTheFix() {
    assertThatThrownBy(
            () ->
                JdbiFlagStore.builder()
                    .jdbcUrl(TestDatabases.sqliteUrl(dir))
                    .schemaMode(SchemaMode.VALIDATE)
                    .build())
        .isInstanceOf(FlagStoreException.class)
        .hasMessageContaining("no tenantflags schema")
        .hasMessageContaining("SchemaMode.MIGRATE")
        .hasMessageContaining("JdbiFlagStore.ddl(Dialect.SQLITE)");
  }

  @Test
  void validate_databaseAtV1_failsNamingBothVersions() {
    String url = TestDatabases.sqliteUrl(dir);
    new SchemaMigrator(
            Jdbi.create(url),
            SqlDialect.of(Dialect.SQLITE, dev.tenantflags.jdbc.internal.Timeouts.DEFAULT))
        .migrate(1);
    assertThatThrownBy(
            () -> JdbiFlagStore.builder().jdbcUrl(url).schemaMode(SchemaMode.VALIDATE).build())
        .isInstanceOf(FlagStoreException.class)
        .hasMessageContaining("schema version 1, this flags-jdbc needs 3");
  }

  @Test
  void ddl_appliedByHandOnPostgresSqliteH2_passesValidation() {
    try (TestDatabases.TestDb db =
        TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl())) {
      applyDdlThenValidate(db.url(), Dialect.POSTGRESQL);
    }
    applyDdlThenValidate(TestDatabases.sqliteUrl(dir), Dialect.SQLITE);
    applyDdlThenValidate(TestDatabases.h2Url(dir), Dialect.H2);
    for (Dialect d : Dialect.values()) {
      assertThat(JdbiFlagStore.ddl(d))
          .contains(
              "CREATE TABLE tf_flags", "CREATE TABLE tf_changes", "INSERT INTO tf_schema_version");
    }
  }

  private static void applyDdlThenValidate(String url, Dialect dialect) {
    List<String> statements = SchemaMigrator.statements(JdbiFlagStore.ddl(dialect));
    TestDatabases.execute(url, statements.toArray(String[]::new));
    try (JdbiFlagStore store =
        JdbiFlagStore.builder().jdbcUrl(url).schemaMode(SchemaMode.VALIDATE).build()) {
      assertThat(store.schemaVersion()).isEqualTo(SchemaMigrator.CURRENT_VERSION);
      store.createFlag("staging", Flag.of("works").withVersion(1, now(), "t"), audit("staging"));
      assertThat(store.loadFlag("staging", "works")).isPresent();
    }
  }

  @Test
  void schemaModeNone_emptyDatabase_startsAndFailsOnUse() {
    try (JdbiFlagStore store =
        JdbiFlagStore.builder()
            .jdbcUrl(TestDatabases.sqliteUrl(dir))
            .schemaMode(SchemaMode.NONE)
            .build()) {
      assertThat(store.schemaVersion()).isZero();
      assertThatThrownBy(() -> store.changeVersion("x"))
          .isInstanceOf(FlagStoreException.class)
          .hasMessageStartingWith("read change version failed");
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static AuditEntry audit(String env) {
    return new AuditEntry(
        0, now(), "t", AuditAction.FLAG_CREATED, env, "x", null, null, null, null);
  }
}
