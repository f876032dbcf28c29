package dev.tenantflags.servlet;

import dev.tenantflags.Environment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /environments}: list (VIEWER, and TENANT_ADMIN: names and {@code protected} only), create
 * and delete (ADMIN).
 */
final class EnvironmentsResource {

  private static final Set<String> FIELDS = Set.of("name", "protected", "comment");

  private final EnvironmentClients environments;

  EnvironmentsResource(EnvironmentClients environments) {
    this.environments = environments;
  }

  void list(ApiCall c) throws IOException {
    List<Object> list = new ArrayList<>();
    for (Environment e : environments.all().values()) {
      list.add(JsonSupport.environment(e, e.name().equals(environments.defaultName())));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("default", environments.defaultName());
    body.put("environments", list);
    // Who is asking, so the console can offer what this caller may do (the API still decides).
    Map<String, Object> caller = new LinkedHashMap<>();
    caller.put("name", c.caller.name());
    caller.put("role", c.caller.role().name());
    caller.put("tenant", c.caller.tenant());
    body.put("caller", caller);
    c.json(200, body);
  }

  void create(ApiCall c) throws IOException {
    RequestBody b = RequestBody.read(c.request, FIELDS, true);
    String name = b.requiredString("name");
    Boolean isProtected = b.bool("protected");
    Environment created =
        environments
            .defaultClient()
            .admin(c.caller.name())
            .createEnvironment(
                name,
                isProtected == null ? Environment.PRODUCTION.equals(name) : isProtected,
                b.string("comment"));
    c.response.setHeader("Location", c.base() + "/environments/" + created.name());
    c.json(
        201, JsonSupport.environment(created, created.name().equals(environments.defaultName())));
  }

  void delete(ApiCall c) throws IOException {
    String name = c.param("env");
    // The server's own environment is the one its clients serve: deleting it would wipe every flag
    // the application is evaluating in one call, and the environment would be recreated at once.
    if (name.equals(environments.defaultName())) {
      throw new Problem(
          409,
          "conflict",
          "Conflict",
          "environment "
              + RequestBody.quote(name)
              + " is this server's default environment and cannot be deleted; start the server"
              + " with another --environment first");
    }
    environments.defaultClient().admin(c.caller.name()).deleteEnvironment(name, c.query("comment"));
    environments.deleted(name);
    c.noContent();
  }
}
