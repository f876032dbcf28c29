package dev.tenantflags.servlet;

import dev.tenantflags.FlagAdmin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * One admin API request in flight: who calls, the decoded path and query, the route's path
 * variables, and the helpers every resource uses to read parameters and write JSON.
 */
final class ApiCall {

  private static final Set<String> COMMENT_FIELDS = Set.of("comment");

  final HttpServletRequest request;
  final HttpServletResponse response;
  final Caller caller;
  final ApiRequest api;
  final String method;
  private Map<String, String> params = Map.of();

  ApiCall(HttpServletRequest request, HttpServletResponse response, Caller caller, ApiRequest api) {
    this.request = request;
    this.response = response;
    this.caller = caller;
    this.api = api;
    this.method = request.getMethod();
  }

  void params(Map<String, String> matched) {
    this.params = Map.copyOf(matched);
  }

  /** A path variable of the matched route, already validated by the router. */
  String param(String name) {
    String v = params.get(name);
    if (v == null) {
      throw new IllegalStateException("route has no path variable " + name);
    }
    return v;
  }

  String query(String name) {
    return api.query.get(name);
  }

  boolean isTenantAdmin() {
    return caller.role() == Role.TENANT_ADMIN;
  }

  /** A bounded integer query parameter, or the fallback when absent. */
  int intQuery(String name, int fallback, int min, int max) {
    String value = query(name);
    if (value == null) {
      return fallback;
    }
    if (value.length() <= 10) {
      try {
        int v = Integer.parseInt(value);
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw Problem.badRequest(
        name, name + " must be between " + min + " and " + max + ": " + RequestBody.quote(value));
  }

  /**
   * The comment of a body-less change: {@code ?comment=}, or a JSON body {@code {"comment": ...}}.
   */
  String comment() throws IOException {
    String fromQuery = query("comment");
    String fromBody = RequestBody.read(request, COMMENT_FIELDS, false).string("comment");
    if (fromQuery != null && fromBody != null) {
      throw Problem.badRequest("comment", "comment must be given once, in the query or the body");
    }
    return fromQuery != null ? fromQuery : fromBody;
  }

  /** The expected version of {@code If-Match}, or {@link FlagAdmin#ANY_VERSION}. */
  long ifMatch(boolean required) {
    String header = request.getHeader("If-Match");
    if (header == null) {
      if (required) {
        throw new Problem(
                428,
                "if-match-required",
                "Precondition required",
                "this change needs an If-Match header with the flag's ETag")
            .with("field", "If-Match");
      }
      return FlagAdmin.ANY_VERSION;
    }
    String tag = header.trim();
    if (tag.equals("*")) {
      return FlagAdmin.ANY_VERSION;
    }
    if (tag.startsWith("W/")) {
      // If-Match uses strong comparison: a weak tag never matches.
      throw new Problem(
              412, "stale-version", "Precondition failed", "If-Match must be a strong ETag")
          .with("field", "If-Match");
    }
    if (tag.length() >= 3 && tag.length() <= 21 && tag.startsWith("\"") && tag.endsWith("\"")) {
      try {
        long v = Long.parseLong(tag.substring(1, tag.length() - 1));
        if (v >= 1) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw Problem.badRequest(
        "If-Match", "If-Match must be a flag ETag such as \"3\": " + RequestBody.quote(tag));
  }

  /** The URL prefix of the API (context path plus servlet path), for {@code Location}. */
  String base() {
    String servletPath =
        request.getHttpServletMapping() != null
                && request.getHttpServletMapping().getMappingMatch() == MappingMatch.PATH
            ? request.getServletPath()
            : "";
    return request.getContextPath() + servletPath;
  }

  void json(int status, Object body) throws IOException {
    byte[] bytes = JsonSupport.writeBytes(body);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  void noContent() {
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }
}
