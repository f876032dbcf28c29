package dev.tenantflags.servlet;

import static dev.tenantflags.servlet.AccessPolicy.Tenancy.NARROWED;
import static dev.tenantflags.servlet.AccessPolicy.Tenancy.NONE;
import static dev.tenantflags.servlet.AccessPolicy.Tenancy.OWN_TENANT;
import static dev.tenantflags.servlet.Role.ADMIN;
import static dev.tenantflags.servlet.Role.DEVELOPER;
import static dev.tenantflags.servlet.Role.EVALUATOR;
import static dev.tenantflags.servlet.Role.SDK;
import static dev.tenantflags.servlet.Role.VIEWER;

import dev.tenantflags.servlet.AccessPolicy.Tenancy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's routes as one table (SPEC §6): method, path template, least role, how a
 * TENANT_ADMIN is treated, handler. To add an endpoint, add a row here, a handler method on its
 * resource class, and a test (see CONTRIBUTING.md).
 *
 * <p>Dispatch: the path is matched against every template ({@code {name}} matches one segment, and
 * {@code {key}}, {@code {tenant}} and {@code {env}} are validated as such: 400); no template → 404;
 * a template with another method → 405 with {@code Allow}; then {@link AccessPolicy#route} checks
 * the role (403) and a TENANT_ADMIN's tenant (404) before the handler runs.
 *
 * <p>Thread safety: immutable after construction.
 */
final class ApiRouter {

  /** Handles one matched request. */
  @FunctionalInterface
  interface Handler {
    void handle(ApiCall call) throws IOException;
  }

  record Route(String method, String template, Role least, Tenancy tenancy, Handler handler) {
    Route {
      if (!template.startsWith("/")) {
        throw new IllegalArgumentException("template must start with '/': " + template);
      }
    }

    String[] parts() {
      return template.substring(1).split("/");
    }
  }

  private final List<Route> routes;
  private final AccessPolicy policy;

  ApiRouter(Resources r, AccessPolicy policy) {
    this.policy = policy;
    var status = r.status();
    var envs = r.environments();
    var flags = r.flags();
    var usage = r.usage();
    var tenants = r.tenants();
    var ovr = r.overrides();
    var audit = r.audit();
    var evaluate = r.evaluate();
    var tokens = r.tokens();
    var relay = r.relay();
    this.routes =
        List.of(
            // method, template, least role, tenant admin, handler
            route("GET", "/status", VIEWER, NONE, status::get),
            route("GET", "/environments", VIEWER, NARROWED, envs::list),
            route("POST", "/environments", ADMIN, NONE, envs::create),
            route("DELETE", "/environments/{env}", ADMIN, NONE, envs::delete),
            route("GET", "/flags", VIEWER, NONE, flags::list),
            route("POST", "/flags", DEVELOPER, NONE, flags::create),
            route("GET", "/flags/{key}", VIEWER, NONE, flags::get),
            route("PATCH", "/flags/{key}", DEVELOPER, NONE, flags::patch),
            route("DELETE", "/flags/{key}", ADMIN, NONE, flags::archive),
            route("POST", "/flags/{key}/kill", DEVELOPER, NONE, flags::kill),
            route("POST", "/flags/{key}/restore", ADMIN, NONE, flags::restore),
            route("GET", "/flags/{key}/history", VIEWER, NONE, flags::history),
            route("GET", "/flags/{key}/usage", VIEWER, NONE, usage::get),
            route("GET", "/flags/{key}/tenants", VIEWER, NONE, tenants::ofFlag),
            route("GET", "/flags/{key}/overrides", VIEWER, NARROWED, ovr::list),
            route("GET", "/flags/{key}/overrides/{tenant}", VIEWER, OWN_TENANT, ovr::get),
            route("PUT", "/flags/{key}/overrides/{tenant}", DEVELOPER, OWN_TENANT, ovr::put),
            route("DELETE", "/flags/{key}/overrides/{tenant}", DEVELOPER, OWN_TENANT, ovr::delete),
            route("GET", "/audit", VIEWER, NARROWED, audit::list),
            route("GET", "/tenants/{tenant}/flags", VIEWER, OWN_TENANT, tenants::flags),
            route("POST", "/evaluate", EVALUATOR, NARROWED, evaluate::many),
            route("GET", "/evaluate/{key}", EVALUATOR, NARROWED, evaluate::one),
            route("GET", "/tokens", ADMIN, NONE, tokens::list),
            route("POST", "/tokens", ADMIN, NONE, tokens::create),
            route("DELETE", "/tokens/{name}", ADMIN, NONE, tokens::revoke),
            route("GET", "/snapshot", SDK, NONE, relay::snapshot),
            route("GET", "/stream", SDK, NONE, relay::stream));
  }

  private static Route route(
      String method, String template, Role least, Tenancy tenancy, Handler handler) {
    return new Route(method, template, least, tenancy, handler);
  }

  List<Route> routes() {
    return routes;
  }

  /** Finds the call's route, checks access, and runs its handler. */
  void dispatch(ApiCall call) throws IOException {
    List<String> segments = call.api.segments;
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Map<String, String> params = match(route, segments);
      if (params == null) {
        continue;
      }
      if (!route.method.equals(call.method)) {
        allowed.add(route.method);
        continue;
      }
      call.params(params);
      policy.route(call.caller, route.least, route.tenancy, params.get("tenant"));
      route.handler.handle(call);
      return;
    }
    if (!allowed.isEmpty()) {
      throw new Problem(
              405,
              "method-not-allowed",
              "Method not allowed",
              "method " + RequestBody.quote(call.method) + " is not allowed here")
          .header("Allow", String.join(", ", allowed));
    }
    throw Problem.notFound("no such resource");
  }

  /** The template's variables when the path matches it, else null. */
  private static Map<String, String> match(Route route, List<String> segments) {
    String[] parts = route.parts();
    if (parts.length != segments.size()) {
      return null;
    }
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].startsWith("{") && !parts[i].equals(segments.get(i))) {
        return null;
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].startsWith("{")) {
        String name = parts[i].substring(1, parts[i].length() - 1);
        params.put(name, PathParams.check(name, segments.get(i)));
      }
    }
    return params;
  }

  /** The table as text, one row per line: what a reader (and a test) sees. */
  @Override
  public String toString() {
    List<String> lines = new ArrayList<>();
    for (Route r : routes) {
      lines.add(r.method + " " + r.template + " " + r.least + " " + r.tenancy);
    }
    return String.join("\n", lines);
  }
}
