package dev.tenantflags.servlet;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Status;
import dev.tenantflags.spi.UnreadableRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /status?env=} (VIEWER): the client's state, last good refresh, change version, the
 * store's kind, unreadable rows and how overrides are held, all from the client's status: it
 * answers without the store, also while the store is down.
 */
final class StatusResource {

  private final EnvironmentClients environments;

  StatusResource(EnvironmentClients environments) {
    this.environments = environments;
  }

  void get(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    FeatureFlags client = environments.client(env);
    Status s = client.status();
    List<Object> unreadable = new ArrayList<>();
    for (UnreadableRow row : s.unreadable()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", row.kind());
      m.put("flagKey", row.flagKey());
      m.put("tenantId", row.tenantId());
      m.put("problem", row.problem());
      unreadable.add(m);
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("mode", s.overrideMode() == Status.OverrideMode.LAZY ? "lazy" : "all-in-memory");
    overrides.put("count", s.overrideCount() < 0 ? null : s.overrideCount());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("environment", env);
    body.put("state", s.state().name());
    body.put("lastGoodRefresh", JsonSupport.millis(s.lastRefresh()));
    body.put("changeVersion", s.version());
    body.put("store", client.storeDescription());
    body.put("detail", s.detail());
    body.put("unreadable", unreadable);
    body.put("overrides", overrides);
    c.json(200, body);
  }
}
