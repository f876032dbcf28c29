package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 defaults of {@link FeatureFlagFilter} over real HTTP: the tenant header is not trusted
 * unless turned on, an exact route covers its trailing-slash twin, refusals are counted per flag.
 */
final class FilterDefaultsTest {

  private static ApiFixture fx;
  private static FeatureFlagFilter filter;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/admin/api", false);
    fx.admin()
        .create(
            Flag.of("export_v1")
                .withState(FlagState.TARGETED)
                .withScope(Scope.of("tenant", "acme")),
            null);
    filter =
        FeatureFlagFilter.builder().flags(fx.flags).route("/api/v1/export", "export_v1").build();
    fx.server
        .filter(new FeatureFlagFilterTest.AppAuthFilter(), "/*")
        .filter(filter, "/*")
        .servlet(new FeatureFlagFilterTest.AppServlet(), "/")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static int get(String path, String header, String value) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(fx.server.uri(path)).timeout(Duration.ofSeconds(10));
    if (header != null) {
      b.header(header, value);
    }
    return fx.send(b.GET().build()).status();
  }

  @Test
  void defaultResolver_ignoresTenantHeader() {
    assertThat(get("/api/v1/export", "X-Tenant-Id", "acme"))
        .as("a client claiming a tenant by header gets nothing")
        .isEqualTo(404);
    assertThat(get("/api/v1/export", "X-App-Session-Tenant", "acme"))
        .as("the app's own authentication (request attribute) counts")
        .isEqualTo(200);
  }

  @Test
  void exactRoute_trailingSlashTwin_gatedToo() {
    assertThat(get("/api/v1/export/", "X-App-Session-Tenant", "globex")).isEqualTo(404);
    assertThat(get("/api/v1/export/", "X-App-Session-Tenant", "acme")).isEqualTo(200);
    assertThat(get("/api/v1/export/x", "X-App-Session-Tenant", "globex"))
        .as("only one trailing slash, not the subtree")
        .isEqualTo(200);
  }

  @Test
  void refusals_countedPerFlag() {
    long before = filter.refusals().pending("export_v1");
    get("/api/v1/export", "X-App-Session-Tenant", "globex");
    get("/api/v1/export", null, null);
    long after = filter.refusals().pending("export_v1");
    // The first refusal of a minute is logged and resets the count; later ones accumulate.
    assertThat(after).isIn(1L, before + 2);
  }

  @Test
  void refusals_loggedOncePerMinute() {
    Refusals r = new Refusals(java.util.List.of("f"));
    long t0 = 1_000_000_000L;
    r.record(fx.flags, "f", t0);
    assertThat(r.pending("f")).as("the first refusal is logged at once").isZero();
    r.record(fx.flags, "f", t0 + 1);
    r.record(fx.flags, "f", t0 + Refusals.LOG_INTERVAL_NANOS - 1);
    assertThat(r.pending("f")).as("no second line within the minute").isEqualTo(2);
    r.record(fx.flags, "f", t0 + Refusals.LOG_INTERVAL_NANOS);
    assertThat(r.pending("f")).as("a minute later: logged with the count, reset").isZero();
  }
}
