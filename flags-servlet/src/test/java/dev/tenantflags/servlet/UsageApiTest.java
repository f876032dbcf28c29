package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Scope;
import dev.tenantflags.spi.UsageBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage over real HTTP (SPEC §8): {@code GET /flags/{key}/usage}, and {@code lastEvaluatedAt} /
 * {@code stale} on flag listings judged by a test clock set 40 days after the flags were written.
 */
final class UsageApiTest {

  private static final Instant WRITTEN = Instant.now().truncatedTo(ChronoUnit.HOURS);
  private static final AtomicReference<Instant> NOW = new AtomicReference<>(WRITTEN);
  private static ApiFixture fx;

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return NOW.get();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false, new InMemoryFlagStore());
    fx.admin().create(Flag.of("used_daily").withState(FlagState.TARGETED), null);
    fx.admin().create(Flag.of("never_used").withState(FlagState.TARGETED), null);
    fx.admin().create(Flag.of("fully_on").withState(FlagState.ON), null);
    fx.admin().create(Flag.of("on_with_override").withState(FlagState.ON), null);
    fx.admin().setOverride("on_with_override", "acme", false, false, null, null);
    fx.admin()
        .create(
            Flag.of("rollout_all")
                .withState(FlagState.ROLLOUT)
                .withRolloutPercent("100")
                .withScope(Scope.EMPTY),
            null);
    fx.server
        .servlet(
            fx.servlet().clock(new TestClock()).staleAfter(Duration.ofDays(30)).build(), "/api/*")
        .start();
    NOW.set(WRITTEN.plus(Duration.ofDays(40)));
    Instant yesterday = NOW.get().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
    List<UsageBucket> buckets = new ArrayList<>();
    for (String key : List.of("used_daily", "fully_on", "on_with_override", "rollout_all")) {
      buckets.add(
          new UsageBucket(ApiFixture.DEV_ENV, key, yesterday, 7, 3, 2, yesterday.plusSeconds(60)));
    }
    buckets.add(
        new UsageBucket(
            ApiFixture.DEV_ENV,
            "used_daily",
            yesterday.minus(Duration.ofHours(2)),
            5,
            0,
            0,
            yesterday.minus(Duration.ofHours(2))));
    fx.store.addUsage(buckets);
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  @Test
  void usage_hourlySeriesAndTotals() {
    ApiFixture.Response r = fx.call("VIEWER", "GET", "/flags/used_daily/usage", null);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode u = r.json();
    assertThat(u.path("flag").asText()).isEqualTo("used_daily");
    assertThat(u.path("hours").size()).isEqualTo(2);
    assertThat(u.path("totals").path("true").asLong()).isEqualTo(12);
    assertThat(u.path("totals").path("false").asLong()).isEqualTo(3);
    assertThat(u.path("totals").path("refused").asLong()).isEqualTo(2);
    assertThat(u.path("to").asLong() - u.path("from").asLong())
        .isEqualTo(Duration.ofDays(7).toMillis());
    assertThat(u.path("lastEvaluatedAt").asLong())
        .isEqualTo(
            NOW.get()
                .minus(Duration.ofDays(1))
                .truncatedTo(ChronoUnit.HOURS)
                .plusSeconds(60)
                .toEpochMilli());
    assertThat(u.path("stale").asBoolean()).isFalse();
  }

  @Test
  void usage_fromToAsIsoOrMillis_narrowsTheSeries() {
    Instant yesterday = NOW.get().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
    JsonNode iso =
        fx.call(
                "VIEWER",
                "GET",
                "/flags/used_daily/usage?from=" + yesterday.minusSeconds(1) + "&to=" + NOW.get(),
                null)
            .json();
    JsonNode millis =
        fx.call(
                "VIEWER",
                "GET",
                "/flags/used_daily/usage?from="
                    + yesterday.toEpochMilli()
                    + "&to="
                    + NOW.get().toEpochMilli(),
                null)
            .json();
    assertThat(iso.path("hours").size()).isEqualTo(1);
    assertThat(millis.path("hours").size()).isEqualTo(1);
    assertThat(millis.path("hours").get(0).path("hour").asLong())
        .isEqualTo(yesterday.toEpochMilli());
  }

  @Test
  void usage_badRangeOrUnknownFlag_4xx() {
    fx.call("VIEWER", "GET", "/flags/used_daily/usage?from=yesterday", null).problem(400);
    fx.call("VIEWER", "GET", "/flags/used_daily/usage?from=2000&to=1000", null).problem(400);
    fx.call("VIEWER", "GET", "/flags/no_such/usage", null).problem(404);
    fx.call("EVALUATOR", "GET", "/flags/used_daily/usage", null).problem(403);
  }

  @Test
  void listing_staleFlags_notEvaluatedOrFullyOnWithoutOverrides() {
    JsonNode all = fx.call("VIEWER", "GET", "/flags", null).json().path("flags");
    java.util.Map<String, Boolean> stale = new java.util.TreeMap<>();
    all.forEach(f -> stale.put(f.path("key").asText(), f.path("stale").asBoolean()));

    assertThat(stale)
        .containsEntry("used_daily", false)
        .containsEntry("never_used", true)
        .containsEntry("fully_on", true)
        .containsEntry("rollout_all", true)
        .containsEntry("on_with_override", false);
    JsonNode staleOnly = fx.call("VIEWER", "GET", "/flags?stale=true", null).json().path("flags");
    List<String> keys = new ArrayList<>();
    staleOnly.forEach(f -> keys.add(f.path("key").asText()));
    assertThat(keys)
        .contains("never_used", "fully_on", "rollout_all")
        .doesNotContain("used_daily", "on_with_override");
    JsonNode one = fx.call("VIEWER", "GET", "/flags/never_used", null).json();
    assertThat(one.path("stale").asBoolean()).isTrue();
    assertThat(one.path("lastEvaluatedAt").isNull()).isTrue();
    fx.call("VIEWER", "GET", "/flags?stale=maybe", null).problem(400);
  }

  @Test
  void listing_recentlyChangedFlag_notStaleEvenIfNeverEvaluated() {
    // The client stamps changes with the system clock; judge them by it here.
    Instant fortyDaysOn = NOW.getAndSet(Instant.now());
    try {
      fx.call("DEVELOPER", "POST", "/flags", "{\"key\":\"brand_new\"}");
      JsonNode f = fx.call("VIEWER", "GET", "/flags/brand_new", null).json();
      assertThat(f.path("stale").asBoolean()).isFalse();
      assertThat(f.path("lastEvaluatedAt").isNull()).isTrue();
    } finally {
      NOW.set(fortyDaysOn);
    }
  }
}
