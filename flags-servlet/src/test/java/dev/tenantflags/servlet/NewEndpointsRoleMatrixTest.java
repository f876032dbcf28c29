package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.servlet.relay.ChangeBroadcaster;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The endpoints of SPEC revision 2 × every caller (SDK included), on a store that keeps usage and
 * tokens. TA_OWN is the tenant admin of {@code acme}, TA_OTHER of {@code globex}.
 */
final class NewEndpointsRoleMatrixTest {

  private static final String[] CALLERS = {
    "EVALUATOR", "SDK", "VIEWER", "DEVELOPER", "ADMIN", "TA_ACME", "TA_GLOBEX", "NONE"
  };

  record Endpoint(String name, String method, String path, String body, String expected) {}

  // Expected statuses in caller order EVALUATOR SDK VIEWER DEVELOPER ADMIN TA_OWN TA_OTHER NONE.
  private static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("status", "GET", "/status", null, "403 403 200 200 200 403 403 401"),
          new Endpoint(
              "status in production",
              "GET",
              "/status?env=production",
              null,
              "403 403 200 200 200 403 403 401"),
          new Endpoint(
              "environments", "GET", "/environments", null, "403 403 200 200 200 200 200 401"),
          new Endpoint(
              "flag's tenants",
              "GET",
              "/flags/{k}/tenants",
              null,
              "403 403 200 200 200 403 403 401"),
          new Endpoint(
              "flag usage", "GET", "/flags/{k}/usage", null, "403 403 200 200 200 403 403 401"),
          new Endpoint("list tokens", "GET", "/tokens", null, "403 403 403 403 200 403 403 401"),
          new Endpoint(
              "create token",
              "POST",
              "/tokens",
              "{\"name\":\"{k}\",\"role\":\"VIEWER\"}",
              "403 403 403 403 201 403 403 401"),
          new Endpoint(
              "revoke token", "DELETE", "/tokens/{k}", null, "403 403 403 403 204 403 403 401"),
          new Endpoint(
              "own tenant's audit",
              "GET",
              "/audit?tenant=acme",
              null,
              "403 403 200 200 200 200 404 401"),
          new Endpoint(
              "own tenant's audit by flag",
              "GET",
              "/audit?tenant=acme&flag={k}",
              null,
              "403 403 200 200 200 403 404 401"),
          new Endpoint(
              "unfiltered audit", "GET", "/audit", null, "403 403 200 200 200 403 403 401"),
          new Endpoint(
              "evaluate",
              "GET",
              "/evaluate/{k}?tenant=acme",
              null,
              "200 200 200 200 200 200 404 401"),
          new Endpoint("list flags", "GET", "/flags", null, "403 403 200 200 200 403 403 401"));

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static ApiFixture fx;
  private static StoreTokenAuthenticator tokens;
  private static ChangeBroadcaster relay;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false, new InMemoryFlagStore());
    tokens = StoreTokenAuthenticator.builder(fx.flags).pollInterval(Duration.ofMillis(50)).build();
    relay = ChangeBroadcaster.builder().store(fx.store).build();
    fx.server.servlet(fx.servlet().storeTokens(tokens).relay(relay).build(), "/api/*").start();
  }

  @AfterAll
  static void stop() throws Exception {
    tokens.close();
    relay.close();
    fx.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      String[] expected = e.expected.split(" ");
      for (int i = 0; i < CALLERS.length; i++) {
        out.add(
            Arguments.of(
                e.name + " as " + CALLERS[i], e, CALLERS[i], Integer.parseInt(expected[i])));
      }
    }
    return out.stream();
  }

  @Test
  void stream_sdkGetsEventStream_evaluatorRefused() throws Exception {
    // The relay serves environments the store knows; a flag makes the default one known.
    fx.admin().create(Flag.of("streamed"), null);
    HttpRequest request =
        HttpRequest.newBuilder(fx.server.uri("/api/stream"))
            .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("SDK"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    HttpResponse<InputStream> r =
        fx.server.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      byte[] first = new byte[64];
      int n = body.read(first);
      assertThat(new String(first, 0, Math.max(n, 0), StandardCharsets.UTF_8)).isNotEmpty();
    }
    fx.call("EVALUATOR", "GET", "/stream", null).problem(403);
  }

  @ParameterizedTest(name = "{0} → {3}")
  @MethodSource("cases")
  void endpoint_caller_getsSpecStatus(String label, Endpoint e, String caller, int expected) {
    String key = "nm_" + SEQ.incrementAndGet();
    fx.admin()
        .create(
            Flag.of(key)
                .withState(FlagState.ROLLOUT)
                .withRolloutPercent("50")
                .withTenantEditable(true),
            null);
    fx.admin().setOverride(key, "acme", true, false, null, null);
    if (e.method.equals("DELETE")) {
      assertThat(
              fx.call("ADMIN", "POST", "/tokens", "{\"name\":\"" + key + "\",\"role\":\"VIEWER\"}")
                  .status())
          .isEqualTo(201);
    }

    ApiFixture.Response r =
        fx.call(
            caller,
            e.method,
            e.path.replace("{k}", key),
            e.body == null ? null : e.body.replace("{k}", key));

    assertThat(r.status()).as("%s: %s", label, r.body()).isEqualTo(expected);
    if (expected >= 400) {
      r.problem(expected);
    }
  }
}
