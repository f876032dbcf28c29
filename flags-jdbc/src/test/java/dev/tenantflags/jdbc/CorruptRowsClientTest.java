package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagState;
import dev.tenantflags.Reason;
import dev.tenantflags.TenantKey;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Corrupt rows of each kind on every dialect, read by the real client (SPEC §4): one unreadable row
 * never stops the others. A flag the client knew keeps its last good definition; a flag it never
 * could read evaluates to the caller's default with reason ERROR; flags written afterwards are
 * seen; and an update replaces the bad row. MariaDB runs when {@code FLAGS_TEST_MYSQL_URL} is set,
 * and is reported as skipped otherwise.
 */
final class CorruptRowsClientTest {
  private static final String ENV = "production";
  private static final TenantKey ACME = TenantKey.of("acme");

  /** The databases. */
  enum Db {
    SQLITE,
    H2,
    POSTGRESQL,
    MARIADB
  }

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Db.class)
  void corruptRowsOfEachKind_clientKeepsServing_andSeesLaterFlags(Db kind) throws Exception {
    TestDatabases.TestDb db = open(kind);
    try (JdbiFlagStore store = ClientFaultTest.timed(db.url())) {
      String[] damages = {
        "scope = '{\"tenant\": ['",
        "prerequisites = '{\"a\": 1}'",
        "tags = 'beta, experimental'",
        "scope = 'null'",
        "state = 'MAYBE'",
        "rollout_bp = 20000"
      };
      for (int i = 0; i < damages.length; i++) {
        store.createFlag(
            ENV, ClientFaultTest.flag("known" + i, 1, FlagState.ON), audit("known" + i));
      }
      store.createFlag(
          ENV, ClientFaultTest.flag("never.read", 1, FlagState.ON), audit("never.read"));
      TestDatabases.execute(
          db.url(),
          "UPDATE tf_flags SET state = 'BROKEN' WHERE environment = '"
              + ENV
              + "' AND flag_key = 'never.read'");
      try (FeatureFlags client = ClientFaultTest.client(store)) {
        assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
        for (int i = 0; i < damages.length; i++) {
          assertThat(client.isEnabled("known" + i, ACME)).isTrue();
        }
        for (int i = 0; i < damages.length; i++) {
          TestDatabases.execute(
              db.url(),
              "UPDATE tf_flags SET "
                  + damages[i]
                  + " WHERE environment = '"
                  + ENV
                  + "' AND flag_key = 'known"
                  + i
                  + "'");
        }
        store.createFlag(ENV, ClientFaultTest.flag("later", 1, FlagState.ON), audit("later"));

        ClientFaultTest.await(Duration.ofSeconds(15), () -> client.isEnabled("later", ACME));
        for (int i = 0; i < damages.length; i++) {
          assertThat(client.isEnabled("known" + i, ACME))
              .as("last good definition of a flag whose row became unreadable: " + damages[i])
              .isTrue();
        }
        assertThat(client.evaluate("never.read", ACME).reason()).isEqualTo(Reason.ERROR);
        assertThat(client.isEnabled("never.read", ACME, true)).isTrue();
        assertThat(client.isEnabled("never.read", ACME, false)).isFalse();
        assertThat(store.loadFlags(ENV).unreadable()).hasSize(damages.length + 1);
        assertThat(client.status().unreadable())
            .as("status names every unreadable row")
            .extracting(r -> r.flagKey())
            .containsExactlyInAnyOrder(
                "known0", "known1", "known2", "known3", "known4", "known5", "never.read");

        // Replacing the bad row with its stored version repairs it.
        store.updateFlag(
            ENV, ClientFaultTest.flag("never.read", 2, FlagState.OFF), 1, audit("never.read"));
        ClientFaultTest.await(
            Duration.ofSeconds(15),
            () -> client.evaluate("never.read", ACME).reason() != Reason.ERROR);
        assertThat(client.isEnabled("never.read", ACME, true)).isFalse();
      }
    } finally {
      db.close();
    }
  }

  private TestDatabases.TestDb open(Db kind) {
    return switch (kind) {
      case SQLITE -> local(TestDatabases.sqliteUrl(dir));
      case H2 -> local(TestDatabases.h2Url(dir));
      case POSTGRESQL -> TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
      case MARIADB -> {
        assumeTrue(
            TestDatabases.MYSQL_URL != null && !TestDatabases.MYSQL_URL.isBlank(),
            "FLAGS_TEST_MYSQL_URL is not set");
        yield TestDatabases.freshMysql(TestDatabases.MYSQL_URL);
      }
    };
  }

  private static TestDatabases.TestDb local(String url) {
    return new TestDatabases.TestDb() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void close() {}
    };
  }

  private static dev.tenantflags.AuditEntry audit(String key) {
    return ClientFaultTest.audit(key);
  }
}
