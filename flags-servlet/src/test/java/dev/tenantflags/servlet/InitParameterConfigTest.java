package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web.xml way: no-arg filter and servlet, init-parameters, the client in a ServletContext
 * attribute.
 */
final class InitParameterConfigTest {

  private static ApiFixture fx;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    fx = new ApiFixture("/flags-admin/api", false);
    fx.admin()
        .create(
            Flag.of("kyc_tiers")
                .withState(FlagState.TARGETED)
                .withScope(Scope.of("tenant", "acme")),
            null);
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(
        tokens,
        "[{\"name\":\"ops\",\"role\":\"VIEWER\",\"token\":\"ops-viewer-token-0123456\"},"
            + "{\"name\":\"root\",\"role\":\"ADMIN\",\"token\":\"root-admin-token-0123456\"}]");
    var context = fx.server.context();
    context.setAttribute(FeatureFlagFilter.FLAGS_ATTRIBUTE, fx.flags);
    FilterHolder filter = new FilterHolder(FeatureFlagFilter.class);
    filter.setInitParameter("routes", "/app/kyc/* = kyc_tiers\n/app/other/* = other_flag");
    filter.setInitParameter("deny-status", "403");
    filter.setInitParameter("trust-tenant-header", "true");
    filter.setInitParameter("tenant-header", "X-Customer");
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/app/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new FeatureFlagFilterTest.AppServlet()), "/app/*");
    ServletHolder api = new ServletHolder(FlagAdminServlet.class);
    api.setInitParameter("tokens-file", tokens.toString());
    api.setInitParameter("cors-allowed-origins", "https://console.example");
    api.setInitParameter("store-tokens", "true");
    context.addServlet(api, "/flags-admin/api/*");
    fx.server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  @Test
  void filter_fromInitParameters_gatesWithConfiguredHeaderAndStatus() {
    assertThat(
            fx.send(
                    HttpRequest.newBuilder(fx.server.uri("/app/kyc/1"))
                        .header("X-Customer", "acme")
                        .GET()
                        .build())
                .status())
        .isEqualTo(200);
    ApiFixture.Response denied =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/app/kyc/1"))
                .header("X-Tenant-Id", "acme")
                .header("X-Customer", "globex")
                .GET()
                .build());
    assertThat(denied.problem(403).path("flag").asText()).isEqualTo("kyc_tiers");
  }

  @Test
  void servlet_fromInitParameters_tokensFileAndMountedBelowPrefix() {
    ApiFixture.Response r =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/flags-admin/api/flags/kyc_tiers"))
                .header("Authorization", "Bearer ops-viewer-token-0123456")
                .header("Origin", "https://console.example")
                .GET()
                .build());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("key").asText()).isEqualTo("kyc_tiers");
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://console.example");
    assertThat(
            fx.send(
                    HttpRequest.newBuilder(fx.server.uri("/flags-admin/api/flags"))
                        .header("Authorization", "Bearer ops-viewer-token-0123456")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"nope\"}"))
                        .build())
                .status())
        .isEqualTo(403);
  }

  @Test
  void servlet_storeTokensInitParameter_createdTokenAuthenticates() throws Exception {
    ApiFixture.Response created =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/flags-admin/api/tokens"))
                .header("Authorization", "Bearer root-admin-token-0123456")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"from-api\",\"role\":\"VIEWER\"}"))
                .build());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String secret = created.json().path("token").asText();

    ApiFixture.Response read =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/flags-admin/api/flags"))
                .header("Authorization", "Bearer " + secret)
                .GET()
                .build());

    assertThat(read.status()).as(read.body()).isEqualTo(200);
  }
}
