package dev.tenantflags.servlet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem: thrown inside the admin servlet and rendered as {@code
 * application/problem+json} with {@code type}, {@code title}, {@code status}, {@code detail} and,
 * where applicable, {@code field} and other members.
 */
final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Problem types are URIs under this prefix; the suffix is a stable slug documented in docs. */
  static final String TYPE_PREFIX = "https://tenantflags.dev/problems/";

  final int status;
  final String slug;
  final String title;
  final transient Map<String, Object> extra = new LinkedHashMap<>();
  final transient Map<String, String> headers = new LinkedHashMap<>();

  Problem(int status, String slug, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  Problem with(String name, Object value) {
    extra.put(name, value);
    return this;
  }

  Problem header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  Map<String, Object> body() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", TYPE_PREFIX + slug);
    m.put("title", title);
    m.put("status", status);
    m.put("detail", getMessage());
    m.putAll(extra);
    return m;
  }

  static Problem badRequest(String field, String detail) {
    Problem p = new Problem(400, "invalid-request", "Invalid request", detail);
    if (field != null) {
      p.with("field", field);
    }
    return p;
  }

  static Problem notFound(String detail) {
    return new Problem(404, "not-found", "Not found", detail);
  }

  static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", "Forbidden", detail);
  }
}
