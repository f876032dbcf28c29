package dev.tenantflags.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny JSON-over-HTTP client for the tests, bound to one server and one bearer token. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String token;

  Http(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  record Response(int status, JsonNode json, String body, HttpResponse<String> raw) {}

  Response get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  Response post(String path, String body) throws Exception {
    return send("POST", path, body, null);
  }

  Response put(String path, String body) throws Exception {
    return send("PUT", path, body, null);
  }

  Response delete(String path) throws Exception {
    return send("DELETE", path, null, null);
  }

  Response patch(String path, String body, String ifMatch) throws Exception {
    return send("PATCH", path, body, ifMatch);
  }

  Response send(String method, String path, String body, String ifMatch) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null || !method.equals("GET")) {
      // SPEC §6: every state change carries the JSON content type, even with an empty body.
      request.header("Content-Type", "application/json");
    }
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    HttpResponse<String> response =
        CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (!response.body().isEmpty()) {
      try {
        json = JSON.readTree(response.body());
      } catch (Exception e) {
        json = null;
      }
    }
    return new Response(response.statusCode(), json, response.body(), response);
  }
}
