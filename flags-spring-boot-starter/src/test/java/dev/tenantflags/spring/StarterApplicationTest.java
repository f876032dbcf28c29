package dev.tenantflags.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.TenantKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** A real Spring Boot application on embedded Tomcat, configured by properties alone. */
@SpringBootTest(
    classes = TestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.datasource.url=jdbc:h2:mem:starter;DB_CLOSE_DELAY=-1",
      "tenantflags.environment=test",
      "tenantflags.poll-interval=100ms",
      "tenantflags.filter.routes[/api/reports]=reports",
      "tenantflags.admin.enabled=true",
      "management.endpoints.web.exposure.include=health,flags",
      "management.endpoint.health.show-details=always"
    })
final class StarterApplicationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Value("${local.server.port}")
  int port;

  @Autowired FeatureFlags flags;
  @Autowired MeterRegistry meters;

  private Http http;

  @BeforeEach
  void start() {
    http = new Http(port);
    if (flags.flag("reports").isEmpty()) {
      flags.admin("test").create(Flag.of("reports").withState(FlagState.TARGETED), null);
      flags.admin("test").setOverride("reports", "acme", true, false, null, null);
    }
  }

  @Test
  void store_applicationDataSource_isJdbcStore() {
    assertThat(flags.storeDescription()).isEqualTo("JdbiFlagStore");
    assertThat(flags.environment()).isEqualTo("test");
  }

  @Test
  void gatedRoute_tenantWithoutFlag_is404AndWithFlag_is200() {
    assertThat(http.get("/api/reports", "globex").statusCode()).isEqualTo(404);
    HttpResponse<String> acme = http.get("/api/reports", "acme");
    assertThat(acme.statusCode()).isEqualTo(200);
    assertThat(acme.body()).isEqualTo("reports");
    assertThat(http.get("/api/hello", "globex").statusCode()).isEqualTo(200);
  }

  @Test
  void adminApi_anonymousOrWithoutFlagsRole_is401() {
    assertThat(http.get("/flags-admin/api/flags", null).statusCode()).isEqualTo(401);
    assertThat(http.get("/flags-admin/api/flags", "bob").statusCode()).isEqualTo(401);
  }

  @Test
  void adminApi_viewerLists_andAdminCreatesThroughSpringSecurityRoles() throws Exception {
    HttpResponse<String> list = http.get("/flags-admin/api/flags", "viewer");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"reports\"");

    assertThat(
            http.post("/flags-admin/api/flags", "viewer", "{\"key\":\"by_viewer\"}").statusCode())
        .isEqualTo(403);
    HttpResponse<String> created =
        http.post("/flags-admin/api/flags", "ops", "{\"key\":\"exports\",\"state\":\"ON\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(flags.isEnabled("exports", TenantKey.of("globex"))).isTrue();
    JsonNode history =
        JSON.readTree(http.get("/flags-admin/api/flags/exports/history", "ops").body());
    assertThat(history.toString()).contains("\"ops\"");
  }

  @Test
  void console_servedUnderAdminPath() {
    HttpResponse<String> console = http.get("/flags-admin/", "ops");
    assertThat(console.statusCode()).isEqualTo(200);
    assertThat(console.body()).contains("/flags-admin/api");
  }

  @Test
  void actuatorHealth_readyClient_isUpWithDetails() throws Exception {
    HttpResponse<String> health = http.get("/actuator/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode component = JSON.readTree(health.body()).path("components").path("tenantFlags");
    assertThat(component.path("status").asText()).isEqualTo("UP");
    assertThat(component.path("details").path("state").asText()).isEqualTo("READY");
    assertThat(component.path("details").path("environment").asText()).isEqualTo("test");
  }

  @Test
  void flagsEndpoint_statusFlagsAndTenantEvaluation() throws Exception {
    assertThat(http.get("/actuator/flags", null).statusCode()).isEqualTo(401);
    JsonNode all = JSON.readTree(http.get("/actuator/flags", "ops").body());
    assertThat(all.path("status").path("state").asText()).isEqualTo("READY");
    assertThat(all.path("flags").findValuesAsText("key")).contains("reports");
    JsonNode acme = JSON.readTree(http.get("/actuator/flags/acme", "ops").body());
    assertThat(acme.path("flags").path("reports").path("enabled").asBoolean()).isTrue();
    assertThat(acme.path("flags").path("reports").path("reason").asText()).isEqualTo("OVERRIDE");
  }

  @Test
  void meters_statusAndRefreshAge_registered() {
    assertThat(meters.get("tenantflags.status").tag("state", "READY").gauge().value())
        .isEqualTo(1.0);
    assertThat(meters.get("tenantflags.status").tag("state", "STALE").gauge().value())
        .isEqualTo(0.0);
    assertThat(meters.get("tenantflags.refresh.age").gauge().value()).isBetween(0.0, 3600.0);
  }
}
