package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.InMemoryFlagStore;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens at run time (SPEC §6) over real HTTP: two API instances (each its own servlet and {@link
 * StoreTokenAuthenticator}) on one shared store; create, list and revoke with audit; a revoked
 * token refused on both instances within about a second; tokens from configuration not revocable.
 */
final class TokensApiTest {

  private static ApiFixture fx;
  private static StoreTokenAuthenticator tokensA;
  private static StoreTokenAuthenticator tokensB;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/a/api", false, new InMemoryFlagStore());
    tokensA =
        StoreTokenAuthenticator.builder(fx.flags)
            .pollInterval(Duration.ofMillis(100))
            .touchInterval(Duration.ofMillis(200))
            .build();
    tokensB =
        StoreTokenAuthenticator.builder(fx.flags).pollInterval(Duration.ofMillis(100)).build();
    fx.server
        .servlet(fx.servlet().storeTokens(tokensA).build(), "/a/api/*")
        .servlet(fx.servlet().storeTokens(tokensB).build(), "/b/api/*")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    tokensA.close();
    tokensB.close();
    fx.close();
  }

  private static ApiFixture.Response withToken(String instance, String token, String path) {
    return fx.send(
        HttpRequest.newBuilder(fx.server.uri("/" + instance + "/api" + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }

  /** Polls until the instance answers {@code expected} (at most 3 s); returns the last status. */
  private static int await(String instance, String token, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int status = withToken(instance, token, "/flags").status();
    while (status != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      status = withToken(instance, token, "/flags").status();
    }
    return status;
  }

  private static String create(String body) {
    ApiFixture.Response r = fx.call("ADMIN", "POST", "/tokens", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("token").asText();
  }

  @Test
  void create_secretShownOnceWorksOnBothInstances_listedWithoutSecret() throws Exception {
    ApiFixture.Response r =
        fx.call(
            "ADMIN",
            "POST",
            "/tokens",
            "{\"name\":\"ci-viewer\",\"role\":\"VIEWER\",\"comment\":\"for CI\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode created = r.json();
    String secret = created.path("token").asText();
    assertThat(secret).hasSizeGreaterThan(30);
    assertThat(created.path("createdAt").isIntegralNumber()).isTrue();
    assertThat(created.path("createdBy").asText()).isEqualTo("alice-admin");

    assertThat(withToken("a", secret, "/flags").status())
        .as("at once where created")
        .isEqualTo(200);
    assertThat(await("b", secret, 200)).as("within the poll interval elsewhere").isEqualTo(200);
    assertThat(withToken("a", secret, "/tokens").status()).as("VIEWER may not list").isEqualTo(403);

    Thread.sleep(400); // one touch interval: last use reaches the store in a batch
    ApiFixture.Response list = fx.call("ADMIN", "GET", "/tokens", null);
    assertThat(list.body()).doesNotContain(secret).doesNotContain("sha256");
    JsonNode listed = null;
    for (JsonNode t : list.json()) {
      if (t.path("name").asText().equals("ci-viewer")) {
        listed = t;
      }
    }
    assertThat(listed).isNotNull();
    assertThat(listed.path("role").asText()).isEqualTo("VIEWER");
    assertThat(listed.path("lastUsedAt").isIntegralNumber()).isTrue();
    AuditEntry audit =
        fx.store.audit(new AuditQuery(null, null, null, null, null, 50)).stream()
            .filter(e -> e.action() == AuditAction.TOKEN_CREATED)
            .findFirst()
            .orElseThrow();
    assertThat(audit.actor()).isEqualTo("alice-admin");
    assertThat(audit.after()).contains("ci-viewer").doesNotContain(secret);
    assertThat(audit.comment()).isEqualTo("for CI");
  }

  @Test
  void revoke_refusedOnEveryInstanceWithinASecond_audited() throws Exception {
    String secret = create("{\"name\":\"to-revoke\",\"role\":\"DEVELOPER\"}");
    assertThat(await("b", secret, 200)).isEqualTo(200);

    ApiFixture.Response revoked = fx.call("ADMIN", "DELETE", "/tokens/to-revoke", null);
    long start = System.nanoTime();

    assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
    assertThat(withToken("a", secret, "/flags").status())
        .as("the revoking instance refuses at once")
        .isEqualTo(401);
    int status = await("b", secret, 401);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(status).isEqualTo(401);
    assertThat(took)
        .as("refused on the other instance after %s", took)
        .isLessThan(Duration.ofMillis(1500));
    List<AuditEntry> entries = fx.store.audit(new AuditQuery(null, null, null, null, null, 50));
    assertThat(entries)
        .anySatisfy(
            e -> {
              assertThat(e.action()).isEqualTo(AuditAction.TOKEN_REVOKED);
              assertThat(e.before()).contains("to-revoke");
            });
  }

  @Test
  void tenantAdminToken_boundToItsTenant() {
    String secret = create("{\"name\":\"acme-ta\",\"role\":\"TENANT_ADMIN\",\"tenant\":\"acme\"}");
    assertThat(withToken("a", secret, "/tenants/acme/flags").status()).isEqualTo(200);
    assertThat(withToken("a", secret, "/tenants/globex/flags").status()).isEqualTo(404);
  }

  @Test
  void badRequests_4xxNamingField() {
    fx.call("ADMIN", "POST", "/tokens", "{\"name\":\"x y\",\"role\":\"VIEWER\"}").problem(400);
    assertThat(
            fx.call("ADMIN", "POST", "/tokens", "{\"name\":\"r\",\"role\":\"ROOT\"}")
                .problem(400)
                .path("field")
                .asText())
        .isEqualTo("role");
    assertThat(
            fx.call("ADMIN", "POST", "/tokens", "{\"name\":\"t\",\"role\":\"TENANT_ADMIN\"}")
                .problem(400)
                .path("field")
                .asText())
        .isEqualTo("tenant");
    create("{\"name\":\"twice\",\"role\":\"VIEWER\"}");
    fx.call("ADMIN", "POST", "/tokens", "{\"name\":\"twice\",\"role\":\"VIEWER\"}").problem(409);
    fx.call("ADMIN", "DELETE", "/tokens/never-created", null).problem(404);
  }

  @Test
  void configuredToken_notRevocableThroughTheApi_409() {
    JsonNode p = fx.call("ADMIN", "DELETE", "/tokens/alice-admin", null).problem(409);
    assertThat(p.path("detail").asText()).contains("tokens file");
    fx.call("ADMIN", "POST", "/tokens", "{\"name\":\"alice-admin\",\"role\":\"VIEWER\"}")
        .problem(409);
    assertThat(fx.call("ADMIN", "GET", "/flags", null).status()).isEqualTo(200);
  }

  @Test
  void tokens_onlyAdmin() {
    for (String who : new String[] {"EVALUATOR", "VIEWER", "DEVELOPER", "TA_ACME"}) {
      fx.call(who, "GET", "/tokens", null).problem(403);
      fx.call(who, "POST", "/tokens", "{\"name\":\"n\",\"role\":\"ADMIN\"}").problem(403);
      fx.call(who, "DELETE", "/tokens/n", null).problem(403);
    }
    fx.call("NONE", "GET", "/tokens", null).problem(401);
  }
}
