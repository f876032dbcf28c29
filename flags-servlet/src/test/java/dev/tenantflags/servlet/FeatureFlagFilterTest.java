package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import dev.tenantflags.TenantKey;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The seed scenarios of issue 4: routes gated per tenant, toggled through the admin API. */
final class FeatureFlagFilterTest {

  private static ApiFixture fx;

  /** The application's endpoints: answer 200 with the tenant the filter resolved. */
  static final class AppServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Optional<RequestFlags> flags = RequestFlags.of(req);
      resp.setContentType("text/plain");
      resp.getWriter()
          .print(
              "ok "
                  + req.getServletPath()
                  + (req.getPathInfo() == null ? "" : req.getPathInfo())
                  + " tenant="
                  + flags.map(f -> f.tenant().id()).orElse("-")
                  + " kyc="
                  + flags.map(f -> f.isEnabled("kyc_tiers")).orElse(false)
                  + " all="
                  + flags.map(f -> f.all().toString()).orElse("-"));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/admin/api", false);
    var admin = fx.admin();
    // kyc_tiers: on for acme (targeted), off for everyone else.
    admin.create(
        Flag.of("kyc_tiers").withState(FlagState.TARGETED).withScope(Scope.of("tenant", "acme")),
        null);
    // dispute_composer: the "(api_key_id, flag) row" model: on only where a row (override) says so.
    admin.create(Flag.of("dispute_composer").withState(FlagState.TARGETED), null);
    admin.setOverride("dispute_composer", "acme", true, false, null, null);
    admin.create(Flag.of("dispute_export").withState(FlagState.ON), null);
    FeatureFlagFilter filter =
        FeatureFlagFilter.builder()
            .flags(fx.flags)
            .routes("/api/v1/kyc/* = kyc_tiers, /api/v1/disputes/* = dispute_composer")
            .route("/api/v1/disputes/export/*", "dispute_export")
            .route("/api/v1/never/*", "never_created")
            .tenantResolver(TenantResolver.defaults())
            .trustTenantHeader(true)
            .build();
    FeatureFlagFilter forbidding =
        FeatureFlagFilter.builder()
            .flags(fx.flags)
            .route("/strict/kyc/*", "kyc_tiers")
            .trustTenantHeader(true)
            .denyStatus(403)
            .build();
    fx.server
        .filter(new AppAuthFilter(), "/api/*")
        .filter(filter, "/api/*")
        .filter(forbidding, "/strict/*")
        .servlet(new AppServlet(), "/")
        .servlet(fx.servlet().build(), "/admin/api/*")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private ApiFixture.Response app(String path, String tenant) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(fx.server.uri(path)).timeout(Duration.ofSeconds(10));
    if (tenant != null) {
      b.header("X-Tenant-Id", tenant);
    }
    return fx.send(b.GET().build());
  }

  @Test
  void doFilter_flagOnForTenant_endpointAnswers200() {
    ApiFixture.Response r = app("/api/v1/kyc/tiers", "acme");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).startsWith("ok /api/v1/kyc/tiers tenant=acme kyc=true");
  }

  @Test
  void doFilter_flagOffForTenant_404() {
    assertThat(app("/api/v1/kyc/tiers", "globex").status()).isEqualTo(404);
    assertThat(app("/api/v1/kyc", "globex").status())
        .as("prefix pattern matches its own path")
        .isEqualTo(404);
  }

  @Test
  void doFilter_noOverrideRow_isOff() {
    assertThat(app("/api/v1/disputes/42", "acme").status()).isEqualTo(200);
    assertThat(app("/api/v1/disputes/42", "initech").status()).isEqualTo(404);
    assertThat(app("/api/v1/never/x", "acme").status())
        .as("a flag that does not exist")
        .isEqualTo(404);
  }

  @Test
  void doFilter_noTenant_treatedAsOff() {
    assertThat(app("/api/v1/kyc/tiers", null).status()).isEqualTo(404);
    assertThat(app("/api/v1/kyc/tiers", "").status()).isEqualTo(404);
  }

  @Test
  void doFilter_unmatchedPath_passesWithRequestFlags() {
    ApiFixture.Response r = app("/api/v1/other", "acme");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("tenant=acme", "kyc=true", "dispute_composer=true");
    assertThat(app("/api/v1/kycx", "globex").status())
        .as("/kyc/* does not match /kycx")
        .isEqualTo(200);
  }

  @Test
  void doFilter_longestPatternWins() {
    // /api/v1/disputes/export/* (dispute_export, ON) is longer than /api/v1/disputes/* (off for
    // initech).
    assertThat(app("/api/v1/disputes/export/csv", "initech").status()).isEqualTo(200);
    assertThat(app("/api/v1/disputes/exports", "initech").status()).isEqualTo(404);
  }

  @Test
  void doFilter_forbiddenMode_problemJsonNamingFlag() {
    ApiFixture.Response r = app("/strict/kyc/x", "globex");
    JsonNode p = r.problem(403);
    assertThat(p.path("flag").asText()).isEqualTo("kyc_tiers");
    assertThat(p.path("detail").asText()).contains("kyc_tiers");
    assertThat(app("/strict/kyc/x", "acme").status()).isEqualTo(200);
  }

  @Test
  void adminToggle_takesEffectOnNextRequest_andIsAudited() {
    assertThat(app("/api/v1/disputes/1", "globex").status()).isEqualTo(404);

    ApiFixture.Response put =
        fx.call(
            "ADMIN",
            "PUT",
            "/flags/dispute_composer/overrides/globex",
            "{\"enabled\": true, \"comment\": \"globex signed the addendum\"}");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(app("/api/v1/disputes/1", "globex").status()).isEqualTo(200);

    List<AuditEntry> entries =
        fx.store.audit(
            new AuditQuery(ApiFixture.DEV_ENV, "dispute_composer", null, "globex", null, 10));
    assertThat(entries).hasSize(1);
    AuditEntry e = entries.get(0);
    assertThat(e.action()).isEqualTo(AuditAction.OVERRIDE_SET);
    assertThat(e.actor()).isEqualTo(ApiFixture.NAMES.get("ADMIN"));
    assertThat(e.before()).isNull();
    assertThat(e.after()).contains("\"enabled\":true");
    assertThat(e.comment()).isEqualTo("globex signed the addendum");

    // And off again: a state change through PATCH, audited with before and after.
    ApiFixture.Response patch =
        fx.call("ADMIN", "PATCH", "/flags/dispute_composer", "{\"state\": \"OFF\"}");
    assertThat(patch.status()).as(patch.body()).isEqualTo(200);
    assertThat(app("/api/v1/disputes/1", "globex").status()).isEqualTo(404);
    JsonNode audit =
        fx.call("VIEWER", "GET", "/flags/dispute_composer/history?limit=1", null).json();
    JsonNode last = audit.path("entries").get(0);
    assertThat(last.path("action").asText()).isEqualTo("FLAG_UPDATED");
    assertThat(last.path("actor").asText()).isEqualTo(ApiFixture.NAMES.get("ADMIN"));
    assertThat(last.path("before").path("state").asText()).isEqualTo("TARGETED");
    assertThat(last.path("after").path("state").asText()).isEqualTo("OFF");
    fx.admin().update("dispute_composer", -1, f -> f.withState(FlagState.TARGETED), null);
    fx.admin().clearOverride("dispute_composer", "globex", null);
  }

  @Test
  void doFilter_tenantAttributeFromAppAuth_beatsHeader() {
    HttpRequest request =
        HttpRequest.newBuilder(fx.server.uri("/api/v1/kyc/tiers"))
            .header("X-App-Session-Tenant", "acme")
            .header("X-Tenant-Id", "globex")
            .GET()
            .build();
    ApiFixture.Response r = fx.send(request);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("tenant=acme");
  }

  /** Stands in for the application's own authentication: sets the tenant request attribute. */
  static final class AppAuthFilter implements jakarta.servlet.Filter {
    @Override
    public void doFilter(
        jakarta.servlet.ServletRequest req,
        jakarta.servlet.ServletResponse res,
        jakarta.servlet.FilterChain chain)
        throws IOException, jakarta.servlet.ServletException {
      String tenant = ((HttpServletRequest) req).getHeader("X-App-Session-Tenant");
      if (tenant != null) {
        req.setAttribute(
            TenantResolver.DEFAULT_ATTRIBUTE, TenantKey.of(tenant).with("plan", "pro"));
      }
      chain.doFilter(req, res);
    }
  }
}
