package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.InMemoryFlagStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The route table as a reader sees it: SPEC §6's endpoints, each once, with its least role and how
 * a TENANT_ADMIN is treated. Adding an endpoint adds a line here.
 */
final class ApiRouterTest {

  private static final String EXPECTED =
      String.join(
          "\n",
          "GET /status VIEWER NONE",
          "GET /environments VIEWER NARROWED",
          "POST /environments ADMIN NONE",
          "DELETE /environments/{env} ADMIN NONE",
          "GET /flags VIEWER NONE",
          "POST /flags DEVELOPER NONE",
          "GET /flags/{key} VIEWER NONE",
          "PATCH /flags/{key} DEVELOPER NONE",
          "DELETE /flags/{key} ADMIN NONE",
          "POST /flags/{key}/kill DEVELOPER NONE",
          "POST /flags/{key}/restore ADMIN NONE",
          "GET /flags/{key}/history VIEWER NONE",
          "GET /flags/{key}/usage VIEWER NONE",
          "GET /flags/{key}/tenants VIEWER NONE",
          "GET /flags/{key}/overrides VIEWER NARROWED",
          "GET /flags/{key}/overrides/{tenant} VIEWER OWN_TENANT",
          "PUT /flags/{key}/overrides/{tenant} DEVELOPER OWN_TENANT",
          "DELETE /flags/{key}/overrides/{tenant} DEVELOPER OWN_TENANT",
          "GET /audit VIEWER NARROWED",
          "GET /tenants/{tenant}/flags VIEWER OWN_TENANT",
          "POST /evaluate EVALUATOR NARROWED",
          "GET /evaluate/{key} EVALUATOR NARROWED",
          "GET /tokens ADMIN NONE",
          "POST /tokens ADMIN NONE",
          "DELETE /tokens/{name} ADMIN NONE",
          "GET /snapshot SDK NONE",
          "GET /stream SDK NONE");

  private static ApiRouter router(FeatureFlags flags) {
    EnvironmentClients envs = new EnvironmentClients(flags, null);
    AccessPolicy policy = new AccessPolicy(envs);
    UsageResource usage = new UsageResource(envs, Duration.ofDays(30), Clock.systemUTC());
    return new ApiRouter(
        new Resources(
            new StatusResource(envs),
            new EnvironmentsResource(envs),
            new FlagsResource(envs, policy, usage, false),
            usage,
            new TenantsResource(envs, policy),
            new OverridesResource(envs, policy),
            new AuditResource(envs, policy),
            new EvaluateResource(envs, policy),
            new TokensResource(envs, policy, null, Set.of()),
            new RelayResource(envs, null)),
        policy);
  }

  @Test
  void table_isSpecSection6() {
    try (FeatureFlags flags =
        FeatureFlags.builder().store(new InMemoryFlagStore()).environment("test").build()) {
      assertThat(router(flags).toString()).isEqualTo(EXPECTED);
    }
  }

  @Test
  void table_eachMethodAndTemplateOnce_tenantRoutesNameTheirTenant() {
    try (FeatureFlags flags =
        FeatureFlags.builder().store(new InMemoryFlagStore()).environment("test").build()) {
      Set<String> seen = new HashSet<>();
      for (ApiRouter.Route r : router(flags).routes()) {
        assertThat(seen.add(r.method() + " " + r.template())).as(r.toString()).isTrue();
        if (r.tenancy() == AccessPolicy.Tenancy.OWN_TENANT) {
          assertThat(r.template()).contains("{tenant}");
        }
        assertThat(r.least()).isNotEqualTo(Role.TENANT_ADMIN);
      }
    }
  }
}
