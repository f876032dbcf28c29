package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6 cross-site request forgery rules over real HTTP, against a servlet whose callers are
 * authenticated by a session cookie (as with container authentication): what a foreign page can
 * make a signed-in browser send must change nothing.
 */
final class CsrfTest {

  private static final String COOKIE = "session=admin-session-cookie";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static ApiFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false);
    Authenticator cookieSessions =
        request ->
            COOKIE.equals(request.getHeader("Cookie"))
                ? Optional.of(Caller.of("cookie-admin", Role.ADMIN))
                : Optional.empty();
    fx.server
        .servlet(fx.servlet().build(), "/api/*")
        .servlet(
            FlagAdminServlet.builder()
                .flags(fx.flags)
                .authenticator(cookieSessions)
                .corsAllowedOrigins("https://console.example")
                .build(),
            "/cookie/api/*")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static String onFlag() {
    String key = "csrf_" + SEQ.incrementAndGet();
    fx.admin().create(Flag.of(key).withState(FlagState.ON), null);
    return key;
  }

  /** A kill sent with the session cookie and the given headers (name, value, ...). */
  private static ApiFixture.Response kill(String key, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(fx.server.uri("/cookie/api/flags/" + key + "/kill"))
            .timeout(Duration.ofSeconds(10))
            .header("Cookie", COOKIE);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return fx.send(
        b.POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static FlagState state(String key) {
    return fx.admin().flag(key).orElseThrow().state();
  }

  @Test
  void kill_crossSiteEmptyBodyPostWithoutContentType_415AndFlagStaysOn() {
    String key = onFlag();

    ApiFixture.Response r = kill(key, null, "Sec-Fetch-Site", "cross-site");

    assertThat(r.problem(415).path("field").asText()).isEqualTo("Content-Type");
    assertThat(state(key)).isEqualTo(FlagState.ON);
  }

  @Test
  void kill_formOrTextContentType_415AndFlagStaysOn() {
    String key = onFlag();

    kill(key, "comment=x", "Content-Type", "application/x-www-form-urlencoded").problem(415);
    kill(key, "", "Content-Type", "text/plain").problem(415);
    kill(key, "", "Content-Type", "multipart/form-data; boundary=x").problem(415);

    assertThat(state(key)).isEqualTo(FlagState.ON);
  }

  @Test
  void kill_jsonButCrossSiteOrForeignOrigin_403AndFlagStaysOn() {
    String key = onFlag();

    JsonAssert.field(
        kill(key, null, "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site")
            .problem(403),
        "Sec-Fetch-Site");
    JsonAssert.field(
        kill(key, null, "Content-Type", "application/json", "Origin", "https://evil.example")
            .problem(403),
        "Origin");
    kill(key, null, "Content-Type", "application/json", "Origin", "null").problem(403);

    assertThat(state(key)).isEqualTo(FlagState.ON);
  }

  @Test
  void kill_sameOriginOrAllowedOrigin_200() {
    String sameOrigin = onFlag();
    String allowed = onFlag();
    String local = "http://127.0.0.1:" + fx.server.uri("/").getPort();

    ApiFixture.Response same =
        kill(
            sameOrigin,
            null,
            "Content-Type",
            "application/json",
            "Origin",
            local,
            "Sec-Fetch-Site",
            "same-origin");
    ApiFixture.Response cors =
        kill(
            allowed,
            "{\"comment\":\"from the console\"}",
            "Content-Type",
            "application/json; charset=utf-8",
            "Origin",
            "https://console.example",
            "Sec-Fetch-Site",
            "cross-site");

    assertThat(same.status()).as(same.body()).isEqualTo(200);
    assertThat(cors.status()).as(cors.body()).isEqualTo(200);
    assertThat(state(sameOrigin)).isEqualTo(FlagState.OFF);
    assertThat(state(allowed)).isEqualTo(FlagState.OFF);
  }

  @Test
  void everyStateChangingMethod_withoutContentType_415() {
    String key = onFlag();
    for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
      HttpRequest request =
          HttpRequest.newBuilder(fx.server.uri("/api/flags/" + key))
              .header("Authorization", "Bearer " + ApiFixture.TOKENS.get("ADMIN"))
              .method(method, HttpRequest.BodyPublishers.noBody())
              .build();
      fx.send(request).problem(415);
    }
    assertThat(fx.admin().flag(key).orElseThrow().archived()).isFalse();
  }

  @Test
  void get_crossSite_stillAnswers() {
    ApiFixture.Response r =
        fx.call("VIEWER", "GET", "/flags", null, "Sec-Fetch-Site", "cross-site");
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void kill_withoutIfMatchAfterAnotherEdit_200NotStale412() {
    String key = onFlag();
    fx.admin().update(key, -1, f -> f.withDescription("edited by someone else"), null);

    ApiFixture.Response r = fx.call("DEVELOPER", "POST", "/flags/" + key + "/kill", null);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(state(key)).isEqualTo(FlagState.OFF);
  }

  /** Small helpers for problem bodies. */
  static final class JsonAssert {
    private JsonAssert() {}

    static void field(com.fasterxml.jackson.databind.JsonNode problem, String field) {
      assertThat(problem.path("field").asText()).isEqualTo(field);
    }
  }
}
