package com.example.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.test.FlagOn;
import dev.tenantflags.test.TenantFlagsExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The same route with flags-test: flags set by annotation, in memory, fresh for every test. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
@ExtendWith(TenantFlagsExtension.class)
class ExportWithTestKitTest {

  @Value("${local.server.port}")
  int port;

  @Test
  @FlagOn(value = "reports_export", tenants = "globex")
  void export_flagOnForGlobexOnly() throws Exception {
    assertThat(get("/api/reports/export", "globex").statusCode()).isEqualTo(200);
    assertThat(get("/api/reports/export", "acme").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path, String user) throws Exception {
    String credentials = user + ":" + user + "-secret";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
