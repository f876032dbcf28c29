package dev.tenantflags.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Status;
import dev.tenantflags.servlet.Authenticator;
import dev.tenantflags.servlet.Caller;
import dev.tenantflags.servlet.Role;
import dev.tenantflags.spi.UnreadableRow;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health}: {@code {"status": "UP" | "DEGRADED" | "DOWN"}} for anyone, so a load
 * balancer or orchestrator can use it as a readiness probe. UP is a client that is {@code READY};
 * DEGRADED one serving its last good data while the store is unreachable ({@code STALE}); DOWN one
 * that never loaded or failed ({@code NOT_READY}, {@code ERROR}). The answer is 200 for UP and
 * DEGRADED (the server still answers correctly from memory) and 503 for DOWN.
 *
 * <p>A caller with a VIEWER (or higher) bearer token also gets the detail: client state, last good
 * refresh (epoch milliseconds), change version, environment, store, the failure detail and the rows
 * the client could not read, which may name infrastructure and so are never shown anonymously.
 */
final class HealthServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient FeatureFlags flags;
  private final String dialect;
  private final transient Authenticator authenticator;

  HealthServlet(FeatureFlags flags, String dialect, Authenticator authenticator) {
    this.flags = flags;
    this.dialect = dialect;
    this.authenticator = authenticator;
  }

  static String summary(Status.State state) {
    return switch (state) {
      case READY -> "UP";
      case STALE -> "DEGRADED";
      case NOT_READY, ERROR -> "DOWN";
    };
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Status status = flags.status();
    String summary = summary(status.state());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", summary);
    if (isViewer(request)) {
      body.put("state", status.state().name());
      body.put(
          "lastGoodRefresh",
          status.lastRefresh() == null ? null : status.lastRefresh().toEpochMilli());
      body.put("changeVersion", status.version());
      body.put("environment", flags.environment());
      body.put("store", "jdbc");
      body.put("dialect", dialect);
      body.put("detail", status.detail());
      List<Map<String, Object>> unreadable = new ArrayList<>();
      for (UnreadableRow row : status.unreadable()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", row.kind());
        m.put("flagKey", row.flagKey());
        m.put("tenantId", row.tenantId());
        m.put("problem", row.problem());
        unreadable.add(m);
      }
      body.put("unreadable", unreadable);
    }
    response.setStatus(summary.equals("DOWN") ? 503 : 200);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    JSON.writeValue(response.getOutputStream(), body);
  }

  private boolean isViewer(HttpServletRequest request) {
    if (request.getHeader("Authorization") == null) {
      return false;
    }
    try {
      return authenticator
          .authenticate(request)
          .map(Caller::role)
          .filter(r -> r.includes(Role.VIEWER))
          .isPresent();
    } catch (RuntimeException e) {
      // A failing authenticator must not take the probe down; the caller just sees the summary.
      return false;
    }
  }
}
