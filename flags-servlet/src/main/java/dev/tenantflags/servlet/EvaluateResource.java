package dev.tenantflags.servlet;

import dev.tenantflags.Evaluation;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.TenantKey;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /evaluate} ({@code {tenant, attributes?, flags?}} → {@code {key: bool}}) and {@code
 * GET /evaluate/{key}?tenant=&<attr>=}. A TENANT_ADMIN evaluates for its own tenant only.
 */
final class EvaluateResource {

  private static final Set<String> FIELDS = Set.of("tenant", "attributes", "flags");
  private static final int MAX_FLAGS = 1000;

  private final EnvironmentClients environments;
  private final AccessPolicy policy;

  EvaluateResource(EnvironmentClients environments, AccessPolicy policy) {
    this.environments = environments;
    this.policy = policy;
  }

  void many(ApiCall c) throws IOException {
    RequestBody b = RequestBody.read(c.request, FIELDS, true);
    String tenant = b.requiredString("tenant");
    policy.tenant(c.caller, tenant, Role.EVALUATOR);
    String env = environments.resolve(c.query("env"));
    Map<String, String> attributes = b.stringMap("attributes");
    TenantKey key = tenantKey(tenant, attributes == null ? Map.of() : attributes);
    List<String> keys = b.strings("flags");
    FeatureFlags client = environments.client(env);
    Map<String, Boolean> result;
    if (keys == null) {
      result = client.evaluateAll(key);
    } else {
      if (keys.size() > MAX_FLAGS) {
        throw new FlagValidationException(
            "flags", "flags must hold at most " + MAX_FLAGS + " keys: " + keys.size());
      }
      result = new LinkedHashMap<>();
      for (String k : keys) {
        try {
          Flag.of(k);
        } catch (FlagValidationException e) {
          throw new FlagValidationException(
              "flags", "flags must hold flag keys: " + RequestBody.quote(String.valueOf(k)));
        }
        result.put(k, client.isEnabled(k, key));
      }
    }
    c.json(200, result);
  }

  void one(ApiCall c) throws IOException {
    String flagKey = c.param("key");
    String tenant = c.query("tenant");
    if (tenant == null || tenant.isEmpty()) {
      throw new FlagValidationException("tenant", "tenant is required");
    }
    policy.tenant(c.caller, tenant, Role.EVALUATOR);
    String env = environments.resolve(c.query("env"));
    Evaluation e =
        environments
            .client(env)
            .evaluate(flagKey, tenantKey(tenant, TenantsResource.attributes(c)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("key", flagKey);
    body.put("enabled", e.enabled());
    body.put("reason", e.reason().name());
    c.json(200, body);
  }

  /**
   * A key built in one pass: the canonical constructor checks SPEC §4's caps (100 attributes) and
   * each attribute once, answering a {@code FlagValidationException} naming {@code attributes}.
   */
  static TenantKey tenantKey(String tenant, Map<String, String> attributes) {
    return new TenantKey(tenant, attributes);
  }
}
