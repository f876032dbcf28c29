package dev.tenantflags.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Status;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: the client's status as JSON, 200 when {@code READY} and 503 otherwise, so a
 * load balancer or orchestrator can use it as a readiness probe. Anonymous on purpose; it shows no
 * flag or tenant data.
 */
final class HealthServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient FeatureFlags flags;
  private final String dialect;

  HealthServlet(FeatureFlags flags, String dialect) {
    this.flags = flags;
    this.dialect = dialect;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Status status = flags.status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.state().name());
    body.put("lastRefresh", status.lastRefresh() == null ? null : status.lastRefresh().toString());
    body.put("version", status.version());
    body.put("environment", flags.environment());
    body.put("store", "jdbc");
    body.put("dialect", dialect);
    if (status.detail() != null) {
      body.put("detail", status.detail());
    }
    response.setStatus(status.state() == Status.State.READY ? 200 : 503);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    JSON.writeValue(response.getOutputStream(), body);
  }
}
