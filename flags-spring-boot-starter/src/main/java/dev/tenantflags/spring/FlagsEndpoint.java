package dev.tenantflags.spring;

import dev.tenantflags.Evaluation;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.Status;
import dev.tenantflags.TenantKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The actuator endpoint {@code flags}: {@code GET /actuator/flags} answers the client's status and
 * its flags; {@code GET /actuator/flags/{tenant}} evaluates every flag for one tenant (value and
 * reason). Expose it like any endpoint ({@code management.endpoints.web.exposure.include=flags})
 * and secure it like the rest of the actuator: it reveals flag configuration.
 *
 * <p>Thread safety: stateless; reads the client's immutable snapshot.
 */
@Endpoint(id = "flags")
public class FlagsEndpoint {

  private final FeatureFlags flags;

  /**
   * Creates the endpoint.
   *
   * @param flags the client
   */
  public FlagsEndpoint(FeatureFlags flags) {
    this.flags = flags;
  }

  /**
   * Returns the status and the flags.
   *
   * @return {@code {environment, status: {state, lastRefresh, version, detail}, flags: [...]}}
   */
  @ReadOperation
  public Map<String, Object> flags() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("environment", flags.environment());
    body.put("status", status(flags.status()));
    List<Map<String, Object>> list = new ArrayList<>();
    for (Flag flag : flags.flags()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("key", flag.key());
      f.put("state", flag.state().name());
      f.put("rolloutPercent", flag.rolloutPercent());
      f.put("archived", flag.archived());
      f.put("version", flag.version());
      f.put("description", flag.description());
      list.add(f);
    }
    body.put("flags", list);
    return body;
  }

  /**
   * Evaluates every flag for one tenant.
   *
   * @param tenant the tenant id
   * @return {@code {tenant, flags: {key: {enabled, reason}}}}
   */
  @ReadOperation
  public Map<String, Object> tenant(@Selector String tenant) {
    TenantKey key = TenantKey.of(tenant);
    Map<String, Object> results = new LinkedHashMap<>();
    for (Flag flag : flags.flags()) {
      if (flag.archived()) {
        continue;
      }
      // explain(): the endpoint shows values without counting as the application's use (SPEC §8).
      Evaluation evaluation = flags.explain(flag.key(), key);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("enabled", evaluation.enabled());
      r.put("reason", evaluation.reason().name());
      results.put(flag.key(), r);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tenant", tenant);
    body.put("flags", results);
    return body;
  }

  private static Map<String, Object> status(Status status) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("state", status.state().name());
    s.put("lastRefresh", status.lastRefresh() == null ? null : status.lastRefresh().toString());
    s.put("version", status.version());
    s.put("detail", status.detail());
    return s;
  }
}
