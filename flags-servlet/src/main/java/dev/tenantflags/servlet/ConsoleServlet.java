package dev.tenantflags.servlet;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the tenantflags web console: static HTML, CSS and JavaScript packaged in this jar under
 * {@code dev/tenantflags/servlet/console/}. The console talks to a {@link FlagAdminServlet} through
 * its REST API with a bearer token the operator types in; it sets no cookies.
 *
 * <p>Map it with a path mapping such as {@code /flags-console/*}, or as the default servlet ({@code
 * /}); a request for the root or a folder answers {@code index.html}. Init parameters:
 *
 * <ul>
 *   <li>{@code api} — the URL of the admin API as the browser should call it, absolute ({@code
 *       /flags-admin}) or relative to the console's root ({@code ../flags-admin}); default {@code
 *       api}, i.e. the API mounted at {@code <console>/api/*}.
 * </ul>
 *
 * <p>Every answer carries {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy:
 * no-referrer}, and a strict {@code Content-Security-Policy} that allows scripts, styles and
 * requests only from the console's own origin and no inline script, so untrusted flag descriptions
 * can never run as code even if a rendering bug slipped in. Only the known asset names are served;
 * anything else is 404, so the servlet cannot be used to read other classpath resources.
 *
 * <p>Thread safety: safe for concurrent requests; assets are read once and cached.
 */
public final class ConsoleServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** The {@code Content-Security-Policy} sent with every answer. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
          + "frame-ancestors 'none'";

  private static final String RESOURCE_ROOT = "/dev/tenantflags/servlet/console/";
  private static final String API_PLACEHOLDER = "@@API@@";

  /** The assets and their content types; nothing outside this table is ever served. */
  private static final Map<String, String> ASSETS =
      Map.ofEntries(
          Map.entry("index.html", "text/html; charset=utf-8"),
          Map.entry("console.css", "text/css; charset=utf-8"),
          Map.entry("app.js", "text/javascript; charset=utf-8"),
          Map.entry("api.js", "text/javascript; charset=utf-8"),
          Map.entry("dom.js", "text/javascript; charset=utf-8"),
          Map.entry("bucketing.js", "text/javascript; charset=utf-8"),
          Map.entry("flags.js", "text/javascript; charset=utf-8"),
          Map.entry("tenants.js", "text/javascript; charset=utf-8"),
          Map.entry("audit.js", "text/javascript; charset=utf-8"),
          Map.entry("admin.js", "text/javascript; charset=utf-8"),
          Map.entry("mine.js", "text/javascript; charset=utf-8"),
          Map.entry("overrides.js", "text/javascript; charset=utf-8"),
          Map.entry("usage.js", "text/javascript; charset=utf-8"),
          Map.entry("favicon.svg", "image/svg+xml"));

  private final transient Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private String api = "api";

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    String configured = config.getInitParameter("api");
    if (configured != null) {
      if (configured.isBlank()
          || configured
              .chars()
              .anyMatch(c -> c < 0x20 || c == '"' || c == '<' || c == '>' || c == '&')) {
        throw new ServletException(
            "init-param api must be a plain URL path: \"" + configured + "\"");
      }
      api =
          configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    }
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    securityHeaders(response);
    String path = relativePath(request);
    if (path == null) {
      // A path-mapped console requested without its trailing slash: relative asset URLs need one.
      response.setHeader("Location", request.getRequestURI() + "/");
      response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
      return;
    }
    String name = path.isEmpty() || path.endsWith("/") ? "index.html" : path;
    String type = ASSETS.get(name);
    if (type == null) {
      response.setHeader("Cache-Control", "no-store");
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    byte[] body = cache.computeIfAbsent(name, this::load);
    response.setContentType(type);
    // index.html names the API and must follow upgrades at once; the rest may be cached briefly
    // and revalidated, since asset names carry no version.
    response.setHeader(
        "Cache-Control",
        name.equals("index.html") ? "no-cache" : "public, max-age=300, must-revalidate");
    response.setContentLength(body.length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(body);
    }
  }

  private static void securityHeaders(HttpServletResponse response) {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Frame-Options", "DENY");
  }

  /**
   * The asset path below the console root without a leading slash, or null when a slash is missing.
   */
  private static String relativePath(HttpServletRequest request) {
    MappingMatch match =
        request.getHttpServletMapping() == null
            ? null
            : request.getHttpServletMapping().getMappingMatch();
    String path;
    if (match == MappingMatch.PATH) {
      path = request.getPathInfo();
      if (path == null) {
        return null;
      }
    } else {
      path =
          request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private byte[] load(String name) {
    try (InputStream in = ConsoleServlet.class.getResourceAsStream(RESOURCE_ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("console asset missing from the jar: \"" + name + "\"");
      }
      byte[] bytes = in.readAllBytes();
      if (name.equals("index.html")) {
        String html = new String(bytes, StandardCharsets.UTF_8).replace(API_PLACEHOLDER, api);
        return html.getBytes(StandardCharsets.UTF_8);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("reading console asset \"" + name + "\" failed", e);
    }
  }
}
