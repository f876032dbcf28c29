package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input: each a 4xx problem+json naming the field where there is one, storing nothing, never a
 * 500.
 */
final class BadInputTest {

  private static ApiFixture fx;

  /** The same API behind Jetty's default (strict) URI compliance. */
  private static TestServer strict;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false);
    fx.server.servlet(fx.servlet().build(), "/api/*").start();
    strict = new TestServer(true).servlet(fx.servlet().build(), "/api/*").start();
    fx.admin().create(Flag.of("existing").withTenantEditable(true), null);
    fx.admin().create(Flag.of("chain_a"), null);
    fx.admin().create(Flag.of("chain_b").withPrerequisites(List.of("chain_a")), null);
  }

  @AfterAll
  static void stop() throws Exception {
    strict.close();
    fx.close();
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "POST", "/flags", "{\"key\": \"x1\",", 400, null),
        Arguments.of("trailing garbage", "POST", "/flags", "{\"key\": \"x1\"} {}", 400, null),
        Arguments.of("not an object", "POST", "/flags", "[\"x1\"]", 400, null),
        Arguments.of("empty body", "POST", "/flags", "", 400, null),
        Arguments.of(
            "duplicate field", "POST", "/flags", "{\"key\":\"x1\",\"key\":\"x2\"}", 400, null),
        Arguments.of(
            "state wrong type", "POST", "/flags", "{\"key\":\"x1\",\"state\":5}", 400, "state"),
        Arguments.of(
            "state unknown",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"state\":\"MAYBE\"}",
            400,
            "state"),
        Arguments.of(
            "boolean as string",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"tenantEditable\":\"yes\"}",
            400,
            "tenantEditable"),
        Arguments.of(
            "percent as string",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"rolloutPercent\":\"50\"}",
            400,
            "rolloutPercent"),
        Arguments.of(
            "scope not object of arrays",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"scope\":{\"plan\":\"pro\"}}",
            400,
            "scope"),
        Arguments.of(
            "tags wrong type", "POST", "/flags", "{\"key\":\"x1\",\"tags\":[1,2]}", 400, "tags"),
        Arguments.of(
            "unknown field",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"colour\":\"red\"}",
            400,
            "colour"),
        Arguments.of(
            "class-naming field",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"@class\":\"java.lang.Runtime\"}",
            400,
            "@class"),
        Arguments.of(
            "read-only version",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"version\":7}",
            400,
            "version"),
        Arguments.of("invalid key", "POST", "/flags", "{\"key\":\"Bad Key\"}", 400, "key"),
        Arguments.of(
            "sql in key", "POST", "/flags", "{\"key\":\"x'; DROP TABLE flags; --\"}", 400, "key"),
        Arguments.of("missing key", "POST", "/flags", "{\"description\":\"no key\"}", 400, "key"),
        Arguments.of(
            "percent 100.001",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"rolloutPercent\":100.001}",
            400,
            "rolloutPercent"),
        Arguments.of(
            "percent -1",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"rolloutPercent\":-1}",
            400,
            "rolloutPercent"),
        Arguments.of(
            "percent three decimals",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"rolloutPercent\":33.333}",
            400,
            "rolloutPercent"),
        Arguments.of(
            "percent huge exponent",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"rolloutPercent\":1e400}",
            400,
            "rolloutPercent"),
        Arguments.of(
            "unknown prerequisite",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"prerequisites\":[\"ghost\"]}",
            400,
            "prerequisites"),
        Arguments.of(
            "self prerequisite",
            "PATCH",
            "/flags/existing",
            "{\"prerequisites\":[\"existing\"]}",
            400,
            "prerequisites"),
        Arguments.of(
            "cycle",
            "PATCH",
            "/flags/chain_a",
            "{\"prerequisites\":[\"chain_b\"]}",
            400,
            "prerequisites"),
        Arguments.of("key change", "PATCH", "/flags/existing", "{\"key\":\"other\"}", 400, "key"),
        Arguments.of(
            "archived via patch",
            "PATCH",
            "/flags/existing",
            "{\"archived\":true}",
            400,
            "archived"),
        Arguments.of(
            "description too long",
            "PATCH",
            "/flags/existing",
            "{\"description\":\"" + "d".repeat(1001) + "\"}",
            400,
            "description"),
        Arguments.of(
            "comment too long",
            "PATCH",
            "/flags/existing",
            "{\"state\":\"ON\",\"comment\":\"" + "c".repeat(1001) + "\"}",
            400,
            "comment"),
        Arguments.of(
            "bad If-Match", "PATCH", "/flags/existing", "{\"state\":\"ON\"}", 400, "If-Match"),
        Arguments.of(
            "override without enabled",
            "PUT",
            "/flags/existing/overrides/acme",
            "{\"locked\":false}",
            400,
            "enabled"),
        Arguments.of(
            "override enabled as string",
            "PUT",
            "/flags/existing/overrides/acme",
            "{\"enabled\":\"true\"}",
            400,
            "enabled"),
        Arguments.of(
            "override unknown field",
            "PUT",
            "/flags/existing/overrides/acme",
            "{\"enabled\":true,\"tenant\":\"x\"}",
            400,
            "tenant"),
        Arguments.of(
            "override of missing flag",
            "PUT",
            "/flags/ghost/overrides/acme",
            "{\"enabled\":true}",
            404,
            null),
        Arguments.of(
            "evaluate without tenant",
            "POST",
            "/evaluate",
            "{\"flags\":[\"existing\"]}",
            400,
            "tenant"),
        Arguments.of(
            "evaluate attribute not string",
            "POST",
            "/evaluate",
            "{\"tenant\":\"acme\",\"attributes\":{\"plan\":1}}",
            400,
            "attributes"),
        Arguments.of(
            "evaluate reserved attribute",
            "POST",
            "/evaluate",
            "{\"tenant\":\"acme\",\"attributes\":{\"tenant\":\"x\"}}",
            400,
            "attributes"),
        Arguments.of(
            "environment bad name",
            "POST",
            "/environments",
            "{\"name\":\"Prod!\"}",
            400,
            "environment"),
        Arguments.of(
            "deeply nested",
            "POST",
            "/flags",
            "{\"key\":\"x1\",\"scope\":" + "[".repeat(200) + "]".repeat(200) + "}",
            400,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badBody_4xxProblemNamingField_storesNothing(
      String label, String method, String path, String body, int status, String field) {
    String before = fx.storeState();
    String[] headers =
        label.equals("bad If-Match") ? new String[] {"If-Match", "version 1"} : new String[0];
    JsonNode p = fx.call("ADMIN", method, path, body, headers).problem(status);
    if (field != null) {
      assertThat(p.path("field").asText()).as(p.toString()).isEqualTo(field);
    }
    assertThat(fx.storeState()).isEqualTo(before);
  }

  @Test
  void body_oneMebibyteWithContentLength_413() {
    String before = fx.storeState();
    String big = "{\"key\":\"x1\",\"description\":\"" + "a".repeat(1024 * 1024) + "\"}";
    fx.call("ADMIN", "POST", "/flags", big).problem(413);
    assertThat(fx.storeState()).isEqualTo(before);
  }

  @Test
  void body_oneMebibyteChunked_413WhileReading() {
    String before = fx.storeState();
    byte[] big =
        ("{\"key\":\"x1\",\"description\":\"" + "a".repeat(1024 * 1024) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(fx.server.uri("/api/flags"))
            .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("ADMIN"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(big)))
            .build();
    fx.send(request).problem(413);
    assertThat(fx.storeState()).isEqualTo(before);
  }

  @Test
  void body_wrongContentType_415() {
    String before = fx.storeState();
    HttpRequest request =
        HttpRequest.newBuilder(fx.server.uri("/api/flags"))
            .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("ADMIN"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("key=x1"))
            .build();
    fx.send(request).problem(415);
    assertThat(fx.storeState()).isEqualTo(before);
  }

  static Stream<Arguments> badPaths() {
    return Stream.of(
        Arguments.of("GET", "/api/flags/a%2Fb"),
        Arguments.of("PUT", "/api/flags/existing/overrides/acme%2F..%2Fglobex"),
        Arguments.of("PUT", "/api/flags/existing/overrides/%2E%2E"),
        Arguments.of("GET", "/api/flags/../environments"),
        Arguments.of("DELETE", "/api/flags/existing/overrides/../../chain_a"),
        Arguments.of("GET", "/api/tenants/acme%2Fx/flags"),
        Arguments.of("GET", "/api/flags/BAD%20KEY"),
        Arguments.of("GET", "/api/flags/a;b"),
        Arguments.of("GET", "/api/audit?limit=-1"),
        Arguments.of("GET", "/api/audit?limit=abc"),
        Arguments.of("GET", "/api/audit?before=0"),
        Arguments.of("GET", "/api/flags?archived=maybe"),
        Arguments.of("GET", "/api/flags?env=Prod%21"),
        Arguments.of("GET", "/api/evaluate/existing"),
        Arguments.of("GET", "/api/flags?env=nowhere"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badPaths")
  void badPath_4xxProblemJson_storesNothing(String method, String path) {
    String before = fx.storeState();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(fx.server.uri("").toString() + path))
            .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("ADMIN"))
            .header("Content-Type", "application/json")
            .method(
                method,
                HttpRequest.BodyPublishers.ofString(
                    method.equals("PUT") ? "{\"enabled\":true}" : ""))
            .build();
    ApiFixture.Response r = fx.send(request);
    assertThat(r.status()).as(r.body()).isBetween(400, 499);
    r.problem(r.status());
    assertThat(fx.storeState()).isEqualTo(before);
  }

  @Test
  void encodedSlash_jettyDefaultCompliance_rejectsBeforeTheServletWith400() {
    String before = fx.storeState();
    HttpRequest request =
        HttpRequest.newBuilder(strict.uri("/api/flags/existing/overrides/acme%2Fglobex"))
            .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("ADMIN"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true}"))
            .build();
    ApiFixture.Response r = fx.send(request);
    // Jetty answers itself (its own error body, not problem+json): a 4xx all the same.
    assertThat(r.status()).isEqualTo(400);
    assertThat(fx.storeState()).isEqualTo(before);
  }

  @Test
  void invalidUtf8InPath_jettyRejectsBeforeTheServletWith400() {
    HttpRequest request =
        HttpRequest.newBuilder(fx.server.uri("/api/flags/%E0%A4"))
            .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("ADMIN"))
            .GET()
            .build();
    assertThat(fx.send(request).status()).isEqualTo(400);
  }

  @Test
  void sqlLookingStrings_validWhereAllowed_storedVerbatim() {
    String sql = "'; DROP TABLE flags; -- \\\" OR 1=1";
    String jsonSql = sql.replace("\\", "\\\\").replace("\"", "\\\"");
    ApiFixture.Response created =
        fx.call(
            "DEVELOPER",
            "POST",
            "/flags",
            "{\"key\":\"sql_text\",\"description\":\""
                + jsonSql
                + "\",\"module\":\""
                + jsonSql
                + "\",\"tags\":[\""
                + jsonSql
                + "\"],\"scope\":{\"plan\":[\""
                + jsonSql
                + "\"]},\"state\":\"TARGETED\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String tenant = "acme' OR '1'='1";
    String encoded = java.net.URLEncoder.encode(tenant, StandardCharsets.UTF_8).replace("+", "%20");
    assertThat(
            fx.call(
                    "DEVELOPER",
                    "PUT",
                    "/flags/sql_text/overrides/" + encoded,
                    "{\"enabled\":true,\"note\":\"" + jsonSql + "\"}")
                .status())
        .isEqualTo(200);

    Flag stored = fx.admin().flag("sql_text").orElseThrow();
    assertThat(stored.description()).isEqualTo(sql);
    assertThat(stored.module()).isEqualTo(sql);
    assertThat(stored.tags()).containsExactly(sql);
    assertThat(stored.scope().axes().get("plan")).containsExactly(sql);
    assertThat(fx.admin().overrides("sql_text"))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.tenantId()).isEqualTo(tenant);
              assertThat(o.note()).isEqualTo(sql);
            });
    JsonNode eval =
        fx.call("EVALUATOR", "GET", "/evaluate/sql_text?tenant=" + encoded, null).json();
    assertThat(eval.path("reason").asText()).isEqualTo("OVERRIDE");
    assertThat(fx.admin().flag("sql_text").orElseThrow().state()).isEqualTo(FlagState.TARGETED);
  }
}
