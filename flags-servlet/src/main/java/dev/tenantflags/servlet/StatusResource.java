package dev.tenantflags.servlet;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Status;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.UnreadableRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /status?env=} (VIEWER): the client's state, last good refresh, change version, the
 * store's kind, unreadable rows and how overrides are held.
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
    // TODO(core-client): take unreadable rows, the override mode and count from the client's
    // status once core reports them; until then one read of the store.
    FlagStore store = client.store();
    List<Object> unreadable = new ArrayList<>();
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("mode", "all-in-memory");
    try {
      for (UnreadableRow row : store.loadFlags(env).unreadable()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", row.kind());
        m.put("flagKey", row.flagKey());
        m.put("tenantId", row.tenantId());
        m.put("problem", row.problem());
        unreadable.add(m);
      }
      overrides.put("count", store.overrideCount(env));
    } catch (RuntimeException e) {
      // Status must answer while the store is down: the client's state says so.
      overrides.put("count", null);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("environment", env);
    body.put("state", s.state().name());
    body.put("lastGoodRefresh", s.lastRefresh() == null ? null : s.lastRefresh().toEpochMilli());
    body.put("changeVersion", s.version());
    body.put("store", store.getClass().getSimpleName());
    body.put("detail", s.detail());
    body.put("unreadable", unreadable);
    body.put("overrides", overrides);
    c.json(200, body);
  }
}
