package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.Status;
import dev.tenantflags.TenantKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL goes away while two clients evaluate, and comes back on the same data and port. */
final class OutageTest {
  private static final TenantKey TENANT = TenantKey.of("acme");

  @TempDir Path dataDirectory;

  @Test
  void postgresStopsAndRestarts_clientsServeWithoutErrors_thenRecoverAndSeeMissedChange()
      throws Exception {
    int port = TestDatabases.freePort();
    EmbeddedPostgres pg = TestDatabases.startEmbedded(dataDirectory, port);
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + port
            + "/postgres?user=postgres&connectTimeout=2&socketTimeout=10";
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong errors = new AtomicLong();
    AtomicLong evaluations = new AtomicLong();
    AtomicLong wrongAnswers = new AtomicLong();
    try (JdbiFlagStore storeA = JdbiFlagStore.create(url);
        JdbiFlagStore storeB = JdbiFlagStore.create(url);
        JdbiFlagStore operator = JdbiFlagStore.create(url)) {
      operator.createFlag(
          "production",
          Flag.of("kyc").withState(FlagState.ON).withVersion(1, now(), "op"),
          audit(AuditAction.FLAG_CREATED));
      try (FeatureFlags a = client(storeA);
          FeatureFlags b = client(storeB)) {
        List<Thread> loops =
            List.of(a, b).stream()
                .map(
                    client -> {
                      Thread t =
                          new Thread(
                              () -> {
                                while (running.get()) {
                                  try {
                                    boolean on = client.isEnabled("kyc", TENANT);
                                    var evaluation = client.evaluate("kyc", TENANT);
                                    if (evaluation.reason() == dev.tenantflags.Reason.ERROR) {
                                      errors.incrementAndGet();
                                    }
                                    if (!on
                                        && running.get()
                                        && client
                                            .flag("kyc")
                                            .map(f -> f.state() == FlagState.ON)
                                            .orElse(false)) {
                                      wrongAnswers.incrementAndGet();
                                    }
                                    evaluations.incrementAndGet();
                                  } catch (RuntimeException e) {
                                    errors.incrementAndGet();
                                  }
                                  Thread.onSpinWait();
                                }
                              });
                      t.setDaemon(true);
                      t.start();
                      return t;
                    })
                .toList();
        assertThat(b.isEnabled("kyc", TENANT)).isTrue();

        pg.close();
        await(
            Duration.ofSeconds(15),
            () ->
                a.status().state() == Status.State.STALE
                    && b.status().state() == Status.State.STALE);
        long during = evaluations.get();
        Thread.sleep(500);
        assertThat(evaluations.get())
            .as("evaluation keeps answering while the store is down")
            .isGreaterThan(during);
        assertThat(a.isEnabled("kyc", TENANT)).as("last good snapshot").isTrue();

        pg = TestDatabases.startEmbedded(dataDirectory, port);
        // A change made by another process while the clients may still be reconnecting: no
        // notification reaches them, the resynchronisation on reconnect must.
        long version = operator.loadFlag("production", "kyc").orElseThrow().version();
        operator.updateFlag(
            "production",
            Flag.of("kyc").withState(FlagState.OFF).withVersion(version + 1, now(), "op"),
            version,
            audit(AuditAction.FLAG_KILLED));

        await(
            Duration.ofSeconds(15),
            () ->
                a.status().state() == Status.State.READY
                    && b.status().state() == Status.State.READY
                    && !a.isEnabled("kyc", TENANT)
                    && !b.isEnabled("kyc", TENANT));
        running.set(false);
        for (Thread t : loops) {
          t.join(2_000);
        }
      }
      assertThat(errors.get()).as("evaluation errors").isZero();
      assertThat(wrongAnswers.get()).as("answers contradicting the client's own snapshot").isZero();
      assertThat(evaluations.get()).isPositive();
      PropagationTest.report(
          "outage: " + evaluations.get() + " evaluations, " + errors.get() + " errors\n");
    } finally {
      running.set(false);
      pg.close();
    }
  }

  private static FeatureFlags client(JdbiFlagStore store) {
    return FeatureFlags.builder()
        .store(store)
        .environment("production")
        .pollInterval(Duration.ofMillis(200))
        .strictStartup(true)
        .build();
  }

  private static void await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition reached within " + timeout).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static AuditEntry audit(AuditAction action) {
    return new AuditEntry(0, now(), "op", action, "production", "kyc", null, null, null, null);
  }
}
