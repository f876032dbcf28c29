package dev.tenantflags.servlet;

import dev.tenantflags.ApiToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /tokens} (ADMIN): list the store's API tokens (never secrets), create one (the secret is
 * in the 201 response and nowhere else), revoke one. Tokens are global; their audit entries go to
 * the request's environment. Tokens from configuration (a tokens file, {@code FLAGS_ADMIN_TOKEN})
 * are not the API's to revoke: 409.
 */
final class TokensResource {

  private static final Set<String> FIELDS = Set.of("name", "role", "tenant", "comment");

  private final EnvironmentClients environments;
  private final AccessPolicy policy;
  private final StoreTokenAuthenticator tokens;
  private final Set<String> configured;

  /**
   * @param tokens the store's tokens, or null when this API manages none (every call is a 404)
   * @param configured names of tokens from configuration
   */
  TokensResource(
      EnvironmentClients environments,
      AccessPolicy policy,
      StoreTokenAuthenticator tokens,
      Set<String> configured) {
    this.environments = environments;
    this.policy = policy;
    this.tokens = tokens;
    this.configured = Set.copyOf(configured);
  }

  void list(ApiCall c) throws IOException {
    List<Object> out = new ArrayList<>();
    for (ApiToken t : managed().tokens()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      m.put("role", t.role());
      m.put("tenant", t.tenant());
      m.put("createdAt", t.createdAt().toEpochMilli());
      m.put("createdBy", t.createdBy());
      m.put("lastUsedAt", t.lastUsedAt() == null ? null : t.lastUsedAt().toEpochMilli());
      out.add(m);
    }
    c.json(200, out);
  }

  void create(ApiCall c) throws IOException {
    StoreTokenAuthenticator store = managed();
    String env = environments.resolve(c.query("env"));
    RequestBody b = RequestBody.read(c.request, FIELDS, true);
    String name = b.requiredString("name");
    String roleName = b.requiredString("role");
    Role role;
    try {
      role = Role.valueOf(roleName);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(
          "role",
          "role must be one of EVALUATOR, SDK, VIEWER, DEVELOPER, ADMIN, TENANT_ADMIN: "
              + RequestBody.quote(roleName));
    }
    String tenant = b.string("tenant");
    if ((role == Role.TENANT_ADMIN) != (tenant != null)) {
      throw Problem.badRequest("tenant", "tenant is required for TENANT_ADMIN and only for it");
    }
    if (!name.matches("[A-Za-z0-9_.@-]{1,64}")) {
      throw Problem.badRequest(
          "name", "name must match [A-Za-z0-9_.@-]{1,64}: " + RequestBody.quote(name));
    }
    if (configured.contains(name)) {
      throw new Problem(
              409,
              "already-exists",
              "Conflict",
              "token '" + name + "' is configured in a tokens file or FLAGS_ADMIN_TOKEN")
          .with("field", "name");
    }
    Caller token = new Caller(name, role, tenant);
    String secret = store.create(token, policy.admin(c.caller, env), b.string("comment"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("role", role.name());
    m.put("tenant", tenant);
    ApiToken created =
        store.tokens().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    m.put("createdAt", created == null ? null : created.createdAt().toEpochMilli());
    m.put("createdBy", c.caller.name());
    m.put("token", secret);
    c.response.setHeader("Location", c.base() + "/tokens/" + name);
    c.json(201, m);
  }

  void revoke(ApiCall c) throws IOException {
    StoreTokenAuthenticator store = managed();
    String name = c.param("name");
    String env = environments.resolve(c.query("env"));
    if (!store.exists(name)) {
      if (configured.contains(name)) {
        throw new Problem(
                409,
                "not-revocable",
                "Conflict",
                "token '"
                    + name
                    + "' comes from a tokens file or FLAGS_ADMIN_TOKEN; remove it there and"
                    + " restart")
            .with("field", "name");
      }
      throw Problem.notFound("token " + RequestBody.quote(name) + " does not exist in the store");
    }
    store.revoke(name, policy.admin(c.caller, env), c.comment());
    c.noContent();
  }

  private StoreTokenAuthenticator managed() {
    if (tokens == null) {
      throw Problem.notFound("this API manages no tokens (no store tokens configured)");
    }
    return tokens;
  }
}
