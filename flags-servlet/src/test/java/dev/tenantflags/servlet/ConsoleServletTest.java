package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class ConsoleServletTest {

  private static Server server;
  private static String base;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    // As the default servlet (the way flags-server mounts it) ...
    context.addServlet(new ServletHolder(new ConsoleServlet()), "/");
    // ... and path-mapped with a configured API location, the way an application embeds it.
    ServletHolder mounted = new ServletHolder(new ConsoleServlet());
    mounted.setInitParameter("api", "/flags-admin/");
    context.addServlet(mounted, "/flags-console/*");
    server.setHandler(context);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void get_root_servesIndexWithSecurityHeaders() throws Exception {
    HttpResponse<String> response = get("/");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp -> {
              assertThat(csp)
                  .contains("script-src 'self'")
                  .contains("default-src 'none'")
                  .doesNotContain("unsafe-inline");
            });
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(response.body())
        .contains("<meta name=\"tenantflags-api\" content=\"api\">")
        .contains("src=\"app.js\"");
  }

  @Test
  void get_index_hasNoInlineScriptOrStyle() throws Exception {
    String html = get("/index.html").body();

    assertThat(html)
        .doesNotContainPattern("<script(?![^>]*\\bsrc=)")
        .doesNotContain("style=")
        .doesNotContain("<style")
        .doesNotContain(" onclick=");
  }

  @Test
  void get_assets_haveTheirContentTypesAndCacheHeaders() throws Exception {
    HttpResponse<String> js = get("/app.js");
    HttpResponse<String> css = get("/console.css");
    HttpResponse<String> svg = get("/favicon.svg");

    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(js.headers().firstValue("Cache-Control"))
        .hasValueSatisfying(c -> assertThat(c).contains("max-age="));
    assertThat(js.body()).contains("import");
    assertThat(css.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    assertThat(svg.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("image/svg+xml"));
  }

  @Test
  void get_everyModuleTheConsoleImports_isServed() throws Exception {
    for (String module :
        new String[] {
          "app.js", "api.js", "dom.js", "flags.js", "tenants.js", "audit.js", "bucketing.js"
        }) {
      HttpResponse<String> response = get("/" + module);
      assertThat(response.statusCode()).as(module).isEqualTo(200);
      for (var m :
          java.util.regex.Pattern.compile("from '\\./([a-z]+\\.js)'")
              .matcher(response.body())
              .results()
              .toList()) {
        assertThat(get("/" + m.group(1)).statusCode())
            .as(module + " imports " + m.group(1))
            .isEqualTo(200);
      }
    }
  }

  @Test
  void get_unknownOrTraversingPath_is404WithNosniff() throws Exception {
    for (String path :
        new String[] {
          "/nope.js",
          "/../dev/tenantflags/servlet/ConsoleServlet.class",
          "/%2e%2e/ConsoleServlet.class",
          "/ConsoleServlet.class",
          "/META-INF/MANIFEST.MF"
        }) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isIn(400, 404);
      assertThat(response.body()).as(path).doesNotContain("CAFEBABE");
    }
    assertThat(get("/nope.js").headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void get_pathMappedConsole_servesIndexWithConfiguredApiAndRedirectsWithoutSlash()
      throws Exception {
    HttpResponse<String> bare = get("/flags-console");
    HttpResponse<String> index = get("/flags-console/");
    HttpResponse<String> asset = get("/flags-console/flags.js");

    assertThat(bare.statusCode()).isEqualTo(301);
    assertThat(bare.headers().firstValue("Location")).contains("/flags-console/");
    assertThat(index.body()).contains("content=\"/flags-admin\"");
    assertThat(asset.statusCode()).isEqualTo(200);
  }

  @Test
  void head_index_answersHeadersWithoutBody() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
  }
}
