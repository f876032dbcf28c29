package dev.tenantflags.servlet;

import dev.tenantflags.Evaluation;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.TenantKey;

/**
 * Who may do what (SPEC §6), decided here and nowhere else: roles, the tenant binding of a
 * TENANT_ADMIN (another tenant's things answer 404, so existence does not leak), protected
 * environments (every change needs ADMIN) and their one exception, a TENANT_ADMIN's own override of
 * a {@code tenantEditable}, unlocked flag.
 *
 * <p>Thread safety: immutable apart from the environment lookups it delegates, which are safe.
 */
final class AccessPolicy {

  /** How a route treats a TENANT_ADMIN, the role outside the EVALUATOR … ADMIN order. */
  enum Tenancy {
    /** A TENANT_ADMIN is refused (403) like any role below the route's least role. */
    NONE,
    /** A TENANT_ADMIN may call it for the route's {@code {tenant}} if that is its own, else 404. */
    OWN_TENANT,
    /** A TENANT_ADMIN may call it; the handler narrows what it sees through this policy. */
    NARROWED
  }

  private final EnvironmentClients environments;

  AccessPolicy(EnvironmentClients environments) {
    this.environments = environments;
  }

  /** The router's check, before any handler runs. */
  void route(Caller caller, Role least, Tenancy tenancy, String pathTenant) {
    if (caller.role() == Role.TENANT_ADMIN) {
      switch (tenancy) {
        case NONE -> throw needs(caller, least);
        case OWN_TENANT -> ownTenant(caller, pathTenant);
        case NARROWED -> {
          // the handler narrows
        }
      }
      return;
    }
    if (!caller.role().includes(least)) {
      throw needs(caller, least);
    }
  }

  /** A TENANT_ADMIN acting on {@code tenant}: its own, else 404. Other roles need {@code least}. */
  void tenant(Caller caller, String tenant, Role least) {
    if (caller.role() == Role.TENANT_ADMIN) {
      ownTenant(caller, tenant);
    } else if (!caller.role().includes(least)) {
      throw needs(caller, least);
    }
  }

  /** A change in {@code env} by an operator role: protected environments need ADMIN. */
  void change(Caller caller, String env) {
    if (caller.role() != Role.ADMIN && environments.isProtected(env)) {
      throw Problem.forbidden("environment '" + env + "' is protected: changes need role ADMIN")
          .with("environment", env);
    }
  }

  /**
   * Who may change a flag's override at all. Operators: DEVELOPER, and ADMIN in a protected
   * environment. A TENANT_ADMIN (its own tenant, checked by the router): a {@code tenantEditable}
   * flag, in any environment (SPEC §6's exception for protected environments).
   */
  void overrideChange(Caller caller, String env, Flag flag) {
    if (caller.role() != Role.TENANT_ADMIN) {
      change(caller, env);
    } else if (!flag.tenantEditable()) {
      throw Problem.forbidden("flag '" + flag.key() + "' is not tenant-editable")
          .with("flag", flag.key());
    }
  }

  /**
   * What a TENANT_ADMIN may set: never a lock, and not on when a prerequisite is off for its tenant
   * (409 naming the prerequisite). A locked override is refused by {@link
   * FlagAdmin#respectingLocks()} inside the write transaction. Operators may set anything.
   */
  void overrideValue(Caller caller, String env, Flag flag, boolean enabled, boolean locking) {
    if (caller.role() != Role.TENANT_ADMIN) {
      return;
    }
    if (locking) {
      throw new Problem(403, "override-locked", "Forbidden", "only an admin may lock an override")
          .with("field", "locked");
    }
    if (enabled) {
      prerequisitesOn(environments.client(env), flag, caller.tenant());
    }
  }

  /** The admin a caller changes things through: only ADMIN may touch locked overrides. */
  FlagAdmin admin(Caller caller, String env) {
    FlagAdmin admin = environments.client(env).admin(caller.name());
    return caller.role() == Role.ADMIN ? admin : admin.respectingLocks();
  }

  /** What a TENANT_ADMIN may filter the audit log by: exactly its own tenant, else 404. */
  void auditFilter(Caller caller, String tenantFilter, boolean otherFilters) {
    if (caller.role() != Role.TENANT_ADMIN) {
      if (!caller.role().includes(Role.VIEWER)) {
        throw needs(caller, Role.VIEWER);
      }
      return;
    }
    if (tenantFilter == null) {
      throw Problem.forbidden("a tenant admin must filter the audit log by its own tenant")
          .with("field", "tenant");
    }
    ownTenant(caller, tenantFilter);
    if (otherFilters) {
      throw Problem.forbidden("a tenant admin may filter its audit log by tenant only");
    }
  }

  private static void prerequisitesOn(FeatureFlags client, Flag flag, String tenant) {
    TenantKey key = TenantKey.of(tenant);
    for (String prerequisite : flag.prerequisites()) {
      Evaluation e = client.evaluate(prerequisite, key);
      if (!e.enabled()) {
        throw new Problem(
                409,
                "prerequisite-off",
                "Conflict",
                "prerequisite '"
                    + prerequisite
                    + "' of flag '"
                    + flag.key()
                    + "' is off for this tenant")
            .with("field", "prerequisites")
            .with("prerequisite", prerequisite)
            .with("flag", flag.key());
      }
    }
  }

  private static void ownTenant(Caller caller, String tenant) {
    if (!caller.tenant().equals(tenant)) {
      throw Problem.notFound("no such resource");
    }
  }

  private static Problem needs(Caller caller, Role least) {
    return Problem.forbidden(
        "this needs role " + least + "; caller '" + caller.name() + "' has " + caller.role());
  }
}
