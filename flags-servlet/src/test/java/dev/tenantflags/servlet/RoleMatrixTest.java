package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.Flag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint of SPEC §6 × every caller: the status each must get. TA_OWN is the tenant admin of
 * {@code acme} (the tenant every tenant-scoped request names), TA_OTHER the tenant admin of {@code
 * globex}; NONE sends no credentials, WRONG an unknown token.
 */
final class RoleMatrixTest {

  private static final String[] CALLERS = {
    "EVALUATOR", "VIEWER", "DEVELOPER", "ADMIN", "TA_OWN", "TA_OTHER", "NONE", "WRONG"
  };

  /** What a case needs to exist before its request. */
  enum Setup {
    NONE,
    FLAG,
    ARCHIVED_FLAG,
    ENVIRONMENT,
    PROD_FLAG
  }

  record Endpoint(
      String name, String method, String path, String body, Setup setup, String expected) {}

  // SPEC revision 2: /status needs VIEWER; a TENANT_ADMIN may list environments and set or clear
  // its own tenant's override of a tenantEditable flag in a protected environment.
  // Expected statuses in caller order EVALUATOR VIEWER DEVELOPER ADMIN TA_OWN TA_OTHER; NONE and
  // WRONG are 401.
  private static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("status", "GET", "/status", null, Setup.NONE, "403 200 200 200 403 403"),
          new Endpoint(
              "list environments",
              "GET",
              "/environments",
              null,
              Setup.NONE,
              "403 200 200 200 200 200"),
          new Endpoint(
              "create environment",
              "POST",
              "/environments",
              "{\"name\":\"{env}\"}",
              Setup.NONE,
              "403 403 403 201 403 403"),
          new Endpoint(
              "delete environment",
              "DELETE",
              "/environments/{env}",
              null,
              Setup.ENVIRONMENT,
              "403 403 403 204 403 403"),
          new Endpoint("list flags", "GET", "/flags", null, Setup.NONE, "403 200 200 200 403 403"),
          new Endpoint(
              "create flag",
              "POST",
              "/flags",
              "{\"key\":\"{k}\"}",
              Setup.NONE,
              "403 403 201 201 403 403"),
          new Endpoint(
              "get flag", "GET", "/flags/{k}", null, Setup.FLAG, "403 200 200 200 403 403"),
          new Endpoint(
              "patch flag",
              "PATCH",
              "/flags/{k}",
              "{\"description\":\"changed\"}",
              Setup.FLAG,
              "403 403 200 200 403 403"),
          new Endpoint(
              "replace flag",
              "PUT",
              "/flags/{k}",
              "{\"description\":\"replaced\"}",
              Setup.FLAG,
              "403 403 403 200 403 403"),
          new Endpoint(
              "archive flag", "DELETE", "/flags/{k}", null, Setup.FLAG, "403 403 403 200 403 403"),
          new Endpoint(
              "kill flag", "POST", "/flags/{k}/kill", null, Setup.FLAG, "403 403 200 200 403 403"),
          new Endpoint(
              "restore flag",
              "POST",
              "/flags/{k}/restore",
              null,
              Setup.ARCHIVED_FLAG,
              "403 403 403 200 403 403"),
          new Endpoint(
              "list overrides",
              "GET",
              "/flags/{k}/overrides",
              null,
              Setup.FLAG,
              "403 200 200 200 200 200"),
          new Endpoint(
              "get override",
              "GET",
              "/flags/{k}/overrides/acme",
              null,
              Setup.FLAG,
              "403 200 200 200 200 404"),
          new Endpoint(
              "put override",
              "PUT",
              "/flags/{k}/overrides/acme",
              "{\"enabled\":false}",
              Setup.FLAG,
              "403 403 200 200 200 404"),
          new Endpoint(
              "delete override",
              "DELETE",
              "/flags/{k}/overrides/acme",
              null,
              Setup.FLAG,
              "403 403 204 204 204 404"),
          new Endpoint(
              "flag history",
              "GET",
              "/flags/{k}/history?limit=20",
              null,
              Setup.FLAG,
              "403 200 200 200 403 403"),
          new Endpoint(
              "audit", "GET", "/audit?limit=5", null, Setup.FLAG, "403 200 200 200 403 403"),
          new Endpoint(
              "tenant flags",
              "GET",
              "/tenants/acme/flags",
              null,
              Setup.FLAG,
              "403 200 200 200 200 404"),
          new Endpoint(
              "evaluate many",
              "POST",
              "/evaluate",
              "{\"tenant\":\"acme\",\"flags\":[\"{k}\"]}",
              Setup.FLAG,
              "200 200 200 200 200 404"),
          new Endpoint(
              "evaluate one",
              "GET",
              "/evaluate/{k}?tenant=acme&plan=pro",
              null,
              Setup.FLAG,
              "200 200 200 200 200 404"),
          // production is protected: every change needs ADMIN.
          new Endpoint(
              "create flag in production",
              "POST",
              "/flags?env=production",
              "{\"key\":\"{k}\"}",
              Setup.NONE,
              "403 403 403 201 403 403"),
          new Endpoint(
              "patch flag in production",
              "PATCH",
              "/flags/{k}?env=production",
              "{\"state\":\"ON\"}",
              Setup.PROD_FLAG,
              "403 403 403 200 403 403"),
          new Endpoint(
              "kill flag in production",
              "POST",
              "/flags/{k}/kill?env=production",
              null,
              Setup.PROD_FLAG,
              "403 403 403 200 403 403"),
          new Endpoint(
              "put override in production",
              "PUT",
              "/flags/{k}/overrides/acme?env=production",
              "{\"enabled\":true}",
              Setup.PROD_FLAG,
              "403 403 403 200 200 404"),
          new Endpoint(
              "delete override in production",
              "DELETE",
              "/flags/{k}/overrides/acme?env=production",
              null,
              Setup.PROD_FLAG,
              "403 403 403 204 204 404"),
          new Endpoint(
              "read flag in production",
              "GET",
              "/flags/{k}?env=production",
              null,
              Setup.PROD_FLAG,
              "403 200 200 200 403 403"));

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

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      String[] expected = e.expected.split(" ");
      for (int i = 0; i < CALLERS.length; i++) {
        int status = i < expected.length ? Integer.parseInt(expected[i]) : 401;
        out.add(Arguments.of(e.name + " as " + CALLERS[i], e, CALLERS[i], status));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} → {3}")
  @MethodSource("cases")
  void endpoint_caller_getsSpecStatus(String label, Endpoint e, String caller, int expected) {
    int n = SEQ.incrementAndGet();
    Map<String, String> vars = new HashMap<>();
    vars.put("{k}", "matrix_" + n);
    vars.put("{env}", "matrix-" + n);
    setUp(e.setup, vars);
    String who =
        switch (caller) {
          case "TA_OWN" -> "TA_ACME";
          case "TA_OTHER" -> "TA_GLOBEX";
          default -> caller;
        };
    ApiFixture.Response r =
        fx.call(who, e.method, fill(e.path, vars), e.body == null ? null : fill(e.body, vars));

    assertThat(r.status()).as("%s: %s", label, r.body()).isEqualTo(expected);
    if (expected >= 400) {
      r.problem(expected);
    }
    if (expected == 401) {
      assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    }
  }

  private static void setUp(Setup setup, Map<String, String> vars) {
    String key = vars.get("{k}");
    switch (setup) {
      case FLAG -> {
        fx.admin().create(Flag.of(key).withTenantEditable(true), null);
        fx.admin().setOverride(key, "acme", true, false, null, null);
      }
      case ARCHIVED_FLAG -> {
        fx.admin().create(Flag.of(key), null);
        fx.admin().archive(key, null);
      }
      case ENVIRONMENT -> fx.admin().createEnvironment(vars.get("{env}"), false, null);
      case PROD_FLAG -> {
        assertThat(
                fx.call(
                        "ADMIN",
                        "POST",
                        "/flags?env=production",
                        "{\"key\":\"" + key + "\",\"tenantEditable\":true}")
                    .status())
            .isEqualTo(201);
        assertThat(
                fx.call(
                        "ADMIN",
                        "PUT",
                        "/flags/" + key + "/overrides/acme?env=production",
                        "{\"enabled\":true}")
                    .status())
            .isEqualTo(200);
      }
      case NONE -> {}
    }
  }

  private static String fill(String template, Map<String, String> vars) {
    String out = template;
    for (Map.Entry<String, String> v : vars.entrySet()) {
      out = out.replace(v.getKey(), v.getValue());
    }
    return out;
  }
}
