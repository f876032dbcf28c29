package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.Status;
import dev.tenantflags.TenantKey;
import dev.tenantflags.spi.FlagStoreException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link FeatureFlags} client on a store that hangs: a PostgreSQL table locked by another
 * session, a SQLite file locked by another process. Evaluation must never wait (SPEC §4), status
 * must say STALE while the store cannot answer, and READY again once it can.
 */
final class ClientFaultTest {
  private static final String ENV = "production";

  /** Far above an in-memory evaluation, far below a wait on the 1 s statement timeout. */
  private static final long EVALUATION_BOUND_MILLIS = 250;

  private static final AtomicInteger NEW_TENANTS = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void lockedOverridesTable_clientEvaluatesWithoutWaiting_goesStale_thenReady() throws Exception {
    try (TestDatabases.TestDb db =
            TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
        JdbiFlagStore store = timed(db.url());
        JdbiFlagStore operator = JdbiFlagStore.create(db.url())) {
      operator.createFlag(ENV, flag("kyc", 1, FlagState.ON), audit("kyc"));
      operator.createFlag(ENV, flag("other", 1, FlagState.OFF), audit("other"));
      // An override on kyc: a tenant never seen before has overrides to look up.
      operator.putOverride(
          ENV,
          new dev.tenantflags.TenantOverride("kyc", "globex", false, false, null, now(), "op"),
          current -> audit("kyc"));
      try (FeatureFlags client = client(store)) {
        assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
        assertThat(client.isEnabled("kyc", TenantKey.of("acme"))).isTrue();

        try (Connection locker = DriverManager.getConnection(db.url());
            Statement s = locker.createStatement()) {
          locker.setAutoCommit(false);
          s.execute("LOCK TABLE tf_overrides IN ACCESS EXCLUSIVE MODE");
          // A change the client must reload: its reload reads tf_overrides and hangs on the lock.
          operator.updateFlag(ENV, flag("other", 2, FlagState.ON), 1, audit("other"));

          long max = 0;
          long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
          while (client.status().state() != Status.State.STALE) {
            max = Math.max(max, evaluateKnownAndNewTenants(client));
            assertThat(System.nanoTime()).as("STALE within 15 s").isLessThan(deadline);
            Thread.sleep(10);
          }
          for (int i = 0; i < 50; i++) {
            max = Math.max(max, evaluateKnownAndNewTenants(client));
          }
          assertThat(max)
              .as("slowest evaluation (ms) while locked")
              .isLessThan(EVALUATION_BOUND_MILLIS);
          assertThat(client.isEnabled("kyc", TenantKey.of("acme"))).as("last good data").isTrue();
          locker.rollback();
        }
        await(
            Duration.ofSeconds(20),
            () ->
                client.status().state() == Status.State.READY
                    && client.isEnabled("other", TenantKey.of("acme")));
      }
    }
  }

  @Test
  void sqliteLockedByAnotherProcess_writesFailSayingSo_evaluationsDoNotWait() throws Exception {
    String url = TestDatabases.sqliteUrl(dir);
    try (JdbiFlagStore store = timed(url)) {
      store.createFlag(ENV, flag("kyc", 1, FlagState.ON), audit("kyc"));
      try (FeatureFlags client = client(store)) {
        assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
        Process locker = lockSqlite(dir.resolve("flags.db"));
        try {
          long started = System.nanoTime();
          assertThatThrownBy(
                  () -> store.createFlag(ENV, flag("blocked", 1, FlagState.ON), audit("blocked")))
              .isInstanceOf(FlagStoreException.class)
              .hasMessageStartingWith("create flag failed: ")
              .hasMessageContaining("locked");
          assertThat(StoreFaultTest.millisSince(started)).isLessThan(10_000);

          long max = 0;
          for (int i = 0; i < 200; i++) {
            max = Math.max(max, evaluateKnownAndNewTenants(client));
          }
          assertThat(max)
              .as("slowest evaluation (ms) while locked")
              .isLessThan(EVALUATION_BOUND_MILLIS);
          assertThat(client.isEnabled("kyc", TenantKey.of("acme"))).isTrue();
        } finally {
          locker.getOutputStream().close();
          assertThat(locker.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        store.createFlag(ENV, flag("blocked", 1, FlagState.ON), audit("blocked"));
        await(Duration.ofSeconds(10), () -> client.isEnabled("blocked", TenantKey.of("acme")));
      }
    }
  }

  /** Starts a second JVM that holds BEGIN EXCLUSIVE on the file, and waits until it does. */
  static Process lockSqlite(Path file) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SqliteLocker.class.getName(),
                file.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals("locked")) {
        return p;
      }
    }
    throw new AssertionError("the locking process ended without taking the lock");
  }

  /** Evaluates a known tenant and one never seen before; returns the slower, in ms. */
  static long evaluateKnownAndNewTenants(FeatureFlags client) {
    long started = System.nanoTime();
    client.isEnabled("kyc", TenantKey.of("acme"));
    long known = System.nanoTime() - started;
    started = System.nanoTime();
    client.evaluate("kyc", TenantKey.of("new-" + NEW_TENANTS.incrementAndGet()));
    long fresh = System.nanoTime() - started;
    return Math.max(known, fresh) / 1_000_000;
  }

  static JdbiFlagStore timed(String url) {
    return JdbiFlagStore.builder()
        .jdbcUrl(url)
        .statementTimeout(Duration.ofSeconds(1))
        .connectTimeout(Duration.ofSeconds(1))
        .build();
  }

  static FeatureFlags client(JdbiFlagStore store) {
    return FeatureFlags.builder()
        .store(store)
        .environment(ENV)
        .pollInterval(Duration.ofMillis(200))
        .strictStartup(true)
        .build();
  }

  static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition reached within " + timeout).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  static Flag flag(String key, long version, FlagState state) {
    return Flag.of(key).withState(state).withVersion(version, now(), "op");
  }

  static AuditEntry audit(String key) {
    return new AuditEntry(
        0, now(), "op", AuditAction.FLAG_UPDATED, ENV, key, null, null, "{}", null);
  }
}
