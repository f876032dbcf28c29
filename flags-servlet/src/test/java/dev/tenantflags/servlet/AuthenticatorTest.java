package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Flag;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both authenticators: bearer tokens from a file, and the container's principal and roles. */
final class AuthenticatorTest {

  private static final String PLAIN = "local-dev-token-abcdefghij";
  private static final String HASHED = "ci-bot-token-0123456789abcdef";
  private static ApiFixture fx;

  /**
   * Stands in for container login (what a security handler or Spring Security does): the principal
   * and roles come from test headers, and the app's auth sets the tenant attribute.
   */
  static final class FakeContainerLogin implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest http = (HttpServletRequest) req;
      String user = http.getHeader("X-Test-User");
      if (user == null) {
        chain.doFilter(req, res);
        return;
      }
      Set<String> roles = Set.of(http.getHeader("X-Test-Roles").split(","));
      String tenant = http.getHeader("X-Test-Tenant");
      if (tenant != null) {
        req.setAttribute(TenantResolver.DEFAULT_ATTRIBUTE, tenant);
      }
      chain.doFilter(
          new HttpServletRequestWrapper(http) {
            @Override
            public Principal getUserPrincipal() {
              return () -> user;
            }

            @Override
            public boolean isUserInRole(String role) {
              return roles.contains(role);
            }
          },
          res);
    }
  }

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    fx = new ApiFixture("/api", false);
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(
        tokens,
        "[{\"name\":\"ci-bot\",\"role\":\"DEVELOPER\",\"tenant\":null,\"sha256\":\""
            + HexFormat.of().formatHex(BearerTokenAuthenticator.sha256(HASHED))
            + "\"},"
            + "{\"name\":\"local\",\"role\":\"ADMIN\",\"token\":\""
            + PLAIN
            + "\"}]");
    BearerTokenAuthenticator bearer = BearerTokenAuthenticator.fromFile(tokens);
    assertThat(bearer.size()).isEqualTo(2);
    fx.admin().create(Flag.of("auth_flag").withTenantEditable(true), null);
    fx.server
        .servlet(FlagAdminServlet.builder().flags(fx.flags).authenticator(bearer).build(), "/api/*")
        .filter(new FakeContainerLogin(), "/container/*")
        .servlet(
            FlagAdminServlet.builder()
                .flags(fx.flags)
                .authenticator(new ContainerAuthenticator())
                .build(),
            "/container/api/*")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static ApiFixture.Response bearer(String token, String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(fx.server.uri("/api" + path))
            .header("Authorization", "Bearer " + token);
    if (body != null || !method.equals("GET")) {
      // SPEC §6: every change carries the JSON content type, even with no body.
      b.header("Content-Type", "application/json");
    }
    return fx.send(
        b.method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static ApiFixture.Response container(
      String user, String roles, String tenant, String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(fx.server.uri("/container/api" + path))
            .header("X-Test-User", user)
            .header("X-Test-Roles", roles);
    if (tenant != null) {
      b.header("X-Test-Tenant", tenant);
    }
    if (body != null || !method.equals("GET")) {
      // SPEC §6: every change carries the JSON content type, even with no body.
      b.header("Content-Type", "application/json");
    }
    return fx.send(
        b.method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  @Test
  void bearer_hashedAndPlainTokensFromFile_authenticateWithTheirRoles() {
    assertThat(bearer(HASHED, "POST", "/flags", "{\"key\":\"by_ci_bot\"}").status()).isEqualTo(201);
    assertThat(bearer(HASHED, "DELETE", "/flags/by_ci_bot", null).status()).isEqualTo(403);
    assertThat(bearer(PLAIN, "DELETE", "/flags/by_ci_bot", null).status()).isEqualTo(200);
    assertThat(fx.store.audit(new AuditQuery(ApiFixture.DEV_ENV, "by_ci_bot", null, null, null, 5)))
        .extracting(e -> e.actor())
        .containsExactly("local", "ci-bot");
  }

  @Test
  void bearer_wrongOrMalformed_401WithChallenge() {
    ApiFixture.Response r = bearer(PLAIN + "x", "GET", "/status", null);
    r.problem(401);
    assertThat(r.header("WWW-Authenticate")).contains("Bearer", "invalid_token");
    ApiFixture.Response basic =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/api/status"))
                .header("Authorization", "Basic " + PLAIN)
                .GET()
                .build());
    basic.problem(401);
    ApiFixture.Response cookie =
        fx.send(
            HttpRequest.newBuilder(fx.server.uri("/api/status"))
                .header("Cookie", "token=" + PLAIN)
                .GET()
                .build());
    assertThat(cookie.status()).as("cookies are never read").isEqualTo(401);
  }

  @Test
  void tokensFile_invalid_messageNamesEntryButNeverToken() {
    String secret = "super-secret-token-value-123";
    assertThatThrownBy(
            () ->
                BearerTokenAuthenticator.builder()
                    .json("[{\"name\":\"a\",\"role\":\"ROOT\",\"token\":\"" + secret + "\"}]"))
        .hasMessageContaining("tokens[0].role")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(
            () ->
                BearerTokenAuthenticator.builder()
                    .json(
                        "[{\"name\":\"a\",\"role\":\"VIEWER\",\"token\":\""
                            + secret
                            + "\",\"sha256\":\"00\"}]"))
        .hasMessageContaining("exactly one")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(
            () ->
                BearerTokenAuthenticator.builder()
                    .json(
                        "[{\"name\":\"a\",\"role\":\"TENANT_ADMIN\",\"token\":\""
                            + secret
                            + "\"}]"))
        .hasMessageContaining("tenant")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(
            () ->
                BearerTokenAuthenticator.builder()
                    .json(
                        "[{\"name\":\"a\",\"role\":\"VIEWER\",\"token\":\""
                            + secret
                            + "\",\"extra\":1}]"))
        .hasMessageContaining("'extra'")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(
            () -> BearerTokenAuthenticator.builder().json("[{\"name\":\"a\",\"token\":\"" + secret))
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(
            () ->
                BearerTokenAuthenticator.builder()
                    .token("a", Role.VIEWER, null, secret)
                    .token("b", Role.ADMIN, null, secret))
        .hasMessageContaining("already configured")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(
            () -> BearerTokenAuthenticator.builder().token("a", Role.VIEWER, null, "short"))
        .hasMessageContaining("16");
    assertThat(
            BearerTokenAuthenticator.builder()
                .token("a", Role.VIEWER, null, secret)
                .build()
                .toString())
        .doesNotContain(secret);
  }

  @Test
  void container_principalAndRoles_highestRoleWinsAndNameIsActor() {
    assertThat(
            container(
                    "carol",
                    "flags-viewer,flags-admin",
                    null,
                    "POST",
                    "/flags/auth_flag/kill?comment=c",
                    null)
                .status())
        .isEqualTo(200);
    assertThat(
            fx.store
                .audit(new AuditQuery(ApiFixture.DEV_ENV, "auth_flag", null, null, null, 1))
                .get(0)
                .actor())
        .isEqualTo("carol");
    assertThat(
            container("vera", "flags-viewer", null, "POST", "/flags/auth_flag/kill", null).status())
        .isEqualTo(403);
    assertThat(container("nobody", "some-other-role", null, "GET", "/status", null).status())
        .isEqualTo(401);
    assertThat(fx.call("NONE", "GET", "/status", null).status()).isEqualTo(401);
  }

  @Test
  void container_tenantAdmin_tenantFromAttributeNeverFromRequestPath() {
    JsonNode own =
        container("tina", "flags-tenant-admin", "acme", "GET", "/tenants/acme/flags", null).json();
    assertThat(own.path("tenant").asText()).isEqualTo("acme");
    container("tina", "flags-tenant-admin", "acme", "GET", "/tenants/globex/flags", null)
        .problem(404);
    assertThat(
            container(
                    "tina",
                    "flags-tenant-admin",
                    "acme",
                    "PUT",
                    "/flags/auth_flag/overrides/acme",
                    "{\"enabled\":true}")
                .status())
        .isEqualTo(200);
    assertThat(
            container("tina", "flags-tenant-admin", null, "GET", "/tenants/acme/flags", null)
                .status())
        .as("a tenant admin without a tenant is not authenticated")
        .isEqualTo(401);
  }
}
