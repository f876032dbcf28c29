package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.FlagStoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store under network and lock faults (SPEC §4: every store call bounded): PostgreSQL behind a
 * {@link FaultProxy} that adds latency, black-holes or resets, and a table locked by another
 * session. Each call must end within its timeouts with a {@link FlagStoreException} that says what
 * timed out, and the store must work again once the fault is gone.
 */
final class StoreFaultTest {
  private static final String ENV = "production";
  private static final Duration STATEMENT = Duration.ofSeconds(1);
  private static final Duration CONNECT = Duration.ofSeconds(1);

  /** Generous: statement 1 s, socket 2 s, connect 1 s, plus a loaded machine. */
  private static final long BOUND_MILLIS = 10_000;

  private TestDatabases.TestDb db;
  private FaultProxy proxy;
  private JdbiFlagStore store;

  @BeforeEach
  void start() {
    db = TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
    proxy = new FaultProxy(port(db.url()));
    store =
        JdbiFlagStore.builder()
            .jdbcUrl(proxy.proxied(db.url()))
            .statementTimeout(STATEMENT)
            .connectTimeout(CONNECT)
            .build();
    store.createFlag(ENV, flag("kyc", 1), audit("kyc"));
  }

  @AfterEach
  void stop() {
    store.close();
    proxy.close();
    db.close();
  }

  @Test
  void blackHole_adminWrite_failsWithinTheTimeoutsSayingWhat_thenRecovers() throws Exception {
    proxy.blackHole();

    long started = System.nanoTime();
    assertThatThrownBy(() -> store.createFlag(ENV, flag("late", 1), audit("late")))
        .isInstanceOf(FlagStoreException.class)
        .hasMessageStartingWith("create flag failed: ")
        .hasMessageContaining("timeout");
    assertThat(millisSince(started)).isLessThan(BOUND_MILLIS);

    started = System.nanoTime();
    assertThatThrownBy(() -> store.loadFlags(ENV))
        .isInstanceOf(FlagStoreException.class)
        .hasMessageContaining("timeout");
    assertThat(millisSince(started)).isLessThan(BOUND_MILLIS);

    proxy.pass();
    awaitSuccess(() -> store.createFlag(ENV, flag("late", 1), audit("late")));
    assertThat(store.loadFlag(ENV, "late")).isPresent();
  }

  @Test
  void latency_callsSucceedSlowly() {
    proxy.latency(100);
    long started = System.nanoTime();
    assertThat(store.loadFlags(ENV).flags()).extracting(Flag::key).containsExactly("kyc");
    store.createFlag(ENV, flag("slow", 1), audit("slow"));
    assertThat(millisSince(started)).isGreaterThanOrEqualTo(200).isLessThan(BOUND_MILLIS);
    proxy.latency(0);
  }

  @Test
  void reset_readIsRetriedOnAFreshConnection_writeFailsFastOrSucceeds() throws Exception {
    assertThat(store.loadFlags(ENV).flags()).hasSize(1);
    proxy.resetAll();
    // The pool's connections are all broken; a read retries once on a fresh one.
    assertThat(store.loadFlags(ENV).flags()).hasSize(1);

    proxy.resetAll();
    long started = System.nanoTime();
    try {
      store.createFlag(ENV, flag("after.reset", 1), audit("after.reset"));
    } catch (FlagStoreException e) {
      // Writes are never retried: their commit may have happened.
      assertThat(e).hasMessageStartingWith("create flag failed: ");
    }
    assertThat(millisSince(started)).isLessThan(BOUND_MILLIS);
    awaitSuccess(
        () -> {
          if (store.loadFlag(ENV, "after.reset").isEmpty()) {
            store.createFlag(ENV, flag("after.reset", 1), audit("after.reset"));
          }
        });
    assertThat(store.loadFlags(ENV).flags()).hasSize(2);
  }

  @Test
  void lockedOverridesTable_writeFailsAfterTheStatementTimeout_thenWorks() throws Exception {
    try (Connection locker = DriverManager.getConnection(db.url());
        Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE tf_overrides IN ACCESS EXCLUSIVE MODE");

      long started = System.nanoTime();
      assertThatThrownBy(() -> store.putOverride(ENV, override("kyc", "acme"), c -> audit("kyc")))
          .isInstanceOf(FlagStoreException.class)
          .hasMessageStartingWith("put override failed: the statement did not finish within 1 s")
          .hasMessageContaining("statement timeout");
      assertThat(millisSince(started)).isLessThan(BOUND_MILLIS);

      started = System.nanoTime();
      assertThatThrownBy(() -> store.loadOverrides(ENV))
          .isInstanceOf(FlagStoreException.class)
          .hasMessageContaining("timeout");
      assertThat(millisSince(started)).isLessThan(BOUND_MILLIS);
      // Tables that are not locked still answer.
      assertThat(store.changeVersion(ENV)).isPositive();
      locker.rollback();
    }
    store.putOverride(ENV, override("kyc", "acme"), c -> audit("kyc"));
    assertThat(store.loadOverrides(ENV).overrides()).hasSize(1);
  }

  private static void awaitSuccess(Runnable call) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        call.run();
        return;
      } catch (FlagStoreException e) {
        assertThat(System.nanoTime()).as("recovered within 20 s: " + e).isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  static int port(String url) {
    Matcher m = Pattern.compile("//[^/:]+:(\\d+)/").matcher(url);
    assertThat(m.find()).as("a port in " + url).isTrue();
    return Integer.parseInt(m.group(1));
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Flag flag(String key, long version) {
    return Flag.of(key).withState(FlagState.ON).withVersion(version, now(), "op");
  }

  private static TenantOverride override(String key, String tenant) {
    return new TenantOverride(key, tenant, true, false, null, now(), "op");
  }

  private static AuditEntry audit(String key) {
    return new AuditEntry(
        0, now(), "op", AuditAction.FLAG_CREATED, ENV, key, null, null, "{}", null);
  }
}
