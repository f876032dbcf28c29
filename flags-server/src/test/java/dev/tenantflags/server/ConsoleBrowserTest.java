package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the web console in a real headless chromium against a real server: sign in, create a flag,
 * roll it out to 25 %, add a tenant override, kill it, and find every change in its history; and a
 * description holding markup shows as text. Screenshots land in {@code target/screenshots/}.
 */
final class ConsoleBrowserTest {

  private static final String TOKEN = "browser-test-admin-token";
  private static final String HOSTILE =
      "<script>alert(1)</script><img src=x onerror=\"window.__xss = 1; alert(2)\"> & \"quotes\"";

  @TempDir static Path dir;
  private static FlagServer server;
  private static Chromium browser;
  private static Http admin;
  private static Path screenshots;

  @BeforeAll
  static void start() throws Exception {
    Path binary = Chromium.find();
    if (binary == null) {
      String message =
          "chromium is not on PATH: install it with `apt-get install -y chromium` (Debian) to run"
              + " the console browser test";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    screenshots = Path.of(System.getProperty("flags.server.screenshots", "target/screenshots"));
    ServerOptions options =
        ServerOptions.defaults().withPort(0).withJdbcUrl("jdbc:sqlite:" + dir.resolve("flags.db"));
    server =
        FlagServer.start(
            options,
            Map.of(AdminToken.ENV_VARIABLE, TOKEN),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    admin = new Http(server.port(), TOKEN);
    seedThroughTheApi();
    browser = Chromium.launch(binary);
  }

  /**
   * A few flags and overrides so the console has something realistic to show and tenants to count.
   */
  private static void seedThroughTheApi() throws Exception {
    created(
        admin.post(
            "/api/flags",
            "{\"key\": \"kyc_tiers\", \"module\": \"fin\", \"state\": \"TARGETED\","
                + " \"description\": \"Tiered KYC checks for onboarding\", \"scope\": {\"plan\":"
                + " [\"pro\", \"enterprise\"]}}"));
    created(
        admin.post(
            "/api/flags",
            "{\"key\": \"dispute_composer\", \"module\": \"fin\", \"state\": \"ON\", \"tags\":"
                + " [\"beta\"], \"description\": \"New dispute composer\", \"prerequisites\":"
                + " [\"kyc_tiers\"]}"));
    created(
        admin.post(
            "/api/flags",
            "{\"key\": \"bid_ranking\", \"module\": \"str\", \"state\": \"ROLLOUT\","
                + " \"rolloutPercent\": 10, \"tags\": [\"experimental\"], \"description\": \"Rank"
                + " bids by predicted margin\"}"));
    created(
        admin.post(
            "/api/flags",
            "{\"key\": \"xss_probe\", \"module\": \"ui\", \"description\": "
                + Chromium.quote(HOSTILE)
                + "}"));
    for (String tenant :
        new String[] {
          "acme",
          "globex",
          "initech",
          "umbrella",
          "hooli",
          "stark",
          "wayne",
          "tyrell",
          "cyberdyne",
          "soylent",
          "wonka",
          "gringotts"
        }) {
      assertThat(
              admin
                  .put(
                      "/api/flags/bid_ranking/overrides/" + tenant,
                      "{\"enabled\": " + (tenant.length() % 2 == 0) + "}")
                  .status())
          .isLessThan(300);
    }
  }

  private static void created(Http.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(201);
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

  private static void shot(String name) throws Exception {
    browser.screenshot(screenshots.resolve(name + ".png"));
  }

  @Test
  void console_operatorJourney_everyChangeIsStoredAndInTheHistory() throws Exception {
    String base = "http://127.0.0.1:" + server.port() + "/";
    browser.navigate(base);
    browser.eval("sessionStorage.clear()");
    browser.navigate(base);
    browser.waitFor("!document.getElementById('view-signin').hidden");
    shot("01-sign-in");

    // Sign in.
    browser.type("#token-input", TOKEN);
    browser.click("#signin-form button[type=submit]");
    browser.waitFor("document.querySelectorAll('#flag-rows tr').length >= 4");
    assertThat(browser.eval("sessionStorage.getItem('tenantflags.token')").asText())
        .isEqualTo(TOKEN);
    assertThat(browser.eval("document.cookie").asText()).isEmpty();
    shot("02-flag-list");

    // Create a flag.
    browser.click("#new-flag");
    browser.waitFor("document.getElementById('new-flag-dialog').open");
    browser.type("#new-flag-key", "new_checkout");
    browser.type("#new-flag-description", "One-page checkout");
    browser.type("#new-flag-module", "shop");
    browser.type("#new-flag-tags", "beta");
    shot("03-new-flag-dialog");
    browser.click("#new-flag-form button[type=submit]");
    browser.waitFor(
        "document.querySelector('#detail-title') &&"
            + " document.querySelector('#detail-title').textContent === 'new_checkout'");
    assertThat(admin.get("/api/flags/new_checkout").json().path("module").asText())
        .isEqualTo("shop");

    // Creating it twice: the API's 409 problem is explained in words, in the dialog.
    browser.click("#new-flag");
    browser.waitFor("document.getElementById('new-flag-dialog').open");
    browser.type("#new-flag-key", "new_checkout");
    browser.click("#new-flag-form button[type=submit]");
    browser.waitFor("!document.getElementById('new-flag-error').hidden");
    assertThat(browser.text("#new-flag-error"))
        .startsWith("This clashes with the current state")
        .contains("new_checkout");
    shot("03b-duplicate-key-error");
    browser.click("#new-flag-cancel");
    browser.waitFor("!document.getElementById('new-flag-dialog').open");

    // Roll it out to 25 %.
    browser.click("label[for=detail-state-ROLLOUT]");
    browser.type("#detail-rollout-number", "25");
    browser.waitFor(
        "document.getElementById('rollout-preview').textContent.includes('of 12 known tenants')");
    String preview = browser.text("#rollout-preview");
    assertThat(preview)
        .matches("≈\\d+ of 12 known tenants would be in the rollout\\. .*")
        .contains("never seen in an override or the audit log are not counted");
    assertThat(Integer.parseInt(preview.replaceAll("^≈(\\d+).*", "$1")))
        .isEqualTo(expectedInRollout("new_checkout", 2500));
    browser.type("#scope-plan-input", "pro, enterprise");
    browser.click("#scope-plan-add");
    browser.waitFor("document.querySelectorAll('#scope-plan .chip').length === 2");
    shot("04-rollout-25");
    browser.click("#detail-save");
    browser.waitFor(
        "document.querySelector('#detail-title') && document.querySelector('.detail-head"
            + " .muted').textContent.includes('version 2')");
    JsonNode rolledOut = admin.get("/api/flags/new_checkout").json();
    assertThat(rolledOut.path("state").asText()).isEqualTo("ROLLOUT");
    assertThat(rolledOut.path("rolloutPercent").decimalValue()).isEqualByComparingTo("25");
    assertThat(rolledOut.path("scope").path("plan").toString()).contains("pro", "enterprise");

    // A tenant override, locked.
    browser.type("#override-tenant", "acme");
    browser.eval("document.getElementById('override-enabled').value = 'true'");
    browser.click("#override-locked");
    browser.type("#override-note", "pilot customer");
    browser.click("#override-add");
    browser.waitFor("document.querySelector('#override-list tr[data-tenant=acme]')");
    JsonNode overrides = admin.get("/api/flags/new_checkout/overrides").json();
    assertThat(overrides.toString())
        .contains("\"tenantId\":\"acme\"", "\"enabled\":true", "\"locked\":true");

    // Kill it, with confirmation.
    browser.click("#detail-kill");
    browser.waitFor("document.getElementById('confirm-dialog').open");
    browser.type("#confirm-comment", "checkout errors spiking");
    shot("05-kill-confirmation");
    browser.click("#confirm-ok");
    browser.waitFor(
        "document.querySelector('#detail-state-OFF') &&"
            + " document.querySelector('#detail-state-OFF').checked &&"
            + " document.querySelector('.detail-head .muted').textContent.includes('version 3')");
    assertThat(admin.get("/api/flags/new_checkout").json().path("state").asText()).isEqualTo("OFF");

    // Every change is in the flag's history, newest first.
    browser.waitFor("document.querySelectorAll('#history-list li.history-entry').length >= 4");
    JsonNode actions =
        browser.eval(
            "[...document.querySelectorAll('#history-list li.history-entry')].map(e =>"
                + " e.dataset.action)");
    assertThat(actions.toString())
        .isEqualTo("[\"FLAG_KILLED\",\"OVERRIDE_SET\",\"FLAG_UPDATED\",\"FLAG_CREATED\"]");
    String history = browser.text("#history-list");
    assertThat(history)
        .contains(
            "rolloutPercent: 0 → 25",
            "state: OFF → ROLLOUT",
            "acme: on, locked (pilot customer)",
            "checkout errors spiking",
            "killed the flag");
    browser.eval("document.getElementById('history-title').scrollIntoView({block: 'start'})");
    shot("06-history");

    // The tenant view explains acme's flags.
    browser.click(".nav-button[data-view=tenants]");
    browser.type("#tenant-input", "acme");
    browser.click("#tenant-form button[type=submit]");
    browser.waitFor("document.querySelector('#tenant-result .tenant-flag')");
    assertThat(browser.text("#tenant-result")).contains("Module fin", "new_checkout", "Why:");
    shot("07-tenant-view");

    // The audit log shows the kill with its comment.
    browser.click(".nav-button[data-view=audit]");
    browser.waitFor("document.querySelector('#audit-list .history-entry')");
    assertThat(browser.text("#audit-list")).contains("checkout errors spiking");
    shot("08-audit-log");

    assertThat(browser.exceptions).as("page exceptions").isEmpty();
    assertThat(browser.errors).as("console errors (CSP violations show here)").isEmpty();
  }

  @Test
  void console_hostileDescription_isShownAsTextAndNeverRuns() throws Exception {
    browser.navigate("http://127.0.0.1:" + server.port() + "/");
    browser.eval("sessionStorage.setItem('tenantflags.token', " + Chromium.quote(TOKEN) + ")");
    browser.navigate("http://127.0.0.1:" + server.port() + "/");
    browser.waitFor("document.querySelector('#flag-rows tr[data-flag=xss_probe]')");
    browser.type("#flag-search", "xss");
    browser.waitFor("document.querySelectorAll('#flag-rows tr').length === 1");
    browser.click("#flag-rows tr[data-flag=xss_probe] .flag-open");
    browser.waitFor("document.querySelector('#detail-title')");

    assertThat(browser.text("#flag-rows tr[data-flag=xss_probe] .desc")).isEqualTo(HOSTILE);
    assertThat(browser.eval("document.querySelector('#flag-detail textarea').value").asText())
        .isEqualTo(HOSTILE);
    assertThat(
            browser
                .eval(
                    "document.querySelectorAll('main script, main img[src=x], #flag-detail"
                        + " img').length")
                .asInt())
        .isZero();
    assertThat(browser.eval("typeof window.__xss").asText()).isEqualTo("undefined");
    assertThat(browser.dialogs).as("alert() dialogs").isEmpty();
    shot("09-hostile-description");
  }

  /** SPEC §3 bucketing in Java, to check the console's preview count against. */
  private static int expectedInRollout(String salt, int basisPoints) {
    int in = 0;
    for (String tenant :
        new String[] {
          "acme",
          "globex",
          "initech",
          "umbrella",
          "hooli",
          "stark",
          "wayne",
          "tyrell",
          "cyberdyne",
          "soylent",
          "wonka",
          "gringotts"
        }) {
      if (dev.tenantflags.Bucketing.bucket(tenant, salt) < basisPoints) {
        in++;
      }
    }
    return in;
  }
}
