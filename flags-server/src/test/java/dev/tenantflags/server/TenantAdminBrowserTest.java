package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant admin's journey in a real headless chromium, in the protected {@code production}
 * environment where tenants live: sign in, features grouped by module, switch one on with a "why",
 * a feature blocked by a prerequisite that is off (the reason in words), a feature an admin locked,
 * the tenant's own audit log, and no way to see or reach another tenant. Screenshots land in {@code
 * target/screenshots/}.
 */
final class TenantAdminBrowserTest {

  private static final String ADMIN = "tenant-test-admin-token";
  private static final String ACME = "acme-tenant-admin-token";

  @TempDir static Path dir;
  private static FlagServer server;
  private static Chromium browser;
  private static Http admin;
  private static Path screenshots;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Path binary = ConsoleBrowserTest.chromiumOrSkip();
    screenshots = Path.of(System.getProperty("flags.server.screenshots", "target/screenshots"));
    Path tokens =
        Files.writeString(
            dir.resolve("tokens.json"),
            "[{\"name\": \"acme-ops\", \"role\": \"TENANT_ADMIN\", \"tenant\": \"acme\", \"token\":"
                + " \""
                + ACME
                + "\"}]");
    server =
        FlagServer.start(
            ServerOptions.defaults()
                .withPort(0)
                .withJdbcUrl("jdbc:sqlite:" + dir.resolve("flags.db"))
                .withTokens(tokens),
            Map.of(AdminToken.ENV_VARIABLE, ADMIN),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    admin = new Http(server.port(), ADMIN);
    base = "http://127.0.0.1:" + server.port() + "/";
    // production (the default, protected) is where tenants live.
    flag(
        "{\"key\": \"smart_inbox\", \"module\": \"inbox\", \"state\": \"TARGETED\", \"tags\":"
            + " [\"beta\"], \"tenantEditable\": true, \"description\": \"Sorts mail by urgency\"}");
    flag(
        "{\"key\": \"ai_core\", \"module\": \"ai\", \"state\": \"TARGETED\", \"description\":"
            + " \"The assistant engine\"}");
    flag(
        "{\"key\": \"inbox_ai\", \"module\": \"inbox\", \"state\": \"ON\", \"tags\":"
            + " [\"experimental\"], \"tenantEditable\": true, \"prerequisites\": [\"ai_core\"],"
            + " \"description\": \"Drafts replies\"}");
    flag(
        "{\"key\": \"bulk_export\", \"module\": \"reports\", \"state\": \"TARGETED\","
            + " \"tenantEditable\": true, \"description\": \"Export every report at once\"}");
    flag(
        "{\"key\": \"audit_trail\", \"module\": \"reports\", \"state\": \"ON\", \"description\":"
            + " \"Who did what\"}");
    assertThat(
            admin
                .put(
                    "/api/flags/bulk_export/overrides/acme",
                    "{\"enabled\": true, \"locked\": true, \"note\": \"contract\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            admin
                .put(
                    "/api/flags/smart_inbox/overrides/globex",
                    "{\"enabled\": true, \"note\": \"globex-private-note\", \"comment\":"
                        + " \"globex-private-reason\"}")
                .status())
        .isEqualTo(200);
    browser = Chromium.launch(binary);
  }

  private static void flag(String json) throws Exception {
    Http.Response r = admin.post("/api/flags", json);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
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

  /** Signs in as acme's tenant admin; tells the console the tenant if the server did not. */
  private static void signInAsAcme() throws Exception {
    browser.signIn(base, ACME);
    browser.waitFor(
        "!document.getElementById('view-mine').hidden"
            + " || !document.getElementById('tenant-step').hidden");
    if (browser.visible("#tenant-step")) {
      browser.type("#tenant-step-input", "acme");
      browser.click("#tenant-step button[type=submit]");
    }
    browser.waitFor("document.querySelector('#mine-list li[data-flag=smart_inbox]')");
  }

  @Test
  void tenantAdmin_inProduction_switchesItsOwnFeaturesAndSeesOnlyItsOwnTenant() throws Exception {
    signInAsAcme();

    assertThat(browser.text("#mine-title")).isEqualTo("Features for acme");
    assertThat(browser.visible("#nav")).as("operator navigation").isFalse();
    assertThat(browser.visible("#env-protected")).isTrue();
    JsonNode modules =
        browser.eval(
            "[...document.querySelectorAll('#mine-list .module-group')].map(g =>"
                + " g.dataset.module + ':' + [...g.querySelectorAll('li')].map(l =>"
                + " l.dataset.flag).join(','))");
    assertThat(modules.toString())
        .isEqualTo(
            "[\"ai:ai_core\",\"inbox:inbox_ai,smart_inbox\",\"reports:audit_trail,bulk_export\"]");
    assertThat(browser.text("#mine-list li[data-flag=smart_inbox]"))
        .contains("beta", "Sorts mail by urgency", "outside its target group");
    assertThat(browser.text("#mine-list li[data-flag=inbox_ai]")).contains("experimental");
    // A feature the operators did not make tenant-editable has no switch at all.
    assertThat(browser.visible("#mine-list li[data-flag=audit_trail] button[role=switch]"))
        .isFalse();
    assertThat(browser.text("#mine-list li[data-flag=audit_trail]")).contains("On for everyone");
    shot("20-tenant-admin-features");

    // Blocked by a prerequisite that is off for acme: disabled, and the reason names it.
    assertThat(browser.disabled("#mine-list li[data-flag=inbox_ai] button[role=switch]")).isTrue();
    assertThat(browser.text("#mine-list li[data-flag=inbox_ai] .blocked"))
        .isEqualTo("Cannot be switched: it needs ai_core, which is off for you.");
    // Locked by an admin: shown, and not switchable.
    assertThat(browser.disabled("#mine-list li[data-flag=bulk_export] button[role=switch]"))
        .isTrue();
    assertThat(browser.text("#mine-list li[data-flag=bulk_export]"))
        .contains("locked by admin", "only an admin can change it");

    // Search and the module filter narrow the list.
    browser.type("#mine-search", "urgency");
    browser.waitFor("document.querySelectorAll('#mine-list li.tenant-flag').length === 1");
    browser.type("#mine-search", "");
    browser.eval(
        "(() => { const s = document.getElementById('mine-module'); s.value = 'reports';"
            + " s.dispatchEvent(new Event('change')); })()");
    browser.waitFor("document.querySelectorAll('#mine-list li.tenant-flag').length === 2");
    browser.eval(
        "(() => { const s = document.getElementById('mine-module'); s.value = '';"
            + " s.dispatchEvent(new Event('change')); })()");
    browser.waitFor("document.querySelectorAll('#mine-list li.tenant-flag').length === 5");

    // Switch smart_inbox on, with a why, in protected production — from the keyboard.
    browser.eval(
        "document.querySelector('#mine-list li[data-flag=smart_inbox]"
            + " button[role=switch]').focus()");
    browser.press("Enter", 13);
    browser.waitFor("document.getElementById('confirm-dialog').open");
    assertThat(browser.text("#confirm-text")).isEqualTo("Turn on smart_inbox for acme?");
    browser.type("#confirm-comment", "our support team asked for it");
    shot("21-tenant-admin-why");
    browser.click("#confirm-ok");
    browser.waitFor(
        "document.querySelector('#mine-list li[data-flag=smart_inbox] button[role=switch]')"
            + ".getAttribute('aria-checked') === 'true'");
    assertThat(
            admin.get("/api/evaluate/smart_inbox?tenant=acme").json().path("enabled").asBoolean())
        .isTrue();

    // Switching off asks first; cancelling changes nothing.
    browser.click("#mine-list li[data-flag=smart_inbox] button[role=switch]");
    browser.waitFor("document.getElementById('confirm-dialog').open");
    assertThat(browser.text("#confirm-text")).startsWith("Turn off smart_inbox for acme?");
    browser.click("#confirm-dialog button[value=cancel]");
    browser.waitFor("!document.getElementById('confirm-dialog').open");
    assertThat(
            admin.get("/api/evaluate/smart_inbox?tenant=acme").json().path("enabled").asBoolean())
        .isTrue();

    // The tenant's own audit log shows the change and its why, and nothing of another tenant.
    browser.waitFor(
        "document.getElementById('mine-audit').textContent.includes('our support team asked')");
    browser.eval("document.getElementById('mine-audit-title').scrollIntoView({block: 'start'})");
    shot("22-tenant-admin-audit");
    String page = browser.eval("document.body.textContent").asText();
    assertThat(page).doesNotContain("globex");

    // The same token reaches no other tenant through the API either: 404, existence does not leak.
    Http acme = new Http(server.port(), ACME);
    assertThat(acme.get("/api/tenants/globex/flags").status()).isEqualTo(404);
    assertThat(acme.get("/api/audit?tenant=globex").status()).isIn(403, 404);
    assertThat(acme.get("/api/flags").status()).isEqualTo(403);
    assertThat(acme.put("/api/flags/smart_inbox/overrides/globex", "{\"enabled\": false}").status())
        .isEqualTo(404);

    assertThat(browser.exceptions).as("page exceptions").isEmpty();
    assertThat(browser.errors).as("console errors").isEmpty();
    assertThat(browser.dialogs).isEmpty();
  }

  @Test
  void tenantAdmin_atPhoneWidth_hasNoSidewaysScroll() throws Exception {
    try {
      browser.viewport(420, 860);
      signInAsAcme();
      assertThat(
              browser.eval("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
          .as("no horizontal scrolling at 420 px")
          .isTrue();
      shot("23-tenant-admin-420px");
    } finally {
      browser.viewport(1440, 1000);
    }
  }
}
