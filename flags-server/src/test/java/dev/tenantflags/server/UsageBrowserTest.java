package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.jdbc.JdbiFlagStore;
import dev.tenantflags.spi.UsageBucket;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage in the console (SPEC §8), in a real headless chromium: the flag list's 7-day sparklines,
 * the "stale" badge and filter, and the detail panel's true/false chart with the refused count. The
 * server judges staleness by a clock 40 days ahead, so flags created now are old enough to be stale
 * when nothing evaluated them for 30 days.
 */
final class UsageBrowserTest {

  private static final String ADMIN = "usage-test-admin-token";
  private static final Duration AHEAD = Duration.ofDays(40);

  @TempDir static Path dir;
  private static FlagServer server;
  private static Chromium browser;
  private static Http admin;

  @BeforeAll
  static void start() throws Exception {
    Path binary = ConsoleBrowserTest.chromiumOrSkip();
    server =
        FlagServer.start(
            ServerOptions.defaults().withPort(0).withJdbcUrl("jdbc:sqlite:" + dir.resolve("f.db")),
            Map.of(AdminToken.ENV_VARIABLE, ADMIN),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            Clock.offset(Clock.systemUTC(), AHEAD));
    admin = new Http(server.port(), ADMIN);
    browser = Chromium.launch(binary);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void console_usage_sparklinesStaleBadgeAndFilterAndTheDetailChart() throws Exception {
    for (String json :
        List.of(
            "{\"key\": \"legacy_search\", \"module\": \"search\", \"state\": \"ON\"}",
            "{\"key\": \"live_search\", \"module\": \"search\", \"state\": \"ROLLOUT\","
                + " \"rolloutPercent\": 50}",
            "{\"key\": \"fresh_idea\", \"module\": \"search\", \"state\": \"TARGETED\"}")) {
      assertThat(admin.post("/api/flags", json).status()).isEqualTo(201);
    }
    // "Now" for the server is 40 days ahead: live_search was evaluated in its last 7 days,
    // legacy_search only 40 days before that, fresh_idea never.
    Instant serverHour = Instant.now().plus(AHEAD).truncatedTo(ChronoUnit.HOURS);
    List<UsageBucket> buckets = new ArrayList<>();
    for (int h = 1; h < 7 * 24; h += 5) {
      Instant at = serverHour.minus(Duration.ofHours(h));
      buckets.add(
          new UsageBucket(
              "production",
              "live_search",
              at,
              40 + (h % 24) * 3,
              10 + h % 7,
              h % 3,
              at.plusSeconds(60)));
    }
    Instant old = serverHour.minus(Duration.ofDays(40));
    buckets.add(new UsageBucket("production", "legacy_search", old, 5, 0, 0, old.plusSeconds(60)));
    // A second store on the same SQLite file, as another instance's flusher would write.
    try (JdbiFlagStore other = JdbiFlagStore.create("jdbc:sqlite:" + dir.resolve("f.db"))) {
      other.addUsage(buckets);
    }

    browser.signIn("http://127.0.0.1:" + server.port() + "/", ADMIN);
    browser.waitFor(
        "document.querySelector('#flag-rows tr[data-flag=live_search] .col-usage svg.sparkline')");
    assertThat(browser.visible("#flag-rows tr[data-flag=legacy_search] .badge-stale")).isTrue();
    assertThat(browser.visible("#flag-rows tr[data-flag=fresh_idea] .badge-stale")).isTrue();
    assertThat(browser.visible("#flag-rows tr[data-flag=live_search] .badge-stale")).isFalse();
    shot("16-usage-sparklines-and-stale");

    browser.click("#flag-stale");
    browser.waitFor("document.querySelectorAll('#flag-rows tr').length === 2");
    assertThat(
            browser
                .eval("[...document.querySelectorAll('#flag-rows tr')].map(r => r.dataset.flag)")
                .toString())
        .isEqualTo("[\"fresh_idea\",\"legacy_search\"]");
    browser.click("#flag-stale");
    browser.waitFor("document.querySelectorAll('#flag-rows tr').length === 3");

    browser.click("#flag-rows tr[data-flag=live_search] .flag-open");
    browser.waitFor("document.querySelector('#usage-box svg.usage-chart rect.bar-true')");
    long trueCount =
        buckets.stream()
            .filter(b -> b.flagKey().equals("live_search"))
            .mapToLong(UsageBucket::trueCount)
            .sum();
    long falseCount =
        buckets.stream()
            .filter(b -> b.flagKey().equals("live_search"))
            .mapToLong(UsageBucket::falseCount)
            .sum();
    long refused =
        buckets.stream()
            .filter(b -> b.flagKey().equals("live_search"))
            .mapToLong(UsageBucket::refusedCount)
            .sum();
    assertThat(browser.text("#usage-box"))
        .contains(
            trueCount + " true",
            falseCount + " false",
            refused + " refused requests",
            "Last evaluated");
    browser.eval("document.getElementById('usage-title').scrollIntoView({block: 'start'})");
    shot("17-usage-detail-chart");
    assertThat(browser.exceptions).isEmpty();
    assertThat(browser.errors).isEmpty();
  }

  @Test
  void console_unreadableRow_isNamedAboveTheFlagList() throws Exception {
    assertThat(
            admin.post("/api/flags", "{\"key\": \"broken_row\", \"module\": \"legacy\"}").status())
        .isEqualTo(201);
    // A hand edit gone wrong: the row's scope is no longer JSON.
    try (java.sql.Connection db =
            java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("f.db"));
        java.sql.Statement st = db.createStatement()) {
      st.executeUpdate("UPDATE tf_flags SET scope = '{not json' WHERE flag_key = 'broken_row'");
    }

    // A server starting on that database quarantines the row and names it (SPEC §4).
    try (FlagServer restarted =
        FlagServer.start(
            ServerOptions.defaults().withPort(0).withJdbcUrl("jdbc:sqlite:" + dir.resolve("f.db")),
            Map.of(AdminToken.ENV_VARIABLE, ADMIN),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      com.fasterxml.jackson.databind.JsonNode health =
          new Http(restarted.port(), ADMIN).get("/health").json();
      assertThat(health.path("unreadable").toString()).contains("broken_row");
      browser.signIn("http://127.0.0.1:" + restarted.port() + "/", ADMIN);
      browser.waitFor("!document.getElementById('unreadable').hidden");
      assertThat(browser.text("#unreadable"))
          .startsWith("1 stored row could not be read.")
          .contains("broken_row");
      shot("25-unreadable-row");
    }
    assertThat(browser.exceptions).isEmpty();
  }

  private static void shot(String name) throws Exception {
    browser.screenshot(
        Path.of(System.getProperty("flags.server.screenshots", "target/screenshots"))
            .resolve(name + ".png"));
  }
}
