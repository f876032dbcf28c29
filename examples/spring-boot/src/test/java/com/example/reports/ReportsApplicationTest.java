package com.example.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The example as its users see it, over HTTP on a random port of 127.0.0.1. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
class ReportsApplicationTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Value("${local.server.port}")
  int port;

  @Test
  void exportRoute_tenantWithoutTheFlag_is404_andOpensWhenAnOperatorEnablesIt() throws Exception {
    assertThat(send("GET", "/api/reports", "acme", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/reports/export", "acme", null).statusCode()).isEqualTo(404);

    // An operator creates the flag (TARGETED: on only where targeted; a new flag is OFF, and OFF
    // is a kill switch that beats overrides) and switches it on for acme, through the admin API.
    assertThat(
            send(
                    "POST",
                    "/flags-admin/api/flags",
                    "ops",
                    "{\"key\":\"reports_export\",\"state\":\"TARGETED\"}")
                .statusCode())
        .isEqualTo(201);
    assertThat(
            send(
                    "PUT",
                    "/flags-admin/api/flags/reports_export/overrides/acme",
                    "ops",
                    "{\"enabled\":true}")
                .statusCode())
        .isEqualTo(200);

    assertThat(send("GET", "/api/reports/export", "acme", null).body()).isEqualTo("export.csv");
    assertThat(send("GET", "/api/reports/export", "globex", null).statusCode()).isEqualTo(404);
  }

  @Test
  void adminApi_isBehindSpringSecurity() throws Exception {
    assertThat(send("GET", "/flags-admin/api/flags", null, null).statusCode()).isEqualTo(401);
    // A tenant user has no FLAGS_* role: authenticated by Spring, but not a tenantflags caller.
    assertThat(send("GET", "/flags-admin/api/flags", "acme", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/flags-admin/api/flags", "ops", null).statusCode()).isEqualTo(200);
  }

  @Test
  void actuatorHealth_includesTenantFlags() throws Exception {
    HttpResponse<String> health = send("GET", "/actuator/health", null, null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"tenantFlags\":{\"status\":\"UP\"");
  }

  private HttpResponse<String> send(String method, String path, String user, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (user != null) {
      String credentials = user + ":" + user + "-secret";
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
