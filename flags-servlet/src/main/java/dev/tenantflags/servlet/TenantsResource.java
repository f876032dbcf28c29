package dev.tenantflags.servlet;

import dev.tenantflags.Evaluation;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.TenantKey;
import dev.tenantflags.TenantOverride;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tenants and flags: {@code GET /tenants/{tenant}/flags} (a tenant's effective value of every flag,
 * with overrides) and {@code GET /flags/{key}/tenants} (which tenants have a flag through an
 * override or a tenant scope, and the rollout's estimate over the tenants the store knows).
 */
final class TenantsResource {

  private static final Set<String> RESERVED_QUERY = Set.of("env", "tenant");

  private final EnvironmentClients environments;
  private final AccessPolicy policy;

  TenantsResource(EnvironmentClients environments, AccessPolicy policy) {
    this.environments = environments;
    this.policy = policy;
  }

  void flags(ApiCall c) throws IOException {
    String tenant = c.param("tenant");
    String env = environments.resolve(c.query("env"));
    FeatureFlags client = environments.client(env);
    TenantKey key = EvaluateResource.tenantKey(tenant, attributes(c));
    Map<String, TenantOverride> overrides = new LinkedHashMap<>();
    for (TenantOverride o : policy.admin(c.caller, env).tenantOverrides(tenant)) {
      overrides.put(o.flagKey(), o);
    }
    List<Object> out = new ArrayList<>();
    for (Flag f : client.flags()) {
      if (f.archived()) {
        continue;
      }
      Evaluation e = client.evaluate(f.key(), key);
      TenantOverride o = overrides.get(f.key());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", f.key());
      m.put("description", f.description());
      m.put("module", f.module());
      m.put("state", f.state().name());
      m.put("tenantEditable", f.tenantEditable());
      m.put("prerequisites", f.prerequisites());
      m.put("tags", f.tags());
      m.put("enabled", e.enabled());
      m.put("reason", e.reason().name());
      m.put("overridden", o != null);
      m.put("locked", o != null && o.locked());
      m.put("override", o == null ? null : JsonSupport.override(o));
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tenant", tenant);
    body.put("environment", env);
    body.put("flags", out);
    c.json(200, body);
  }

  void ofFlag(ApiCall c) throws IOException {
    String key = c.param("key");
    String env = environments.resolve(c.query("env"));
    FlagAdmin admin = policy.admin(c.caller, env);
    Flag flag = FlagsResource.existing(admin, key);
    List<Object> overrides = new ArrayList<>();
    Set<String> known = new TreeSet<>();
    for (TenantOverride o : admin.overrides(key)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("tenant", o.tenantId());
      m.put("enabled", o.enabled());
      m.put("locked", o.locked());
      overrides.add(m);
    }
    Set<String> scopeTenants =
        new TreeSet<>(flag.scope().axes().getOrDefault(TenantKey.TENANT_ATTRIBUTE, Set.of()));
    Map<String, Object> rollout = null;
    if (flag.state() == FlagState.ROLLOUT) {
      for (TenantOverride o : admin.allOverrides().overrides()) {
        known.add(o.tenantId());
      }
      FeatureFlags client = environments.client(env);
      long on = 0;
      for (String t : known) {
        if (client.isEnabled(key, TenantKey.of(t))) {
          on++;
        }
      }
      rollout = new LinkedHashMap<>();
      rollout.put("percent", BigDecimal.valueOf(flag.rolloutBasisPoints(), 2).stripTrailingZeros());
      rollout.put("knownTenants", known.size());
      rollout.put("estimatedOn", on);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("flag", key);
    body.put("overrides", overrides);
    body.put("scopeTenants", scopeTenants);
    body.put("rollout", rollout);
    c.json(200, body);
  }

  /** Query parameters other than {@code env} and {@code tenant} are tenant attributes. */
  static Map<String, String> attributes(ApiCall c) {
    Map<String, String> attributes = new LinkedHashMap<>();
    c.api.query.forEach(
        (name, value) -> {
          if (!RESERVED_QUERY.contains(name)) {
            attributes.put(name, value);
          }
        });
    return attributes;
  }
}
