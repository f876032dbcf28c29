package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile-input corpus against the HTTP API (issue 10): each request answered with a 4xx
 * problem+json naming the field and quoting at most 64 characters of a value, within a generous
 * bound (it proves nothing expanded or looped, not speed), storing nothing, never a 5xx.
 */
final class HostileInputTest {

  /** Generous on a loaded machine; the hostile cases used to take seconds to minutes or OOM. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  private static ApiFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false);
    fx.server.servlet(fx.servlet().build(), "/api/*").start();
    fx.admin().create(Flag.of("target").withState(FlagState.ON).withTenantEditable(true), null);
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static String repeat(String s, int n) {
    return s.repeat(n);
  }

  private static String values(int n) {
    List<String> v = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      v.add("\"" + Integer.toString(i, 36) + "\"");
    }
    return "[" + String.join(",", v) + "]";
  }

  private static String attributes(int n) {
    List<String> v = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      v.add("\"a" + i + "\":\"v\"");
    }
    return "{" + String.join(",", v) + "}";
  }

  static Stream<Arguments> corpus() {
    String emoji = repeat("\uD83D\uDE00", 2000);
    return Stream.of(
        Arguments.of(
            "huge exponent",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"rolloutPercent\":1e999999999}",
            "rolloutPercent"),
        Arguments.of(
            "huge negative exponent",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"rolloutPercent\":1e-999999999}",
            "rolloutPercent"),
        Arguments.of(
            "huge exponent on patch",
            "PATCH",
            "/flags/target",
            "{\"rolloutPercent\":9.9E+2147483647}",
            "rolloutPercent"),
        Arguments.of(
            "negative zero exponent trick",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"rolloutPercent\":-0.0000001}",
            "rolloutPercent"),
        Arguments.of(
            "huge integer",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"rolloutPercent\":" + repeat("9", 90) + "}",
            "rolloutPercent"),
        Arguments.of(
            "number longer than the limit",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"rolloutPercent\":" + repeat("1", 5000) + "}",
            null),
        Arguments.of(
            "three decimals",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"rolloutPercent\":12.345}",
            "rolloutPercent"),
        Arguments.of(
            "deep nesting",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"scope\":" + repeat("[", 5000) + repeat("]", 5000) + "}",
            null),
        Arguments.of(
            "deep nesting in an unknown field",
            "POST",
            "/flags",
            "{\"x\":" + repeat("{\"a\":", 3000) + "1" + repeat("}", 3000) + "}",
            null),
        Arguments.of(
            "10,001-value scope",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"scope\":{\"plan\":" + values(10_001) + "}}",
            "scope"),
        Arguments.of(
            "5,000 attributes",
            "POST",
            "/evaluate",
            "{\"tenant\":\"acme\",\"attributes\":" + attributes(5000) + "}",
            "attributes"),
        Arguments.of(
            "101 attributes",
            "POST",
            "/evaluate",
            "{\"tenant\":\"acme\",\"attributes\":" + attributes(101) + "}",
            "attributes"),
        Arguments.of(
            "NUL in description",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"description\":\"a\\u0000b\"}",
            "description"),
        Arguments.of(
            "bell in a note",
            "PUT",
            "/flags/target/overrides/acme",
            "{\"enabled\":true,\"note\":\"ding\\u0007\"}",
            "note"),
        Arguments.of(
            "escape in comment",
            "PATCH",
            "/flags/target",
            "{\"comment\":\"\\u001b[31mred\"}",
            "comment"),
        Arguments.of(
            "control character in a scope value",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"scope\":{\"plan\":[\"pro\\r\"]}}",
            "scope"),
        Arguments.of(
            "long unicode description",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"description\":\"" + emoji + "\"}",
            "description"),
        Arguments.of("long unicode key", "POST", "/flags", "{\"key\":\"" + emoji + "\"}", "key"),
        Arguments.of(
            "long unicode tenant",
            "POST",
            "/evaluate",
            "{\"tenant\":\"" + repeat("\u00e9", 3000) + "\"}",
            "tenant"),
        Arguments.of(
            "enabled as a huge number",
            "PUT",
            "/flags/target/overrides/acme",
            "{\"enabled\":1e999999999}",
            "enabled"),
        Arguments.of(
            "unknown field with a long name",
            "POST",
            "/flags",
            "{\"key\":\"h1\",\"" + repeat("x", 900) + "\":1}",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void hostile_4xxNamingFieldQuickly_storesNothing(
      String label, String method, String path, String body, String field) {
    String before = fx.storeState();
    long start = System.nanoTime();

    ApiFixture.Response r = fx.call("ADMIN", method, path, body);

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(
        "HostileInputTest: %s → %d in %.1f ms%n", label, r.status(), took.toNanos() / 1e6);
    assertThat(took).as("%s took %s", label, took).isLessThan(BOUND);
    assertThat(r.status()).as("%s: %s", label, r.body()).isBetween(400, 499);
    JsonNode p = r.problem(r.status());
    if (field != null) {
      assertThat(p.path("field").asText()).as(r.body()).isEqualTo(field);
    }
    assertThat(p.path("detail").asText().length())
        .as("detail quotes at most 64 characters of a value: %s", p.path("detail").asText())
        .isLessThan(300);
    assertThat(fx.storeState()).as("nothing stored").isEqualTo(before);
  }

  @Test
  void scope_tenThousandValues_201Quickly() {
    long start = System.nanoTime();
    ApiFixture.Response r =
        fx.call(
            "ADMIN",
            "POST",
            "/flags",
            "{\"key\":\"big_scope\",\"state\":\"TARGETED\",\"scope\":{\"plan\":"
                + values(10_000)
                + "}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    JsonNode eval =
        fx.call("EVALUATOR", "GET", "/evaluate/big_scope?tenant=t&plan=7pr", null).json();
    assertThat(eval.path("enabled").asBoolean()).isTrue();
  }

  @Test
  void evaluate_hundredAttributes_200() {
    ApiFixture.Response r =
        fx.call(
            "EVALUATOR",
            "POST",
            "/evaluate",
            "{\"tenant\":\"acme\",\"attributes\":" + attributes(100) + ",\"flags\":[\"target\"]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("target").asBoolean()).isTrue();
  }

  @Test
  void evaluate_prerequisiteDiamonds_answerWithinBound() {
    // 31 layers of two flags, each requiring both flags of the layer below: 2^30 paths.
    int layers = 31;
    for (int layer = layers - 1; layer >= 0; layer--) {
      for (String side : new String[] {"a", "b"}) {
        String prerequisites =
            layer == layers - 1 ? "[]" : "[\"d" + (layer + 1) + "_a\",\"d" + (layer + 1) + "_b\"]";
        ApiFixture.Response r =
            fx.call(
                "ADMIN",
                "POST",
                "/flags",
                "{\"key\":\"d"
                    + layer
                    + "_"
                    + side
                    + "\",\"state\":\"ON\",\"prerequisites\":"
                    + prerequisites
                    + "}");
        assertThat(r.status()).as(r.body()).isIn(201, 400);
      }
    }
    long start = System.nanoTime();
    ApiFixture.Response one = fx.call("EVALUATOR", "GET", "/evaluate/d0_a?tenant=acme", null);
    ApiFixture.Response all = fx.call("EVALUATOR", "POST", "/evaluate", "{\"tenant\":\"acme\"}");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("HostileInputTest: 31-layer diamond, evaluate one + all in %s%n", took);

    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    assertThat(took).as("memoised prerequisites: %s", took).isLessThan(BOUND);
  }

  @Test
  void pathOddities_problemJson() {
    fx.call("VIEWER", "GET", "/flags/%2e%2e", null).problem(400);
    fx.call("VIEWER", "GET", "/flags/%2E%2E/overrides", null).problem(400);
    fx.call("VIEWER", "GET", "/flags/" + repeat("k", 500), null).problem(400);
    fx.call("VIEWER", "GET", "/audit?limit=99999999999999999999999", null).problem(400);
    fx.call("VIEWER", "GET", "/flags/target/usage?from=" + repeat("9", 40), null).problem(400);
  }
}
