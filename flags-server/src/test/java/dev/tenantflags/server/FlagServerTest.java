package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class FlagServerTest {

  private static final String TOKEN = "test-admin-token-0123456789";

  @TempDir Path dir;

  private ServerOptions options() {
    return ServerOptions.defaults()
        .withPort(0)
        .withJdbcUrl("jdbc:sqlite:" + dir.resolve("flags.db"));
  }

  private static FlagServer start(ServerOptions options) throws Exception {
    return FlagServer.start(
        options,
        Map.of(AdminToken.ENV_VARIABLE, TOKEN),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static List<String> names(JsonNode environments) {
    List<String> names = new ArrayList<>();
    for (JsonNode e : environments.isArray() ? environments : environments.path("environments")) {
      names.add(e.isTextual() ? e.asText() : e.path("name").asText());
    }
    return names;
  }

  @Test
  void run_bindIsNoAddress_exitsTwoWithAMessageAndKeepsNoTokenHash() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String db = dir.resolve("bind.db").toString();
    int code =
        FlagServer.run(
            new String[] {"--port", "0", "--bind", "999.1.1.1", "--jdbc-url", "jdbc:sqlite:" + db},
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bind 999.1.1.1");
    assertThat(dir.resolve("bind.db.admin-token.sha256")).doesNotExist();
  }

  @Test
  void start_emptyDatabase_isReadyAndCreatesTheThreeEnvironments() throws Exception {
    try (FlagServer server = start(options())) {
      Http anonymous = new Http(server.port(), null);
      Http admin = new Http(server.port(), TOKEN);

      Http.Response health = anonymous.get("/health");
      Http.Response environments = admin.get("/api/environments");

      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().toString()).isEqualTo("{\"status\":\"UP\"}");
      assertThat(environments.status()).isEqualTo(200);
      assertThat(names(environments.json())).contains("development", "staging", "production");
      for (JsonNode e :
          environments.json().isArray()
              ? environments.json()
              : environments.json().path("environments")) {
        assertThat(e.path("protected").asBoolean())
            .as(e.toString())
            .isEqualTo(e.path("name").asText().equals("production"));
      }
      assertThat(anonymous.get("/api/flags").status()).isEqualTo(401);
      assertThat(new Http(server.port(), "wrong-token").get("/api/flags").status()).isEqualTo(401);
      assertThat(anonymous.get("/").body()).contains("tenantflags console");
    }
  }

  @Test
  void api_createdFlags_evaluateAsExpectedAndSurviveARestart() throws Exception {
    String evaluate = "{\"tenant\": \"acme\", \"attributes\": {\"plan\": \"pro\"}}";
    String evaluateGlobex = "{\"tenant\": \"globex\", \"attributes\": {\"plan\": \"free\"}}";
    JsonNode acmeBefore;
    JsonNode globexBefore;
    try (FlagServer server = start(options())) {
      Http admin = new Http(server.port(), TOKEN);
      assertThat(
              admin
                  .post(
                      "/api/flags",
                      "{\"key\": \"dark_mode\", \"state\": \"ON\", \"module\": \"ui\"}")
                  .status())
          .isEqualTo(201);
      assertThat(
              admin
                  .post(
                      "/api/flags",
                      "{\"key\": \"pro_reports\", \"state\": \"TARGETED\", \"scope\": {\"plan\":"
                          + " [\"pro\"]}}")
                  .status())
          .isEqualTo(201);
      // SPEC §3 vectors: acme is in bucket 4519, globex in 6544 for this key.
      assertThat(
              admin
                  .post(
                      "/api/flags",
                      "{\"key\": \"new_billing_engine\", \"state\": \"ROLLOUT\","
                          + " \"rolloutPercent\": 50}")
                  .status())
          .isEqualTo(201);
      assertThat(admin.post("/api/flags", "{\"key\": \"kyc_tiers\", \"state\": \"OFF\"}").status())
          .isEqualTo(201);
      assertThat(
              admin
                  .put(
                      "/api/flags/dark_mode/overrides/globex",
                      "{\"enabled\": false, \"locked\": true}")
                  .status())
          .isIn(200, 201, 204);

      acmeBefore = admin.post("/api/evaluate", evaluate).json();
      globexBefore = admin.post("/api/evaluate", evaluateGlobex).json();

      assertThat(acmeBefore.path("dark_mode").asBoolean()).isTrue();
      assertThat(acmeBefore.path("pro_reports").asBoolean()).isTrue();
      assertThat(acmeBefore.path("new_billing_engine").asBoolean()).isTrue();
      assertThat(acmeBefore.path("kyc_tiers").asBoolean()).isFalse();
      assertThat(globexBefore.path("dark_mode").asBoolean()).isFalse();
      assertThat(globexBefore.path("pro_reports").asBoolean()).isFalse();
      assertThat(globexBefore.path("new_billing_engine").asBoolean()).isFalse();
    }

    try (FlagServer server = start(options())) {
      Http admin = new Http(server.port(), TOKEN);

      assertThat(admin.post("/api/evaluate", evaluate).json()).isEqualTo(acmeBefore);
      assertThat(admin.post("/api/evaluate", evaluateGlobex).json()).isEqualTo(globexBefore);
      Http.Response flag = admin.get("/api/flags/new_billing_engine");
      assertThat(flag.json().path("rolloutPercent").decimalValue()).isEqualByComparingTo("50");
      assertThat(flag.raw().headers().firstValue("ETag")).contains("\"1\"");
      JsonNode history = admin.get("/api/flags/dark_mode/history").json();
      assertThat(history.toString()).contains("FLAG_CREATED", "OVERRIDE_SET");
    }
  }

  @Test
  void seed_createsFlagsAndKeepsAnOperatorsEditAcrossRestarts() throws Exception {
    Path seed = dir.resolve("seed.json");
    Files.writeString(
        seed,
        """
        [{"key": "base_ui", "state": "ON", "description": "new navigation"},
         {"key": "fancy_charts", "state": "OFF", "prerequisites": ["base_ui"], "tags": ["beta"]}]
        """);
    ServerOptions options = options().withSeed(seed);
    try (FlagServer server = start(options)) {
      Http admin = new Http(server.port(), TOKEN);
      assertThat(admin.get("/api/flags/base_ui").json().path("state").asText()).isEqualTo("ON");
      JsonNode charts = admin.get("/api/flags/fancy_charts").json();
      assertThat(charts.path("prerequisites").get(0).asText()).isEqualTo("base_ui");
      // The operator turns the beta on for everybody.
      Http.Response edit =
          admin.patch(
              "/api/flags/fancy_charts",
              "{\"state\": \"ON\"}",
              "\"" + charts.path("version").asLong() + "\"");
      assertThat(edit.status()).isEqualTo(200);
    }

    // The seed file changes the description of base_ui, which nobody edited, and still says OFF for
    // fancy_charts.
    Files.writeString(
        seed,
        """
        [{"key": "base_ui", "state": "ON", "description": "the new navigation"},
         {"key": "fancy_charts", "state": "OFF", "prerequisites": ["base_ui"], "tags": ["beta"]}]
        """);
    try (FlagServer server = start(options)) {
      Http admin = new Http(server.port(), TOKEN);

      assertThat(admin.get("/api/flags/fancy_charts").json().path("state").asText())
          .isEqualTo("ON");
      assertThat(admin.get("/api/flags/base_ui").json().path("description").asText())
          .isEqualTo("the new navigation");
    }
  }

  @Test
  void start_invalidSeedFile_failsNamingTheOptionAndTheField() throws Exception {
    Path seed =
        Files.writeString(
            dir.resolve("seed.json"), "[{\"key\": \"ok_flag\", \"rolloutPercent\": 100.5}]");

    assertThatThrownBy(() -> start(options().withSeed(seed)))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--seed")
        .hasMessageContaining("rolloutPercent");
  }

  @Test
  void start_tokensFile_addsItsTokensWithTheirRoles() throws Exception {
    Path tokens =
        Files.writeString(
            dir.resolve("tokens.json"),
            """
            [{"name": "viewer-bot", "role": "VIEWER", "tenant": null, "token": "viewer-secret-token"},
             {"name": "ci", "role": "DEVELOPER", "tenant": null,
              "sha256": "%s"}]
            """
                .formatted(AdminToken.sha256("ci-secret-token")));
    try (FlagServer server = start(options().withTokens(tokens))) {
      Http viewer = new Http(server.port(), "viewer-secret-token");
      Http ci = new Http(server.port(), "ci-secret-token");

      assertThat(viewer.get("/api/flags").status()).isEqualTo(200);
      assertThat(viewer.post("/api/flags?env=development", "{\"key\": \"nope\"}").status())
          .isEqualTo(403);
      assertThat(ci.post("/api/flags?env=development", "{\"key\": \"from_ci\"}").status())
          .isEqualTo(201);
      // production is protected: a developer may not change it.
      assertThat(ci.post("/api/flags?env=production", "{\"key\": \"from_ci\"}").status())
          .isEqualTo(403);
    }
  }

  @Test
  void health_anonymous_showsTheStatusOnly_viewerSeesTheDetailInMilliseconds() throws Exception {
    Path tokens =
        Files.writeString(
            dir.resolve("tokens.json"),
            """
            [{"name": "viewer-bot", "role": "VIEWER", "token": "viewer-secret-token"},
             {"name": "app", "role": "EVALUATOR", "token": "evaluator-secret-token"}]
            """);
    long before = System.currentTimeMillis();
    try (FlagServer server = start(options().withTokens(tokens))) {
      JsonNode anonymous = new Http(server.port(), null).get("/health").json();
      JsonNode evaluator = new Http(server.port(), "evaluator-secret-token").get("/health").json();
      JsonNode wrongToken =
          new Http(server.port(), "not-a-known-token-at-all").get("/health").json();
      Http.Response viewer = new Http(server.port(), "viewer-secret-token").get("/health");

      assertThat(anonymous.toString()).isEqualTo("{\"status\":\"UP\"}");
      assertThat(evaluator).isEqualTo(anonymous);
      assertThat(wrongToken).isEqualTo(anonymous);
      assertThat(viewer.status()).isEqualTo(200);
      assertThat(viewer.json().path("status").asText()).isEqualTo("UP");
      assertThat(viewer.json().path("state").asText()).isEqualTo("READY");
      assertThat(viewer.json().path("dialect").asText()).isEqualTo("sqlite");
      assertThat(viewer.json().path("lastGoodRefresh").isIntegralNumber()).isTrue();
      assertThat(viewer.json().path("lastGoodRefresh").asLong())
          .isBetween(before - 1_000, System.currentTimeMillis());
    }
  }

  @Test
  void health_summary_mapsEveryClientState() {
    assertThat(HealthServlet.summary(dev.tenantflags.Status.State.READY)).isEqualTo("UP");
    assertThat(HealthServlet.summary(dev.tenantflags.Status.State.STALE)).isEqualTo("DEGRADED");
    assertThat(HealthServlet.summary(dev.tenantflags.Status.State.NOT_READY)).isEqualTo("DOWN");
    assertThat(HealthServlet.summary(dev.tenantflags.Status.State.ERROR)).isEqualTo("DOWN");
  }

  @Test
  void start_shortAdminTokenInTheEnvironment_isAUsageErrorNamingTheVariable() {
    ServerOptions options = options();

    assertThatThrownBy(
            () ->
                FlagServer.start(
                    options,
                    Map.of(AdminToken.ENV_VARIABLE, "short"),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "FLAGS_ADMIN_TOKEN must be 16 to 4096 characters without surrounding spaces (it has"
                + " 5)");
    assertThat(dir.resolve("flags.db")).doesNotExist();
  }

  @Test
  void start_portTaken_failsAndKeepsNoGeneratedTokenHash() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ServerOptions options = options().withPort(taken.getLocalPort());
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      assertThatThrownBy(
              () ->
                  FlagServer.start(
                      options, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)))
          .isInstanceOf(RuntimeException.class);
      assertThat(dir.resolve("flags.db.admin-token.sha256")).doesNotExist();
      assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("generated an admin token");
    }
    // The next start that succeeds generates the token, prints it, and keeps its hash.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FlagServer server =
        FlagServer.start(options(), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8))) {
      String printed = out.toString(StandardCharsets.UTF_8);
      String token =
          printed
              .lines()
              .map(String::trim)
              .filter(l -> l.matches("[A-Za-z0-9_-]{43}"))
              .findFirst()
              .orElseThrow();
      assertThat(Files.readString(dir.resolve("flags.db.admin-token.sha256")).trim())
          .isEqualTo(AdminToken.sha256(token));
      assertThat(new Http(server.port(), token).get("/api/flags").status()).isEqualTo(200);
    }
  }

  @Test
  void tokens_createdAtRunTime_signInSurviveARestartAndRevokeWithoutOne() throws Exception {
    String secret;
    try (FlagServer server = start(options())) {
      Http admin = new Http(server.port(), TOKEN);
      Http.Response created =
          admin.post(
              "/api/tokens",
              "{\"name\": \"viewer-bot\", \"role\": \"VIEWER\", \"comment\": \"dashboards\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      secret = created.json().path("token").asText();
      assertThat(new Http(server.port(), secret).get("/api/flags").status()).isEqualTo(200);
      assertThat(new Http(server.port(), secret).get("/health").json().path("state").asText())
          .isEqualTo("READY");
    }
    try (FlagServer server = start(options())) {
      Http admin = new Http(server.port(), TOKEN);
      Http viewer = new Http(server.port(), secret);
      assertThat(viewer.get("/api/flags").status()).isEqualTo(200);
      assertThat(admin.get("/api/tokens").body()).contains("viewer-bot").doesNotContain(secret);

      assertThat(admin.delete("/api/tokens/viewer-bot").status()).isEqualTo(204);

      assertThat(viewer.get("/api/flags").status()).isEqualTo(401);
      assertThat(admin.get("/api/audit?action=TOKEN_REVOKED").body()).contains("viewer-bot");
    }
  }

  @Test
  void audit_actionFilterAndADeletedEnvironment_answerAsDocumented() throws Exception {
    try (FlagServer server = start(options())) {
      Http admin = new Http(server.port(), TOKEN);
      assertThat(admin.post("/api/environments", "{\"name\": \"qa\"}").status()).isEqualTo(201);
      assertThat(admin.post("/api/flags?env=qa", "{\"key\": \"f1\"}").status()).isEqualTo(201);
      assertThat(admin.put("/api/flags/f1/overrides/acme?env=qa", "{\"enabled\": true}").status())
          .isEqualTo(200);
      assertThat(admin.put("/api/flags/f1/overrides/globex?env=qa", "{\"enabled\": true}").status())
          .isEqualTo(200);

      JsonNode overrides = admin.get("/api/audit?env=qa&action=OVERRIDE_SET&limit=1").json();
      assertThat(overrides.path("entries")).hasSize(1);
      assertThat(overrides.path("entries").get(0).path("tenantId").asText()).isEqualTo("globex");
      JsonNode rest =
          admin
              .get(
                  "/api/audit?env=qa&action=OVERRIDE_SET&limit=1&before="
                      + overrides.path("next").asText())
              .json();
      assertThat(rest.path("entries").get(0).path("tenantId").asText()).isEqualTo("acme");
      assertThat(rest.path("next").isNull()).isTrue();
      Http.Response bad = admin.get("/api/audit?action=NOPE");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.raw().headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(bad.json().path("field").asText()).isEqualTo("action");

      assertThat(admin.delete("/api/environments/qa?comment=done").status()).isEqualTo(204);
      JsonNode deleted = admin.get("/api/audit?env=qa").json();
      assertThat(deleted.toString())
          .contains("ENVIRONMENT_DELETED", "OVERRIDE_SET", "FLAG_CREATED");
      assertThat(admin.get("/api/flags?env=qa").status()).isEqualTo(404);
    }
  }

  @Test
  void api_everyError_isProblemJson_evenForAnEncodedDotSegment() throws Exception {
    try (FlagServer server = start(options())) {
      Http admin = new Http(server.port(), TOKEN);
      for (String path : List.of("/api/flags/%2e%2e", "/api/nope", "/api/flags/NOT-A-KEY")) {
        Http.Response r = admin.get(path);
        assertThat(r.status()).as(path).isBetween(400, 404);
        assertThat(r.raw().headers().firstValue("Content-Type"))
            .as(path)
            .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(r.json().path("status").asInt()).as(path).isEqualTo(r.status());
      }
    }
  }

  @Test
  void api_timestamps_areEpochMillisecondsFromEveryCall() throws Exception {
    try (FlagServer server = start(options())) {
      Http admin = new Http(server.port(), TOKEN);
      JsonNode created = admin.post("/api/flags", "{\"key\": \"ms_flag\"}").json();
      JsonNode patched = admin.patch("/api/flags/ms_flag", "{\"state\": \"ON\"}", "\"1\"").json();
      JsonNode read = admin.get("/api/flags/ms_flag").json();
      JsonNode override =
          admin.put("/api/flags/ms_flag/overrides/acme", "{\"enabled\": true}").json();
      JsonNode audit = admin.get("/api/audit?flag=ms_flag").json().path("entries").get(0);

      for (JsonNode at :
          List.of(
              created.path("updatedAt"),
              patched.path("updatedAt"),
              read.path("updatedAt"),
              override.path("updatedAt"),
              audit.path("at"))) {
        assertThat(at.isIntegralNumber()).as(at.toString()).isTrue();
        assertThat(at.asLong()).isBetween(1_600_000_000_000L, 4_000_000_000_000L);
      }
      assertThat(read.path("updatedAt")).isEqualTo(patched.path("updatedAt"));
    }
  }
}
