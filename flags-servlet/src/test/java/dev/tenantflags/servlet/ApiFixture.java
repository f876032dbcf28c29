package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.spi.FlagStore;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A store, a client of environment {@code development}, a protected {@code production}, bearer
 * tokens for every role and an HTTP client: what the admin API tests share. One per test class.
 */
final class ApiFixture implements AutoCloseable {

  static final String DEV_ENV = "development";
  static final Map<String, String> TOKENS =
      Map.of(
          "EVALUATOR", "evaluator-token-0123456789",
          "SDK", "sdk-token-0123456789abcdef",
          "VIEWER", "viewer-token-0123456789abc",
          "DEVELOPER", "developer-token-0123456789",
          "ADMIN", "admin-token-0123456789abcde",
          "TA_ACME", "tenant-acme-token-012345678",
          "TA_GLOBEX", "tenant-globex-token-0123456");

  /** Names recorded as audit actors. */
  static final Map<String, String> NAMES =
      Map.of(
          "EVALUATOR",
          "eve-evaluator",
          "SDK",
          "sam-sdk",
          "VIEWER",
          "vic-viewer",
          "DEVELOPER",
          "dana-dev",
          "ADMIN",
          "alice-admin",
          "TA_ACME",
          "acme-admin",
          "TA_GLOBEX",
          "globex-admin");

  final FlagStore store;
  final FeatureFlags flags;
  final BearerTokenAuthenticator authenticator;
  final TestServer server;
  final String apiPrefix;

  ApiFixture(String apiPrefix, boolean strictUris) {
    this(apiPrefix, strictUris, TestStores.newStore());
  }

  /** A fixture on a given store (e.g. an in-memory one, for SPI parts SQLite lacks). */
  ApiFixture(String apiPrefix, boolean strictUris, FlagStore store) {
    this.apiPrefix = apiPrefix;
    this.store = store;
    flags =
        FeatureFlags.builder()
            .store(store)
            .environment(DEV_ENV)
            .pollInterval(Duration.ofMillis(200))
            .build();
    flags.admin("fixture").createEnvironment("production", true, "protected by default");
    authenticator =
        BearerTokenAuthenticator.builder()
            .token(NAMES.get("EVALUATOR"), Role.EVALUATOR, null, TOKENS.get("EVALUATOR"))
            .token(NAMES.get("SDK"), Role.SDK, null, TOKENS.get("SDK"))
            .token(NAMES.get("VIEWER"), Role.VIEWER, null, TOKENS.get("VIEWER"))
            .token(NAMES.get("DEVELOPER"), Role.DEVELOPER, null, TOKENS.get("DEVELOPER"))
            .token(NAMES.get("ADMIN"), Role.ADMIN, null, TOKENS.get("ADMIN"))
            .sha256(
                NAMES.get("TA_ACME"),
                Role.TENANT_ADMIN,
                "acme",
                java.util.HexFormat.of()
                    .formatHex(BearerTokenAuthenticator.sha256(TOKENS.get("TA_ACME"))))
            .token(NAMES.get("TA_GLOBEX"), Role.TENANT_ADMIN, "globex", TOKENS.get("TA_GLOBEX"))
            .build();
    server = new TestServer(strictUris);
  }

  FlagAdminServlet.Builder servlet() {
    return FlagAdminServlet.builder().flags(flags).authenticator(authenticator);
  }

  FlagAdmin admin() {
    return flags.admin("fixture");
  }

  /**
   * Sends a request to the API with the token of {@code who} (a key of TOKENS, "NONE" or "WRONG").
   */
  Response call(String who, String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(apiPrefix + path)).timeout(Duration.ofSeconds(10));
    if (TOKENS.containsKey(who)) {
      b.header("Authorization", "Bearer " + TOKENS.get(who));
    } else if (who.equals("WRONG")) {
      b.header("Authorization", "Bearer not-a-configured-token-000");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (!typed && (body != null || !method.equals("GET"))) {
      // SPEC §6: every change carries the JSON content type, even with no body.
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return send(b.build());
  }

  Response send(HttpRequest request) {
    try {
      return new Response(server.client.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Everything the store holds (flags, overrides, environments, audit size): to prove "nothing
   * stored".
   */
  String storeState() {
    StringBuilder out = new StringBuilder();
    for (String env : java.util.List.of(DEV_ENV, "production")) {
      for (dev.tenantflags.Flag f : store.loadFlags(env).flags()) {
        out.append(f).append(store.loadFlagOverrides(env, f.key())).append('\n');
      }
    }
    out.append(store.environments()).append('\n');
    out.append(
        store.audit(new AuditQuery(null, null, null, null, null, AuditQuery.MAX_LIMIT)).size());
    return out.toString();
  }

  @Override
  public void close() throws Exception {
    server.close();
    flags.close();
    store.close();
  }

  /** An HTTP response with its JSON body parsed on demand. */
  record Response(HttpResponse<String> http) {
    int status() {
      return http.statusCode();
    }

    String body() {
      return http.body();
    }

    JsonNode json() {
      try {
        return JsonSupport.MAPPER.readTree(http.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + http.body(), e);
      }
    }

    String header(String name) {
      return http.headers().firstValue(name).orElse(null);
    }

    /** Asserts an RFC 9457 problem with this status and returns its body. */
    JsonNode problem(int expected) {
      assertThat(status()).as(body()).isEqualTo(expected);
      assertThat(header("Content-Type")).startsWith("application/problem+json");
      JsonNode p = json();
      assertThat(p.path("status").asInt()).isEqualTo(expected);
      assertThat(p.path("type").asText()).startsWith("https://");
      assertThat(p.path("title").asText()).isNotBlank();
      assertThat(p.path("detail").asText()).isNotBlank();
      return p;
    }
  }
}
