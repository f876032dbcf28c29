package dev.tenantflags.servlet;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /audit}: the audit log, newest first, paged with {@code before}; filters {@code flag},
 * {@code actor}, {@code tenant}. A TENANT_ADMIN must filter by its own tenant and nothing else
 * ({@link AccessPolicy#auditFilter}).
 */
final class AuditResource {

  private static final int DEFAULT_LIMIT = 50;

  private final EnvironmentClients environments;
  private final AccessPolicy policy;

  AuditResource(EnvironmentClients environments, AccessPolicy policy) {
    this.environments = environments;
    this.policy = policy;
  }

  void list(ApiCall c) throws IOException {
    String tenant = c.query("tenant");
    String flag = c.query("flag");
    String actor = c.query("actor");
    policy.auditFilter(c.caller, tenant, flag != null || actor != null);
    String env = environments.resolve(c.query("env"));
    int limit = c.intQuery("limit", DEFAULT_LIMIT, 1, AuditQuery.MAX_LIMIT);
    String before = c.query("before");
    Long beforeId = null;
    if (before != null) {
      try {
        beforeId = before.length() <= 19 ? Long.parseLong(before) : -1L;
      } catch (NumberFormatException e) {
        beforeId = -1L;
      }
      if (beforeId < 1) {
        throw Problem.badRequest(
            "before", "before must be a cursor returned as 'next': " + RequestBody.quote(before));
      }
    }
    if (flag != null) {
      PathParams.check("key", flag);
    }
    // Ask for one more than requested to know whether another page exists.
    int fetch = Math.min(limit + 1, AuditQuery.MAX_LIMIT);
    List<AuditEntry> found =
        policy
            .admin(c.caller, env)
            .audit(new AuditQuery(env, flag, actor, tenant, beforeId, fetch));
    boolean more = found.size() > limit || (fetch == limit && found.size() == limit);
    List<Object> entries = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, found.size()); i++) {
      entries.add(JsonSupport.audit(found.get(i)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", entries);
    body.put("next", more && !entries.isEmpty() ? String.valueOf(found.get(limit - 1).id()) : null);
    c.json(200, body);
  }
}
