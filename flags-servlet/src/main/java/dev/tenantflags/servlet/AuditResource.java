package dev.tenantflags.servlet;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.FlagAdmin;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /audit}: the audit log, newest first, paged with {@code before}; filters {@code flag},
 * {@code actor}, {@code tenant}, {@code action}. A TENANT_ADMIN must filter by its own tenant and
 * nothing else ({@link AccessPolicy#auditFilter}). A deleted environment's entries stay readable
 * ({@code env=} a name that no longer exists).
 *
 * <p>The store filters by flag, actor and tenant; {@code action} is applied here over at most
 * {@value #MAX_SCAN} entries per request, so the work stays bounded: when the scan stops early,
 * {@code next} is the last entry examined and the caller pages on as usual.
 */
final class AuditResource {

  private static final int DEFAULT_LIMIT = 50;
  static final int MAX_SCAN = 10 * AuditQuery.MAX_LIMIT;

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
    String env = auditEnvironment(c.query("env"));
    AuditAction action = action(c.query("action"));
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
    // Audit reads go to the store; the default environment's admin reads any environment's.
    FlagAdmin admin = policy.admin(c.caller, environments.defaultName());
    List<AuditEntry> page = new ArrayList<>();
    String next;
    if (action == null) {
      // Ask for one more than requested to know whether another page exists.
      int fetch = Math.min(limit + 1, AuditQuery.MAX_LIMIT);
      List<AuditEntry> found =
          admin.audit(new AuditQuery(env, flag, actor, tenant, beforeId, fetch));
      boolean more = found.size() > limit || (fetch == limit && found.size() == limit);
      page.addAll(found.subList(0, Math.min(limit, found.size())));
      next = more && !page.isEmpty() ? String.valueOf(found.get(limit - 1).id()) : null;
    } else {
      next =
          scan(
              admin,
              new AuditQuery(env, flag, actor, tenant, beforeId, AuditQuery.MAX_LIMIT),
              action,
              limit,
              page);
    }
    List<Object> entries = new ArrayList<>();
    for (AuditEntry e : page) {
      entries.add(JsonSupport.audit(e));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", entries);
    body.put("next", next);
    c.json(200, body);
  }

  /** Collects up to {@code limit} entries of one action; returns the {@code next} cursor. */
  private static String scan(
      FlagAdmin admin, AuditQuery first, AuditAction action, int limit, List<AuditEntry> out) {
    Long cursor = first.beforeId();
    int scanned = 0;
    while (scanned < MAX_SCAN) {
      List<AuditEntry> found =
          admin.audit(
              new AuditQuery(
                  first.environment(),
                  first.flagKey(),
                  first.actor(),
                  first.tenantId(),
                  cursor,
                  AuditQuery.MAX_LIMIT));
      for (AuditEntry e : found) {
        if (e.action() == action) {
          if (out.size() == limit) {
            return String.valueOf(out.get(limit - 1).id());
          }
          out.add(e);
        }
        cursor = e.id();
        scanned++;
      }
      if (found.size() < AuditQuery.MAX_LIMIT) {
        return null;
      }
    }
    return String.valueOf(cursor);
  }

  private static AuditAction action(String value) {
    if (value == null) {
      return null;
    }
    for (AuditAction a : AuditAction.values()) {
      if (a.name().equals(value)) {
        return a;
      }
    }
    throw Problem.badRequest(
        "action",
        "action must be one of " + List.of(AuditAction.values()) + ": " + RequestBody.quote(value));
  }

  /** The environment to read; a deleted one's entries stay readable under its name. */
  private String auditEnvironment(String requested) {
    try {
      return environments.resolve(requested);
    } catch (Problem p) {
      if (p.status != 404) {
        throw p;
      }
      return requested;
    }
  }
}
