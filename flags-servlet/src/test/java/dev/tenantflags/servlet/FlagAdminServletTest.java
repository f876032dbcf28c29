package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin REST API's behaviour beyond roles: shapes, ETags, conflicts, audit paging, tenant
 * admins, CORS.
 */
final class FlagAdminServletTest {

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static ApiFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false);
    fx.server
        .servlet(fx.servlet().corsAllowedOrigins("https://console.example").build(), "/api/*")
        .servlet(fx.servlet().requireIfMatch(true).build(), "/strict/api/*")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static String key() {
    return "flag_" + SEQ.incrementAndGet();
  }

  @Test
  void createFlag_valid_201WithLocationEtagAndExportShape() {
    String key = key();
    ApiFixture.Response r =
        fx.call(
            "DEVELOPER",
            "POST",
            "/flags",
            "{\"key\":\""
                + key
                + "\",\"description\":\"new billing\",\"module\":\"fin\",\"state\":\"ROLLOUT\","
                + "\"rolloutPercent\":25.5,\"scope\":{\"plan\":[\"pro\",\"enterprise\"]},\"tags\":[\"beta\"],\"comment\":\"ticket"
                + " FIN-1\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("Location")).isEqualTo("/api/flags/" + key);
    assertThat(r.header("ETag")).isEqualTo("\"1\"");
    JsonNode f = r.json();
    assertThat(f.path("rolloutPercent").isNumber()).isTrue();
    assertThat(f.path("rolloutPercent").decimalValue()).isEqualByComparingTo("25.5");
    assertThat(f.path("scope").path("plan").isArray()).isTrue();
    assertThat(f.path("scope").path("plan").toString()).isEqualTo("[\"enterprise\",\"pro\"]");
    assertThat(f.path("updatedBy").asText()).isEqualTo(ApiFixture.NAMES.get("DEVELOPER"));
    List<String> fields = new ArrayList<>();
    f.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "key",
            "description",
            "module",
            "state",
            "rolloutPercent",
            "rolloutSalt",
            "scope",
            "prerequisites",
            "tenantEditable",
            "tags",
            "archived",
            "version",
            "updatedAt",
            "updatedBy",
            "lastEvaluatedAt",
            "stale");
    assertThat(f.path("updatedAt").isIntegralNumber()).as("epoch milliseconds").isTrue();

    ApiFixture.Response get =
        fx.call("VIEWER", "GET", r.header("Location").substring("/api".length()), null);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.header("ETag")).isEqualTo("\"1\"");
    AuditEntry created =
        fx.store.audit(new AuditQuery(ApiFixture.DEV_ENV, key, null, null, null, 5)).get(0);
    assertThat(created.action()).isEqualTo(AuditAction.FLAG_CREATED);
    assertThat(created.comment()).isEqualTo("ticket FIN-1");
  }

  @Test
  void createFlag_existingKey_409() {
    String key = key();
    fx.admin().create(Flag.of(key), null);
    fx.call("ADMIN", "POST", "/flags", "{\"key\":\"" + key + "\"}").problem(409);
  }

  @Test
  void patchFlag_sameIfMatchTwiceConcurrently_one200One412AndOneAuditEntry() throws Exception {
    String key = key();
    fx.admin().create(Flag.of(key), null);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (String state : List.of("ON", "TARGETED")) {
      HttpRequest request =
          HttpRequest.newBuilder(fx.server.uri("/api/flags/" + key))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("DEVELOPER"))
              .header("Content-Type", "application/json")
              .header("If-Match", "\"1\"")
              .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"state\":\"" + state + "\"}"))
              .build();
      calls.add(fx.server.client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> r = call.get();
      statuses.add(r.statusCode());
      if (r.statusCode() == 412) {
        assertThat(r.headers().firstValue("Content-Type").orElse(""))
            .startsWith("application/problem+json");
      }
    }
    assertThat(statuses).containsExactlyInAnyOrder(200, 412);
    List<AuditEntry> updates =
        fx.store.audit(new AuditQuery(ApiFixture.DEV_ENV, key, null, null, null, 10));
    assertThat(updates)
        .extracting(AuditEntry::action)
        .containsExactly(AuditAction.FLAG_UPDATED, AuditAction.FLAG_CREATED);
    assertThat(fx.admin().flag(key).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void patchFlag_staleIfMatch_412AndNothingChanged() {
    String key = key();
    fx.admin().create(Flag.of(key), null);
    fx.admin().update(key, 1, f -> f.withDescription("v2"), null);
    JsonNode p =
        fx.call("DEVELOPER", "PATCH", "/flags/" + key, "{\"state\":\"ON\"}", "If-Match", "\"1\"")
            .problem(412);
    assertThat(p.path("field").asText()).isEqualTo("If-Match");
    assertThat(fx.admin().flag(key).orElseThrow().state()).isEqualTo(FlagState.OFF);
    ApiFixture.Response ok =
        fx.call("DEVELOPER", "PATCH", "/flags/" + key, "{\"state\":\"ON\"}", "If-Match", "\"2\"");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("ETag")).isEqualTo("\"3\"");
  }

  @Test
  void patchFlag_ifMatchRequiredAndMissing_428() {
    String key = key();
    fx.admin().create(Flag.of(key), null);
    ApiFixture.Response r =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/strict/api/flags/" + key))
                .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("DEVELOPER"))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"state\":\"ON\"}"))
                .build());
    assertThat(r.problem(428).path("field").asText()).isEqualTo("If-Match");
    assertThat(fx.admin().flag(key).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void killFlag_withComment_offAndAudited() {
    String key = key();
    fx.admin().create(Flag.of(key).withState(FlagState.ON), null);
    ApiFixture.Response r =
        fx.call("DEVELOPER", "POST", "/flags/" + key + "/kill?comment=incident%2042", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("state").asText()).isEqualTo("OFF");
    AuditEntry e =
        fx.store.audit(new AuditQuery(ApiFixture.DEV_ENV, key, null, null, null, 1)).get(0);
    assertThat(e.action()).isEqualTo(AuditAction.FLAG_KILLED);
    assertThat(e.comment()).isEqualTo("incident 42");
    assertThat(e.actor()).isEqualTo(ApiFixture.NAMES.get("DEVELOPER"));
  }

  @Test
  void tenantAdmin_enablingFlagWhosePrerequisiteIsOff_409NamingPrerequisite() {
    String pre = key();
    String key = key();
    fx.admin().create(Flag.of(pre).withState(FlagState.TARGETED), null);
    fx.admin()
        .create(
            Flag.of(key)
                .withState(FlagState.ON)
                .withTenantEditable(true)
                .withPrerequisites(List.of(pre)),
            null);
    JsonNode p =
        fx.call("TA_ACME", "PUT", "/flags/" + key + "/overrides/acme", "{\"enabled\":true}")
            .problem(409);
    assertThat(p.path("prerequisite").asText()).isEqualTo(pre);
    assertThat(p.path("detail").asText()).contains(pre);
    assertThat(fx.admin().overrides(key)).isEmpty();

    fx.admin().setOverride(pre, "acme", true, false, null, null);
    assertThat(
            fx.call("TA_ACME", "PUT", "/flags/" + key + "/overrides/acme", "{\"enabled\":true}")
                .status())
        .isEqualTo(200);
    assertThat(
            fx.call("EVALUATOR", "GET", "/evaluate/" + key + "?tenant=acme", null)
                .json()
                .path("enabled")
                .asBoolean())
        .isTrue();
  }

  @Test
  void lockedOverride_tenantAdminAndDeveloperCannotChange_adminCan() {
    String key = key();
    fx.admin().create(Flag.of(key).withState(FlagState.ON).withTenantEditable(true), null);
    fx.admin().setOverride(key, "acme", false, true, "contract says no", null);
    fx.call("TA_ACME", "PUT", "/flags/" + key + "/overrides/acme", "{\"enabled\":true}")
        .problem(403);
    fx.call("TA_ACME", "DELETE", "/flags/" + key + "/overrides/acme", null).problem(403);
    fx.call("DEVELOPER", "PUT", "/flags/" + key + "/overrides/acme", "{\"enabled\":true}")
        .problem(403);
    fx.call("DEVELOPER", "DELETE", "/flags/" + key + "/overrides/acme", null).problem(403);
    assertThat(fx.admin().overrides(key))
        .singleElement()
        .satisfies(o -> assertThat(o.enabled()).isFalse());
    assertThat(
            fx.call(
                    "ADMIN",
                    "PUT",
                    "/flags/" + key + "/overrides/acme",
                    "{\"enabled\":true,\"locked\":false}")
                .status())
        .isEqualTo(200);
  }

  @Test
  void tenantAdmin_cannotLockOrEditNonEditableFlag_andSeesOwnOverrideOnly() {
    String key = key();
    String fixed = key();
    fx.admin().create(Flag.of(key).withTenantEditable(true), null);
    fx.admin().create(Flag.of(fixed), null);
    fx.admin().setOverride(key, "globex", true, false, null, null);
    fx.call(
            "TA_ACME",
            "PUT",
            "/flags/" + key + "/overrides/acme",
            "{\"enabled\":true,\"locked\":true}")
        .problem(403);
    fx.call("TA_ACME", "PUT", "/flags/" + fixed + "/overrides/acme", "{\"enabled\":true}")
        .problem(403);
    fx.call("TA_ACME", "GET", "/flags/" + key + "/overrides/globex", null).problem(404);
    assertThat(
            fx.call(
                    "TA_ACME",
                    "PUT",
                    "/flags/" + key + "/overrides/acme",
                    "{\"enabled\":true,\"note\":\"opt in\"}")
                .status())
        .isEqualTo(200);
    JsonNode list = fx.call("TA_ACME", "GET", "/flags/" + key + "/overrides", null).json();
    assertThat(list.path("overrides")).hasSize(1);
    assertThat(list.path("overrides").get(0).path("tenantId").asText()).isEqualTo("acme");
    assertThat(
            fx.call("VIEWER", "GET", "/flags/" + key + "/overrides", null).json().path("overrides"))
        .hasSize(2);
  }

  @Test
  void tenantFlags_showsEffectiveValueReasonOverriddenLocked() {
    String key = key();
    fx.admin().create(Flag.of(key).withState(FlagState.ON), null);
    fx.admin().setOverride(key, "acme", false, true, null, null);
    JsonNode body = fx.call("TA_ACME", "GET", "/tenants/acme/flags", null).json();
    JsonNode mine = null;
    for (JsonNode f : body.path("flags")) {
      if (f.path("key").asText().equals(key)) {
        mine = f;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.path("enabled").asBoolean()).isFalse();
    assertThat(mine.path("reason").asText()).isEqualTo("OVERRIDE");
    assertThat(mine.path("overridden").asBoolean()).isTrue();
    assertThat(mine.path("locked").asBoolean()).isTrue();
  }

  @Test
  void evaluate_manyAndOne_matchClient() {
    String on = key();
    String targeted = key();
    fx.admin().create(Flag.of(on).withState(FlagState.ON), null);
    fx.admin()
        .create(
            Flag.of(targeted)
                .withState(FlagState.TARGETED)
                .withScope(dev.tenantflags.Scope.of("plan", "pro")),
            null);
    JsonNode many =
        fx.call(
                "EVALUATOR",
                "POST",
                "/evaluate",
                "{\"tenant\":\"initech\",\"attributes\":{\"plan\":\"pro\"},\"flags\":[\""
                    + on
                    + "\",\""
                    + targeted
                    + "\",\"no_such_flag\"]}")
            .json();
    assertThat(many.path(on).asBoolean()).isTrue();
    assertThat(many.path(targeted).asBoolean()).isTrue();
    assertThat(many.path("no_such_flag").isBoolean()).isTrue();
    assertThat(many.path("no_such_flag").asBoolean()).isFalse();
    JsonNode one =
        fx.call("EVALUATOR", "GET", "/evaluate/" + targeted + "?tenant=initech&plan=free", null)
            .json();
    assertThat(one.path("key").asText()).isEqualTo(targeted);
    assertThat(one.path("enabled").asBoolean()).isFalse();
    assertThat(one.path("reason").asText()).isEqualTo("NO_MATCH");
    JsonNode all = fx.call("EVALUATOR", "POST", "/evaluate", "{\"tenant\":\"initech\"}").json();
    assertThat(all.path(on).asBoolean()).isTrue();
  }

  @Test
  void audit_paged_nextCursorWalksAllEntries() {
    String key = key();
    fx.admin().create(Flag.of(key), null);
    for (int i = 0; i < 4; i++) {
      fx.call(
          "DEVELOPER",
          "PUT",
          "/flags/" + key + "/overrides/pager",
          "{\"enabled\":" + (i % 2 == 0) + "}");
    }
    List<Long> ids = new ArrayList<>();
    String before = null;
    int pages = 0;
    do {
      JsonNode page =
          fx.call(
                  "VIEWER",
                  "GET",
                  "/audit?limit=3&tenant=pager&actor=dana-dev"
                      + (before == null ? "" : "&before=" + before),
                  null)
              .json();
      page.path("entries").forEach(e -> ids.add(e.path("id").asLong()));
      before = page.path("next").isNull() ? null : page.path("next").asText();
      pages++;
    } while (before != null && pages < 10);
    assertThat(pages).isEqualTo(2);
    assertThat(ids).hasSize(4).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    JsonNode history = fx.call("VIEWER", "GET", "/flags/" + key + "/history?limit=2", null).json();
    assertThat(history.path("entries")).hasSize(2);
    assertThat(history.path("entries").get(0).path("after").path("tenantId").asText())
        .isEqualTo("pager");
  }

  @Test
  void environments_createListSelectDelete() {
    String env = "env-" + SEQ.incrementAndGet();
    ApiFixture.Response created =
        fx.call("ADMIN", "POST", "/environments", "{\"name\":\"" + env + "\",\"comment\":\"qa\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("protected").asBoolean()).isFalse();
    JsonNode list = fx.call("VIEWER", "GET", "/environments", null).json();
    assertThat(list.path("default").asText()).isEqualTo(ApiFixture.DEV_ENV);
    assertThat(list.path("environments").toString()).contains(env, "production");
    assertThat(
            fx.call("DEVELOPER", "POST", "/flags?env=" + env, "{\"key\":\"only_here\"}").status())
        .isEqualTo(201);
    assertThat(
            fx.call("EVALUATOR", "GET", "/evaluate/only_here?tenant=acme&env=" + env, null)
                .json()
                .path("reason")
                .asText())
        .isEqualTo("OFF");
    assertThat(fx.call("VIEWER", "GET", "/flags/only_here", null).status()).isEqualTo(404);
    assertThat(fx.call("ADMIN", "DELETE", "/environments/" + env, null).status()).isEqualTo(204);
    fx.call("VIEWER", "GET", "/flags?env=" + env, null).problem(404);
    fx.call("ADMIN", "POST", "/environments", "{\"name\":\"production\"}").problem(409);
    // The server's own environment cannot be deleted: it is what the application evaluates.
    assertThat(
            fx.call("ADMIN", "DELETE", "/environments/" + ApiFixture.DEV_ENV, null)
                .problem(409)
                .path("detail")
                .asText())
        .contains("default environment");
    assertThat(fx.call("VIEWER", "GET", "/environments", null).json().toString())
        .contains(ApiFixture.DEV_ENV);
  }

  @Test
  void status_reportsClientState() {
    JsonNode s = fx.call("VIEWER", "GET", "/status", null).json();
    assertThat(s.path("state").asText()).isEqualTo("READY");
    assertThat(s.path("environment").asText()).isEqualTo(ApiFixture.DEV_ENV);
    assertThat(s.path("lastGoodRefresh").asLong()).isGreaterThan(1_600_000_000_000L);
    assertThat(s.path("changeVersion").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(s.path("unreadable").isArray()).isTrue();
    assertThat(s.path("overrides").path("mode").asText()).isEqualTo("all-in-memory");
  }

  @Test
  void unknownRouteAndMethod_404And405ProblemJson() {
    fx.call("VIEWER", "GET", "/nope", null).problem(404);
    ApiFixture.Response r = fx.call("ADMIN", "PUT", "/flags", "{}");
    r.problem(405);
    assertThat(r.header("Allow")).isEqualTo("GET, POST");
    fx.call("VIEWER", "GET", "/flags/no_such_flag", null).problem(404);
  }

  @Test
  void cors_onlyForConfiguredOrigin() {
    ApiFixture.Response allowed =
        fx.call("VIEWER", "GET", "/status", null, "Origin", "https://console.example");
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://console.example");
    ApiFixture.Response other =
        fx.call("VIEWER", "GET", "/status", null, "Origin", "https://evil.example");
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    ApiFixture.Response preflight =
        fx.call(
            "NONE",
            "OPTIONS",
            "/flags",
            null,
            "Origin",
            "https://console.example",
            "Access-Control-Request-Method",
            "PATCH");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Headers"))
        .contains("Authorization", "If-Match");
    ApiFixture.Response strict =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/strict/api/status"))
                .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("VIEWER"))
                .header("Origin", "https://console.example")
                .GET()
                .build());
    assertThat(strict.header("Access-Control-Allow-Origin"))
        .as("CORS is off unless configured")
        .isNull();
  }

  @Test
  void archiveAndRestore_adminOnly_archivedHiddenFromDefaultList() {
    String key = key();
    fx.admin().create(Flag.of(key).withModule("str"), null);
    assertThat(
            fx.call("ADMIN", "DELETE", "/flags/" + key + "?comment=gone", null)
                .json()
                .path("archived")
                .asBoolean())
        .isTrue();
    assertThat(fx.call("VIEWER", "GET", "/flags?module=str", null).json().path("flags").toString())
        .doesNotContain(key);
    assertThat(
            fx.call("VIEWER", "GET", "/flags?module=str&archived=true", null)
                .json()
                .path("flags")
                .toString())
        .contains(key);
    assertThat(
            fx.call("ADMIN", "POST", "/flags/" + key + "/restore", "{\"comment\":\"back\"}")
                .json()
                .path("archived")
                .asBoolean())
        .isFalse();
    assertThat(
            fx.store
                .audit(new AuditQuery(ApiFixture.DEV_ENV, key, null, null, null, 1))
                .get(0)
                .comment())
        .isEqualTo("back");
  }
}
