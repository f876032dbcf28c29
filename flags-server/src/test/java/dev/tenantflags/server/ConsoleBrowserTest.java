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
  private static final String DEVELOPER = "browser-test-developer-token";
  private static final String HOSTILE =
      "<script>alert(1)</script><img src=x onerror=\"window.__xss = 1; alert(2)\"> & \"quotes\"";

  @TempDir static Path dir;
  private static FlagServer server;
  private static Chromium browser;
  private static Http admin;
  private static Path screenshots;

  /** The chromium binary; without one the test is skipped (failed on CI, which installs it). */
  static Path chromiumOrSkip() {
    Path binary = Chromium.find();
    if (binary == null) {
      String message =
          "chromium is not on PATH: install it with `apt-get install -y chromium` (Debian) to run"
              + " the console browser tests";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    return binary;
  }

  @BeforeAll
  static void start() throws Exception {
    Path binary = chromiumOrSkip();
    screenshots = Path.of(System.getProperty("flags.server.screenshots", "target/screenshots"));
    Path tokens =
        java.nio.file.Files.writeString(
            dir.resolve("tokens.json"),
            "[{\"name\": \"dev-bot\", \"role\": \"DEVELOPER\", \"token\": \"" + DEVELOPER + "\"}]");
    ServerOptions options =
        ServerOptions.defaults()
            .withPort(0)
            .withJdbcUrl("jdbc:sqlite:" + dir.resolve("flags.db"))
            .withTokens(tokens);
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
    browser.type("#new-flag-comment", "SHOP-12 one-page checkout");
    shot("03-new-flag-dialog");
    browser.click("#new-flag-form button[type=submit]");
    browser.waitFor(
        "document.querySelector('#detail-title') &&"
            + " document.querySelector('#detail-title').textContent === 'new_checkout'");
    assertThat(admin.get("/api/flags/new_checkout").json().path("module").asText())
        .isEqualTo("shop");
    assertThat(admin.get("/api/flags/new_checkout/history").body())
        .contains("SHOP-12 one-page checkout");

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
    assertThat(browser.text("#tenant-result li[data-flag=kyc_tiers]"))
        .contains("OFF", "outside the flag's scope");
    // With its plan, acme matches kyc_tiers' plan scope.
    browser.type("#tenant-plan", "pro");
    browser.click("#tenant-form button[type=submit]");
    browser.waitFor(
        "document.querySelector('#tenant-result"
            + " li[data-flag=kyc_tiers]').classList.contains('is-on')");
    assertThat(browser.text("#tenant-result li[data-flag=kyc_tiers]")).contains("target scope");
    shot("07-tenant-view");
    // An override from the tenant view, with a why.
    browser.click(
        "#tenant-result li[data-flag=dispute_composer] button[aria-label^='Override"
            + " dispute_composer off']");
    browser.waitFor("document.getElementById('confirm-dialog').open");
    assertThat(browser.text("#confirm-warning")).contains("production is protected");
    browser.type("#confirm-comment", "acme asked to wait");
    browser.click("#confirm-ok");
    browser.waitFor(
        "document.querySelector('#tenant-result li[data-flag=dispute_composer] .badge') &&"
            + " document.querySelector('#tenant-result li[data-flag=dispute_composer]')"
            + ".textContent.includes('override')");
    assertThat(
            admin
                .get("/api/flags/dispute_composer/overrides/acme")
                .json()
                .path("enabled")
                .asBoolean())
        .isFalse();

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

  private static String base() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  private static void openFlag(String key) throws Exception {
    browser.waitFor("document.querySelector('#flag-rows tr[data-flag=" + key + "]')");
    browser.click("#flag-rows tr[data-flag=" + key + "] .flag-open");
    browser.waitFor(
        "document.querySelector('#detail-title') && document.querySelector('#detail-title')"
            + ".textContent === '"
            + key
            + "'");
  }

  private static void confirm(String why) throws Exception {
    browser.waitFor("document.getElementById('confirm-dialog').open");
    if (why != null) {
      browser.type("#confirm-comment", why);
    }
    browser.click("#confirm-ok");
    browser.waitFor("!document.getElementById('confirm-dialog').open");
  }

  private static void noPageErrors() {
    assertThat(browser.exceptions).as("page exceptions").isEmpty();
    assertThat(browser.errors).as("console errors").isEmpty();
  }

  @Test
  void console_archiveAndRestore_archivedFlagIsReadOnlyWithABanner() throws Exception {
    created(
        admin.post(
            "/api/flags", "{\"key\": \"old_banner\", \"module\": \"ui\", \"state\": \"ON\"}"));
    browser.signIn(base(), TOKEN);
    openFlag("old_banner");

    browser.click("#detail-archive");
    confirm("replaced by the new banner");
    browser.waitFor("document.querySelector('#detail-readonly')");
    assertThat(browser.text("#detail-readonly")).startsWith("Archived: read-only.");
    assertThat(browser.disabled("#detail-state-OFF")).isTrue();
    assertThat(browser.disabled("#override-add")).isTrue();
    assertThat(browser.visible("#detail-save")).isFalse();
    assertThat(browser.visible("#detail-kill")).isFalse();
    assertThat(admin.get("/api/flags/old_banner").json().path("archived").asBoolean()).isTrue();
    shot("10-archived-read-only");

    browser.click("#detail-restore");
    confirm("still needed");
    browser.waitFor(
        "!document.querySelector('#detail-readonly') && document.querySelector('#detail-kill')");
    assertThat(admin.get("/api/flags/old_banner").json().path("archived").asBoolean()).isFalse();
    browser.waitFor("document.querySelectorAll('#history-list li.history-entry').length >= 3");
    assertThat(browser.text("#history-list"))
        .contains("archived the flag", "restored the flag", "replaced by the new banner");
    noPageErrors();
  }

  @Test
  void console_staleSave_explainsAndOffersReload() throws Exception {
    created(admin.post("/api/flags", "{\"key\": \"race_flag\", \"module\": \"ui\"}"));
    browser.signIn(base(), TOKEN);
    openFlag("race_flag");
    // Someone else changes the flag after the page opened it.
    assertThat(
            admin
                .patch("/api/flags/race_flag", "{\"description\": \"changed elsewhere\"}", "\"1\"")
                .status())
        .isEqualTo(200);

    browser.type("#flag-detail textarea", "my edit");
    browser.click("#detail-save");
    browser.waitFor("!document.getElementById('alert').hidden");
    assertThat(browser.text("#alert-text")).startsWith("Someone else changed this flag");
    assertThat(browser.visible("#alert-action")).isTrue();
    shot("24-stale-version-reload");
    browser.click("#alert-action");
    browser.waitFor(
        "document.querySelector('#flag-detail textarea').value === 'changed elsewhere' &&"
            + " document.querySelector('.detail-head .muted').textContent.includes('version 2')");
    assertThat(browser.visible("#alert")).isFalse();
    noPageErrors();
  }

  @Test
  void console_environments_createAndDeleteWithConfirmation() throws Exception {
    browser.signIn(base(), TOKEN);
    browser.waitFor("!document.getElementById('nav').hidden");
    browser.click(".nav-button[data-view=environments]");
    browser.waitFor("document.querySelector('#environment-rows tr[data-environment=production]')");
    assertThat(browser.text("#environment-rows tr[data-environment=production]"))
        .contains("protected");

    browser.type("#environment-name", "qa");
    browser.type("#environment-comment", "for the QA team");
    browser.click("#environment-create");
    browser.waitFor("document.querySelector('#environment-rows tr[data-environment=qa]')");
    browser.waitFor("document.querySelector('#env-select option[value=qa]')");
    assertThat(admin.get("/api/environments").body()).contains("\"qa\"");
    shot("11-environments");

    browser.click("#environment-rows tr[data-environment=qa] button");
    browser.waitFor("document.getElementById('confirm-dialog').open");
    assertThat(browser.text("#confirm-text")).startsWith("Delete the environment qa?");
    browser.click("#confirm-ok");
    browser.waitFor("!document.querySelector('#environment-rows tr[data-environment=qa]')");
    assertThat(admin.get("/api/environments").body()).doesNotContain("\"qa\"");
    noPageErrors();
  }

  @Test
  void console_developerInProtectedProduction_seesControlsDisabledWithTheReason() throws Exception {
    browser.signIn(base(), DEVELOPER);
    browser.waitFor("document.querySelectorAll('#flag-rows tr').length >= 4");
    assertThat(browser.text("#whoami")).contains("DEVELOPER");
    assertThat(browser.disabled("#new-flag")).isTrue();
    assertThat(browser.visible(".nav-button[data-view=tokens]")).isFalse();
    openFlag("kyc_tiers");

    assertThat(browser.text("#detail-readonly"))
        .isEqualTo(
            "Read-only for you: production is protected, so changes need an ADMIN token (yours"
                + " is DEVELOPER).");
    assertThat(browser.disabled("#detail-kill")).isTrue();
    assertThat(browser.disabled("#detail-archive")).isTrue();
    assertThat(browser.disabled("#detail-state-ON")).isTrue();
    assertThat(browser.disabled("#override-add")).isTrue();
    shot("12-developer-production-read-only");

    // In development the same token may change things: the controls are enabled there.
    browser.eval(
        "(() => { const s = document.getElementById('env-select'); s.value = 'development';"
            + " s.dispatchEvent(new Event('change')); })()");
    browser.waitFor("!document.getElementById('new-flag').disabled");
    noPageErrors();
  }

  @Test
  void console_overrideOnAnOffFlag_warnsAndOffersTargeted() throws Exception {
    created(admin.post("/api/flags", "{\"key\": \"beta_reports\", \"module\": \"reports\"}"));
    browser.signIn(base(), TOKEN);
    openFlag("beta_reports");

    assertThat(browser.text("#override-off-warning"))
        .contains("beta_reports is OFF, and OFF is the kill switch", "Make it TARGETED");
    browser.type("#override-tenant", "acme");
    browser.type("#override-comment", "early access");
    browser.click("#override-add");
    browser.waitFor("document.querySelector('#override-list tr[data-tenant=acme]')");
    assertThat(admin.get("/api/evaluate/beta_reports?tenant=acme").json().path("reason").asText())
        .isEqualTo("OFF");
    browser.eval("document.getElementById('overrides-title').scrollIntoView({block: 'start'})");
    shot("13-override-on-off-flag-warning");

    browser.click("#switch-targeted");
    confirm("early access for acme");
    browser.waitFor(
        "document.querySelector('#detail-state-TARGETED') &&"
            + " document.querySelector('#detail-state-TARGETED').checked");
    assertThat(browser.visible("#override-off-warning")).isFalse();
    JsonNode acme = admin.get("/api/evaluate/beta_reports?tenant=acme").json();
    assertThat(acme.path("enabled").asBoolean()).isTrue();
    assertThat(acme.path("reason").asText()).isEqualTo("OVERRIDE");
    assertThat(
            admin
                .get("/api/evaluate/beta_reports?tenant=globex")
                .json()
                .path("enabled")
                .asBoolean())
        .isFalse();
    noPageErrors();
  }

  @Test
  void console_tokens_secretShownOnce_revokedTokenIsRefusedAtOnce() throws Exception {
    browser.signIn(base(), TOKEN);
    browser.waitFor("!document.getElementById('nav').hidden");
    browser.click(".nav-button[data-view=tokens]");
    browser.waitFor("!document.getElementById('view-tokens').hidden");
    browser.type("#token-name", "ci-bot");
    browser.eval("document.getElementById('token-role').value = 'DEVELOPER'");
    browser.type("#token-comment", "deploy pipeline");
    browser.click("#token-create");
    browser.waitFor("document.getElementById('secret-dialog').open");
    String secret = browser.eval("document.getElementById('secret-value').value").asText();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(16);
    shot("14-token-created-secret-once");
    browser.click("#secret-done");
    browser.waitFor("!document.getElementById('secret-dialog').open");
    browser.waitFor("document.querySelector('#token-rows tr[data-token=ci-bot]')");
    assertThat(browser.eval("document.getElementById('secret-value').value").asText()).isEmpty();
    assertThat(browser.text("#token-rows tr[data-token=ci-bot]")).contains("DEVELOPER");

    Http ci = new Http(server.port(), secret);
    assertThat(ci.get("/api/flags").status()).isEqualTo(200);
    shot("15-tokens-list");

    browser.click("#token-rows tr[data-token=ci-bot] button");
    browser.waitFor("document.getElementById('confirm-dialog').open");
    assertThat(browser.text("#confirm-text")).startsWith("Revoke the token ci-bot?");
    browser.click("#confirm-ok");
    browser.waitFor("!document.querySelector('#token-rows tr[data-token=ci-bot]')");
    assertThat(ci.get("/api/flags").status()).isEqualTo(401);
    assertThat(admin.get("/api/audit?action=TOKEN_REVOKED").body()).contains("ci-bot");
    noPageErrors();
  }

  @Test
  void console_layoutAt1366And1024And420_nothingClippedAndNoSidewaysScroll() throws Exception {
    try {
      for (int width : new int[] {1366, 1024, 420}) {
        browser.viewport(width, width == 420 ? 860 : 768);
        browser.signIn(base(), TOKEN);
        browser.waitFor("document.querySelectorAll('#flag-rows tr').length >= 4");
        shot("18-layout-" + width + "-list");
        openFlag("kyc_tiers");
        assertThat(
                browser
                    .eval(
                        "document.documentElement.scrollWidth <= window.innerWidth &&"
                            + " document.getElementById('flag-detail').getBoundingClientRect()"
                            + ".right <= window.innerWidth")
                    .asBoolean())
            .as("nothing wider than the window at " + width + " px")
            .isTrue();
        browser.eval("document.getElementById('flag-detail').scrollIntoView({block: 'start'})");
        shot("19-layout-" + width + "-detail");
      }
    } finally {
      browser.viewport(1440, 1000);
    }
    noPageErrors();
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
