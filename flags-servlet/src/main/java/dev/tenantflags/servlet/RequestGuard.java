package dev.tenantflags.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * CORS and the cross-site request forgery rules of SPEC §6. Every state change (POST, PUT, PATCH,
 * DELETE) must say {@code Content-Type: application/json}, even with an empty body (a plain HTML
 * form cannot): else 415. One whose {@code Origin} is neither this server's nor an allowed origin,
 * or whose {@code Sec-Fetch-Site} is {@code cross-site} without an allowed origin, gets 403. With
 * cookie-based container authentication, this is what stops a foreign page from acting for a
 * signed-in operator.
 *
 * <p>Thread safety: immutable.
 */
final class RequestGuard {

  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final Set<String> allowedOrigins;

  RequestGuard(Set<String> allowedOrigins) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
  }

  /** Adds CORS headers when the request's origin is allowed; returns whether it is. */
  boolean cors(HttpServletRequest request, HttpServletResponse response) {
    String origin = request.getHeader("Origin");
    if (origin == null || !allowed(origin)) {
      return false;
    }
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.addHeader("Vary", "Origin");
    response.setHeader("Access-Control-Expose-Headers", "ETag, Location, WWW-Authenticate");
    if ("OPTIONS".equals(request.getMethod())) {
      response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match");
      response.setHeader("Access-Control-Max-Age", "600");
    }
    return true;
  }

  /** Refuses a state change that a foreign page could have sent. */
  void checkStateChange(HttpServletRequest request) {
    if (!STATE_CHANGING.contains(request.getMethod())) {
      return;
    }
    String type = request.getContentType();
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mime.equals("application/json") && !mime.endsWith("+json")) {
      throw new Problem(
              415,
              "unsupported-media-type",
              "Unsupported media type",
              "every change must be sent as Content-Type application/json, even with no body: "
                  + (type == null ? "none" : RequestBody.quote(mime)))
          .with("field", "Content-Type");
    }
    String origin = request.getHeader("Origin");
    boolean allowedOrigin = origin != null && allowed(origin);
    if (origin != null && !allowedOrigin && !sameOrigin(origin, request)) {
      throw Problem.forbidden(
              "changes from origin " + RequestBody.quote(origin) + " are not allowed")
          .with("field", "Origin");
    }
    String site = request.getHeader("Sec-Fetch-Site");
    if ("cross-site".equalsIgnoreCase(site) && !allowedOrigin) {
      throw Problem.forbidden("cross-site changes are not allowed").with("field", "Sec-Fetch-Site");
    }
  }

  private boolean allowed(String origin) {
    return !allowedOrigins.isEmpty()
        && (allowedOrigins.contains("*") || allowedOrigins.contains(origin));
  }

  /** Whether the origin names the host the request was sent to (scheme aside: proxies end TLS). */
  private static boolean sameOrigin(String origin, HttpServletRequest request) {
    String host = request.getHeader("Host");
    if (host == null || origin.length() > 2048) {
      return false;
    }
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null) {
        return false;
      }
      String authority = uri.getRawAuthority();
      return authority != null && authority.equalsIgnoreCase(host.trim());
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
