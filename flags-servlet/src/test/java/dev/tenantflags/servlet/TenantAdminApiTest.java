package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC revision 2 §6 for TENANT_ADMIN over real HTTP: its own tenant's override of a
 * tenantEditable, unlocked flag in the protected {@code production}; 409 naming an off
 * prerequisite; 404 for other tenants; environments and its own audit log.
 */
final class TenantAdminApiTest {

  private static final String PROD = "?env=production";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static ApiFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false);
    fx.server.servlet(fx.servlet().build(), "/api/*").start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  /** Creates a production flag as ADMIN and returns its key. */
  private static String prodFlag(String body) {
    String key = "ta_" + SEQ.incrementAndGet();
    ApiFixture.Response r =
        fx.call("ADMIN", "POST", "/flags" + PROD, "{\"key\":\"" + key + "\"" + body + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return key;
  }

  @Test
  void putOverride_tenantAdminOwnEditableFlagInProtectedEnv_200AndAudited() {
    String key = prodFlag(",\"state\":\"TARGETED\",\"tenantEditable\":true");

    ApiFixture.Response put =
        fx.call(
            "TA_ACME",
            "PUT",
            "/flags/" + key + "/overrides/acme" + PROD,
            "{\"enabled\":true,\"comment\":\"we want it\"}");

    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().path("updatedBy").asText()).isEqualTo("acme-admin");
    assertThat(put.json().path("updatedAt").isIntegralNumber()).isTrue();
    JsonNode eval =
        fx.call("TA_ACME", "GET", "/evaluate/" + key + "?env=production&tenant=acme", null).json();
    assertThat(eval.path("enabled").asBoolean()).isTrue();
    JsonNode audit = fx.call("TA_ACME", "GET", "/audit?env=production&tenant=acme", null).json();
    assertThat(audit.path("entries").get(0).path("action").asText()).isEqualTo("OVERRIDE_SET");
    assertThat(audit.path("entries").get(0).path("comment").asText()).isEqualTo("we want it");
    assertThat(audit.path("entries").get(0).path("at").isIntegralNumber()).isTrue();

    ApiFixture.Response cleared =
        fx.call("TA_ACME", "DELETE", "/flags/" + key + "/overrides/acme" + PROD, null);
    assertThat(cleared.status()).as(cleared.body()).isEqualTo(204);
  }

  @Test
  void putOverride_developerInProtectedEnv_403() {
    String key = prodFlag(",\"tenantEditable\":true");
    fx.call("DEVELOPER", "PUT", "/flags/" + key + "/overrides/acme" + PROD, "{\"enabled\":true}")
        .problem(403);
  }

  @Test
  void putOverride_tenantAdminLockedOrNotEditable_403AndNothingChanged() {
    String editable = prodFlag(",\"tenantEditable\":true");
    assertThat(
            fx.call(
                    "ADMIN",
                    "PUT",
                    "/flags/" + editable + "/overrides/acme" + PROD,
                    "{\"enabled\":false,\"locked\":true}")
                .status())
        .isEqualTo(200);
    String notEditable = prodFlag("");
    String unlocked = prodFlag(",\"tenantEditable\":true");
    String before = fx.storeState();

    JsonNode locked =
        fx.call(
                "TA_ACME",
                "PUT",
                "/flags/" + editable + "/overrides/acme" + PROD,
                "{\"enabled\":true}")
            .problem(403);
    fx.call("TA_ACME", "DELETE", "/flags/" + editable + "/overrides/acme" + PROD, null)
        .problem(403);
    fx.call(
            "TA_ACME",
            "PUT",
            "/flags/" + notEditable + "/overrides/acme" + PROD,
            "{\"enabled\":true}")
        .problem(403);
    JsonNode locking =
        fx.call(
                "TA_ACME",
                "PUT",
                "/flags/" + unlocked + "/overrides/acme" + PROD,
                "{\"enabled\":true,\"locked\":true}")
            .problem(403);

    assertThat(locked.path("field").asText()).isEqualTo("locked");
    assertThat(locking.path("field").asText()).isEqualTo("locked");
    assertThat(fx.storeState()).isEqualTo(before);
  }

  @Test
  void putOverride_tenantAdminPrerequisiteOff_409NamingIt() {
    String base = prodFlag(",\"state\":\"OFF\"");
    String child =
        prodFlag(",\"state\":\"ON\",\"tenantEditable\":true,\"prerequisites\":[\"" + base + "\"]");

    JsonNode p =
        fx.call(
                "TA_ACME",
                "PUT",
                "/flags/" + child + "/overrides/acme" + PROD,
                "{\"enabled\":true}")
            .problem(409);

    assertThat(p.path("prerequisite").asText()).isEqualTo(base);
    assertThat(p.path("detail").asText()).contains(base);
    assertThat(
            fx.call("VIEWER", "GET", "/flags/" + child + "/overrides" + PROD, null)
                .json()
                .path("overrides")
                .size())
        .isZero();
    assertThat(
            fx.call(
                    "TA_ACME",
                    "PUT",
                    "/flags/" + child + "/overrides/acme" + PROD,
                    "{\"enabled\":false}")
                .status())
        .as("switching off is always allowed")
        .isEqualTo(200);
  }

  @Test
  void overrides_tenantAdminOtherTenant_404Everywhere() {
    String key = prodFlag(",\"tenantEditable\":true");
    String path = "/flags/" + key + "/overrides/globex" + PROD;
    fx.call("TA_ACME", "PUT", path, "{\"enabled\":true}").problem(404);
    fx.call("TA_ACME", "DELETE", path, null).problem(404);
    fx.call("TA_ACME", "GET", path, null).problem(404);
    fx.call("TA_ACME", "GET", "/tenants/globex/flags" + PROD, null).problem(404);
    fx.call("TA_ACME", "GET", "/audit?env=production&tenant=globex", null).problem(404);
  }

  @Test
  void environments_tenantAdmin_namesAndProtected() {
    JsonNode body = fx.call("TA_ACME", "GET", "/environments", null).json();
    List<String> names = new ArrayList<>();
    body.path("environments")
        .forEach(
            e -> {
              names.add(e.path("name").asText());
              assertThat(e.has("protected")).isTrue();
            });
    assertThat(names).contains("production", ApiFixture.DEV_ENV);
  }

  @Test
  void audit_tenantAdmin_ownTenantOnlyAndNoOtherFilter() {
    String key = prodFlag(",\"tenantEditable\":true");
    fx.call("ADMIN", "PUT", "/flags/" + key + "/overrides/globex" + PROD, "{\"enabled\":true}");
    fx.call("TA_ACME", "PUT", "/flags/" + key + "/overrides/acme" + PROD, "{\"enabled\":true}");

    JsonNode own = fx.call("TA_ACME", "GET", "/audit?env=production&tenant=acme", null).json();

    assertThat(own.path("entries").size()).isGreaterThan(0);
    own.path("entries").forEach(e -> assertThat(e.path("tenantId").asText()).isEqualTo("acme"));
    fx.call("TA_ACME", "GET", "/audit?env=production", null).problem(403);
    fx.call("TA_ACME", "GET", "/audit?env=production&tenant=acme&flag=" + key, null).problem(403);
    fx.call("TA_ACME", "GET", "/audit?env=production&tenant=acme&actor=alice-admin", null)
        .problem(403);
  }
}
