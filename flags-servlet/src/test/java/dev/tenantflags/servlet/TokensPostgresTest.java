package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.jdbc.JdbiFlagStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token revocation across two API instances, each with its own {@link JdbiFlagStore}, client and
 * {@link StoreTokenAuthenticator}, on one embedded PostgreSQL (as two flags-server processes would
 * be): a token revoked through one is refused by the other within about a second (the default poll
 * interval; the bound allows for a loaded machine).
 */
final class TokensPostgresTest {

  private static EmbeddedPostgres pg;
  private static JdbiFlagStore storeA;
  private static JdbiFlagStore storeB;
  private static FeatureFlags flagsA;
  private static FeatureFlags flagsB;
  private static StoreTokenAuthenticator tokensA;
  private static StoreTokenAuthenticator tokensB;
  private static TestServer serverA;
  private static TestServer serverB;

  @BeforeAll
  static void start() throws Exception {
    pg =
        EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("fsync", "off")
            .start();
    String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
    storeA = JdbiFlagStore.create(url);
    storeB = JdbiFlagStore.create(url);
    flagsA = FeatureFlags.builder().store(storeA).environment("development").build();
    flagsB = FeatureFlags.builder().store(storeB).environment("development").build();
    Authenticator admin =
        BearerTokenAuthenticator.builder()
            .token("alice-admin", Role.ADMIN, null, "admin-token-0123456789abcde")
            .build();
    tokensA = StoreTokenAuthenticator.builder(flagsA).build();
    tokensB = StoreTokenAuthenticator.builder(flagsB).build();
    serverA =
        new TestServer(true)
            .servlet(
                FlagAdminServlet.builder()
                    .flags(flagsA)
                    .authenticator(admin)
                    .storeTokens(tokensA)
                    .build(),
                "/api/*")
            .start();
    serverB =
        new TestServer(true)
            .servlet(
                FlagAdminServlet.builder().flags(flagsB).storeTokens(tokensB).build(), "/api/*")
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    serverA.close();
    serverB.close();
    tokensA.close();
    tokensB.close();
    flagsA.close();
    flagsB.close();
    storeA.close();
    storeB.close();
    pg.close();
  }

  private static int status(
      TestServer server, String token, String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri("/api" + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return server
        .client
        .send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private static int awaitStatus(TestServer server, String token, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int s = status(server, token, "GET", "/flags", null);
    while (s != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = status(server, token, "GET", "/flags", null);
    }
    return s;
  }

  @Test
  void revoke_throughOneInstance_refusedByTheOtherWithinASecond() throws Exception {
    HttpRequest create =
        HttpRequest.newBuilder(serverA.uri("/api/tokens"))
            .header("Authorization", "Bearer admin-token-0123456789abcde")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString("{\"name\":\"pg-viewer\",\"role\":\"VIEWER\"}"))
            .build();
    String body =
        serverA.client.send(create, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    String secret = JsonSupport.MAPPER.readTree(body).path("token").asText();
    assertThat(secret).startsWith("tf_");
    assertThat(awaitStatus(serverB, secret, 200))
        .as("the other instance learns the token")
        .isEqualTo(200);

    assertThat(status(serverA, "admin-token-0123456789abcde", "DELETE", "/tokens/pg-viewer", null))
        .isEqualTo(204);
    long revoked = System.nanoTime();
    assertThat(status(serverA, secret, "GET", "/flags", null)).isEqualTo(401);
    int onB = awaitStatus(serverB, secret, 401);
    Duration took = Duration.ofNanos(System.nanoTime() - revoked);

    assertThat(onB).isEqualTo(401);
    System.out.println(
        "TokensPostgresTest: revoked token refused by the other instance after " + took);
    assertThat(took)
        .as("refused by the other instance after %s", took)
        .isLessThan(Duration.ofMillis(2500));
    assertThat(storeA.audit(new AuditQuery(null, null, null, null, null, 20)))
        .extracting(e -> e.action())
        .contains(AuditAction.TOKEN_CREATED, AuditAction.TOKEN_REVOKED);
    assertThat(storeB.tokens()).noneMatch(t -> t.name().equals("pg-viewer"));
  }
}
