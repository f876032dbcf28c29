package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagState;
import dev.tenantflags.TenantKey;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.UsageBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8 on a shared database: two clients on one PostgreSQL evaluate the same flag, and after
 * their final flushes the stored hourly counts equal the sum of both clients' evaluations exactly.
 */
final class UsageSumTest {
  private static final String ENV = "production";

  @Test
  void twoClientsOnePostgres_flushedCountsAddUpExactly() throws Exception {
    try (TestDatabases.TestDb db =
            TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
        JdbiFlagStore storeA = JdbiFlagStore.create(db.url());
        JdbiFlagStore storeB = JdbiFlagStore.create(db.url())) {
      storeA.createFlag(
          ENV, ClientFaultTest.flag("kyc", 1, FlagState.ON), ClientFaultTest.audit("kyc"));
      storeA.putOverride(
          ENV,
          new TenantOverride("kyc", "blocked", false, false, null, ClientFaultTest.now(), "op"),
          current -> ClientFaultTest.audit("kyc"));
      Instant before = Instant.now();
      long trueA = 0;
      long falseA = 0;
      long trueB = 0;
      long falseB = 0;
      try (FeatureFlags a = client(storeA);
          FeatureFlags b = client(storeB)) {
        assertThat(a.awaitReady(Duration.ofSeconds(10))).isTrue();
        assertThat(b.awaitReady(Duration.ofSeconds(10))).isTrue();
        for (int i = 0; i < 1_000; i++) {
          TenantKey tenant = TenantKey.of(i % 10 == 0 ? "blocked" : "t" + i);
          if (a.isEnabled("kyc", tenant)) {
            trueA++;
          } else {
            falseA++;
          }
          if (i % 3 == 0) {
            if (b.isEnabled("kyc", tenant)) {
              trueB++;
            } else {
              falseB++;
            }
          }
        }
      }
      Instant after = Instant.now();
      // Both clients flushed on close; read the hours the run touched.
      List<UsageBucket> buckets =
          storeA.usage(
              ENV,
              "kyc",
              before.truncatedTo(java.time.temporal.ChronoUnit.HOURS),
              after.plusSeconds(3600));
      long trueCount = buckets.stream().mapToLong(UsageBucket::trueCount).sum();
      long falseCount = buckets.stream().mapToLong(UsageBucket::falseCount).sum();
      assertThat(trueCount).isEqualTo(trueA + trueB);
      assertThat(falseCount).isEqualTo(falseA + falseB);
      assertThat(falseA + falseB).isPositive();
      assertThat(storeB.lastEvaluated(ENV)).containsKey("kyc");
      assertThat(storeB.lastEvaluated(ENV).get("kyc")).isBetween(before.minusSeconds(1), after);
    }
  }

  private static FeatureFlags client(JdbiFlagStore store) {
    return FeatureFlags.builder()
        .store(store)
        .environment(ENV)
        .usageFlushInterval(Duration.ofMinutes(10))
        .strictStartup(true)
        .build();
  }
}
