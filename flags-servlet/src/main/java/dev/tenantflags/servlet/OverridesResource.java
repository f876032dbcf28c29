package dev.tenantflags.servlet;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.TenantOverride;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /flags/{key}/overrides[/{tenant}]}: list, read, set and clear tenant overrides. A
 * TENANT_ADMIN sees and changes its own tenant's override only; {@link AccessPolicy} decides.
 */
final class OverridesResource {

  private static final Set<String> FIELDS = Set.of("enabled", "locked", "note", "comment");

  private final EnvironmentClients environments;
  private final AccessPolicy policy;

  OverridesResource(EnvironmentClients environments, AccessPolicy policy) {
    this.environments = environments;
    this.policy = policy;
  }

  void list(ApiCall c) throws IOException {
    String key = c.param("key");
    String env = environments.resolve(c.query("env"));
    FlagAdmin admin = policy.admin(c.caller, env);
    FlagsResource.existing(admin, key);
    List<Object> out = new ArrayList<>();
    if (c.isTenantAdmin()) {
      // A tenant admin sees its own override only; other tenants' do not exist for it.
      admin.override(key, c.caller.tenant()).ifPresent(o -> out.add(JsonSupport.override(o)));
    } else {
      for (TenantOverride o : admin.overrides(key)) {
        out.add(JsonSupport.override(o));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("flagKey", key);
    body.put("overrides", out);
    c.json(200, body);
  }

  void get(ApiCall c) throws IOException {
    String key = c.param("key");
    String tenant = c.param("tenant");
    String env = environments.resolve(c.query("env"));
    FlagAdmin admin = policy.admin(c.caller, env);
    FlagsResource.existing(admin, key);
    TenantOverride o =
        admin
            .override(key, tenant)
            .orElseThrow(
                () ->
                    Problem.notFound(
                        "override of flag '"
                            + key
                            + "' for tenant "
                            + RequestBody.quote(tenant)
                            + " does not exist"));
    c.json(200, JsonSupport.override(o));
  }

  void put(ApiCall c) throws IOException {
    String key = c.param("key");
    String tenant = c.param("tenant");
    String env = environments.resolve(c.query("env"));
    FlagAdmin admin = policy.admin(c.caller, env);
    Flag flag = FlagsResource.existing(admin, key);
    policy.overrideChange(c.caller, env, flag);
    RequestBody b = RequestBody.read(c.request, FIELDS, true);
    Boolean enabled = b.bool("enabled");
    if (enabled == null) {
      throw new FlagValidationException("enabled", "enabled is required");
    }
    boolean locked = Boolean.TRUE.equals(b.bool("locked"));
    policy.overrideValue(c.caller, env, flag, enabled, locked);
    TenantOverride stored =
        admin.setOverride(key, tenant, enabled, locked, b.string("note"), b.string("comment"));
    c.json(200, JsonSupport.override(stored));
  }

  void delete(ApiCall c) throws IOException {
    String key = c.param("key");
    String tenant = c.param("tenant");
    String env = environments.resolve(c.query("env"));
    FlagAdmin admin = policy.admin(c.caller, env);
    Flag flag = FlagsResource.existing(admin, key);
    policy.overrideChange(c.caller, env, flag);
    admin.clearOverride(key, tenant, c.comment());
    c.noContent();
  }
}
