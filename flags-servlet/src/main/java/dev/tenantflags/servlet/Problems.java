package dev.tenantflags.servlet;

import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagNotFoundException;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.spi.FlagStoreException;
import dev.tenantflags.spi.UnreadableRowException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns an exception into an {@code application/problem+json} answer: bad input
 * 400 naming the field, missing 404, conflicts 409/412/403, a store outage 503, a feature the store
 * lacks 501, and only a bug 500.
 */
final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final String PROBLEM_JSON = "application/problem+json";

  private Problems() {}

  static Problem of(RuntimeException e) {
    if (e instanceof Problem p) {
      return p;
    }
    if (e instanceof FlagValidationException v) {
      return Problem.badRequest(v.field(), v.getMessage());
    }
    if (e instanceof FlagNotFoundException) {
      return Problem.notFound(e.getMessage());
    }
    if (e instanceof FlagConflictException c) {
      return conflict(c);
    }
    if (e instanceof UnreadableRowException u) {
      return unreadable(u);
    }
    if (e instanceof FlagStoreException) {
      LOG.warn("flag store failed during an admin request: {}", e.toString());
      return new Problem(
              503,
              "store-unavailable",
              "Service unavailable",
              "the flag store is unavailable; try again")
          .header("Retry-After", "5");
    }
    if (e instanceof UnsupportedOperationException) {
      return new Problem(
          501, "not-implemented", "Not implemented", "the flag store does not support this");
    }
    if (e instanceof IllegalArgumentException) {
      // Core value types reject bad input with IllegalArgumentException subclasses; never a 500.
      return Problem.badRequest(null, e.getMessage() == null ? "invalid request" : e.getMessage());
    }
    LOG.error("admin request failed unexpectedly", e);
    return new Problem(500, "internal-error", "Internal server error", "unexpected error");
  }

  /** A flag row the store cannot read (SPEC §4) is a conflict the caller can repair: say how. */
  private static Problem unreadable(UnreadableRowException e) {
    String key = e.row().flagKey();
    return new Problem(
            409,
            "unreadable-row",
            "Conflict",
            e.getMessage()
                + "; replace it with PUT /api/flags/"
                + key
                + " (If-Match: \""
                + e.version()
                + "\") or archive it with DELETE")
        .with("flagKey", key)
        .with("problem", e.row().problem())
        .with("version", e.version());
  }

  private static Problem conflict(FlagConflictException e) {
    return switch (e.kind()) {
      case ALREADY_EXISTS -> new Problem(409, "already-exists", "Conflict", e.getMessage());
      case STALE_VERSION ->
          new Problem(412, "stale-version", "Precondition failed", e.getMessage())
              .with("field", "If-Match");
      case LOCKED ->
          new Problem(403, "override-locked", "Forbidden", e.getMessage()).with("field", "locked");
    };
  }

  static void render(HttpServletRequest request, HttpServletResponse response, Problem p)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    if (p.status != 413 && !RequestBody.drain(request)) {
      response.setHeader("Connection", "close");
    }
    response.resetBuffer();
    response.setHeader("ETag", null);
    response.setHeader("Location", null);
    p.headers.forEach(response::setHeader);
    byte[] bytes = JsonSupport.writeBytes(p.body());
    response.setStatus(p.status);
    response.setContentType(PROBLEM_JSON);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
