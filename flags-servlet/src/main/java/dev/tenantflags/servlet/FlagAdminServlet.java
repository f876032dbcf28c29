package dev.tenantflags.servlet;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Evaluation;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagNotFoundException;
import dev.tenantflags.FlagState;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.Scope;
import dev.tenantflags.Status;
import dev.tenantflags.TenantKey;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.FlagStoreException;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin REST API of SPEC §6: environments, flags, overrides, history, audit, tenant views and
 * evaluation, as JSON over HTTP with roles, protected environments, optimistic locking and an audit
 * entry for every change. docs/admin-monitoring.md documents every endpoint.
 *
 * <p>Routes are relative to the servlet's mapping: mount it at {@code /api/*} and the URLs are
 * {@code /api/flags}, {@code /api/flags/{key}}, … exactly as in the SPEC; mount it at {@code
 * /flags-admin/api/*} to put the API under {@code /flags-admin}.
 *
 * <pre>{@code
 * FlagAdminServlet api = FlagAdminServlet.builder()
 *     .flags(flags)                                   // client of the default environment
 *     .authenticator(BearerTokenAuthenticator.fromFile(Path.of("tokens.json")))
 *     .build();
 * context.addServlet(new ServletHolder(api), "/api/*");
 * }</pre>
 *
 * <p>For {@code web.xml}, the public no-arg constructor reads init-parameters: {@code
 * flags-attribute} (ServletContext attribute holding the default {@link FeatureFlags}, default
 * {@value FeatureFlagFilter#FLAGS_ATTRIBUTE}), {@code tokens-file} (use {@link
 * BearerTokenAuthenticator} with this file; otherwise an {@link Authenticator} in the
 * ServletContext attribute {@value #AUTHENTICATOR_ATTRIBUTE}, otherwise {@link
 * ContainerAuthenticator}), {@code require-if-match} ({@code true} makes PATCH without {@code
 * If-Match} a 428) and {@code cors-allowed-origins} (comma-separated origins, or {@code *}; CORS is
 * off when absent).
 *
 * <p>Other environments than the default one (the {@code env} query parameter) are served by
 * clients from the configured factory or, by default, clients created on first use on the default
 * client's store; the servlet closes the clients it obtained in {@link #destroy()} and never closes
 * the default client.
 *
 * <p>Thread safety: safe for concurrent use once initialised.
 */
public final class FlagAdminServlet extends HttpServlet {

  /*
   * Design note
   *
   * Request handling: authenticate (401) → route (404/405) → role (403) → tenant scoping for tenant
   * admins (404, so another tenant's existence does not leak) → environment exists (404) → protected
   * environment (403) → body (413/415/400) → the change through FlagAdmin, which validates, stores the
   * change with its audit entry atomically and refreshes the client (read-your-writes). Every failure,
   * at any step, is rendered as application/problem+json; only a bug gives 500 and a store outage 503.
   *
   * Concurrency: no mutable state but the map of per-environment clients (ConcurrentHashMap).
   */

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(FlagAdminServlet.class);

  /** The default ServletContext attribute an {@link Authenticator} is looked up under. */
  public static final String AUTHENTICATOR_ATTRIBUTE = "dev.tenantflags.servlet.Authenticator";

  private static final String JSON = "application/json";
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final int DEFAULT_AUDIT_LIMIT = 50;
  private static final int DEFAULT_HISTORY_LIMIT = 20;
  private static final int MAX_EVALUATE_FLAGS = 1000;

  private static final Set<String> FLAG_FIELDS =
      Set.of(
          "key",
          "description",
          "module",
          "state",
          "rolloutPercent",
          "rolloutSalt",
          "scope",
          "prerequisites",
          "tenantEditable",
          "tags",
          "comment");
  private static final Set<String> READ_ONLY_FLAG_FIELDS =
      Set.of("version", "updatedAt", "updatedBy", "archived");
  private static final Set<String> FLAG_BODY_FIELDS = union(FLAG_FIELDS, READ_ONLY_FLAG_FIELDS);
  private static final Set<String> OVERRIDE_FIELDS = Set.of("enabled", "locked", "note", "comment");
  private static final Set<String> ENVIRONMENT_FIELDS = Set.of("name", "protected", "comment");
  private static final Set<String> COMMENT_FIELDS = Set.of("comment");
  private static final Set<String> EVALUATE_FIELDS = Set.of("tenant", "attributes", "flags");
  private static final Set<String> RESERVED_QUERY = Set.of("env", "tenant");

  private transient FeatureFlags defaultClient;
  private transient Function<String, FeatureFlags> clientFactory;
  private transient Authenticator authenticator;
  private boolean requireIfMatch;
  private Set<String> allowedOrigins = Set.of();
  private final boolean built;
  private final transient Map<String, FeatureFlags> clients = new ConcurrentHashMap<>();

  /**
   * Creates a servlet configured from init-parameters in {@link #init(ServletConfig)} (for {@code
   * web.xml}).
   */
  public FlagAdminServlet() {
    this.built = false;
  }

  private FlagAdminServlet(Builder b) {
    this.built = true;
    this.defaultClient = b.flags;
    this.clientFactory = b.clientFactory;
    this.authenticator = b.authenticator;
    this.requireIfMatch = b.requireIfMatch;
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
  }

  /**
   * Starts building a servlet configured in code.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads init-parameters when created with the no-arg constructor, and finds missing collaborators
   * in the ServletContext.
   *
   * @throws ServletException if no {@link FeatureFlags} client can be found or a parameter is
   *     invalid
   */
  @Override
  public void init() throws ServletException {
    ServletConfig config = getServletConfig();
    try {
      if (defaultClient == null) {
        String name =
            orDefault(
                config.getInitParameter("flags-attribute"), FeatureFlagFilter.FLAGS_ATTRIBUTE);
        Object found = config.getServletContext().getAttribute(name);
        if (!(found instanceof FeatureFlags client)) {
          throw new ServletException(
              "FlagAdminServlet needs a FeatureFlags client in ServletContext attribute '"
                  + name
                  + "'");
        }
        defaultClient = client;
      }
      if (!built) {
        String tokens = config.getInitParameter("tokens-file");
        Object auth = config.getServletContext().getAttribute(AUTHENTICATOR_ATTRIBUTE);
        if (tokens != null && !tokens.isBlank()) {
          authenticator = BearerTokenAuthenticator.fromFile(Path.of(tokens.trim()));
        } else if (auth instanceof Authenticator a) {
          authenticator = a;
        } else {
          authenticator = new ContainerAuthenticator();
        }
        requireIfMatch =
            Boolean.parseBoolean(orDefault(config.getInitParameter("require-if-match"), "false"));
        allowedOrigins = origins(config.getInitParameter("cors-allowed-origins"));
      }
      if (authenticator == null) {
        authenticator = new ContainerAuthenticator();
      }
    } catch (RuntimeException e) {
      throw new ServletException("invalid FlagAdminServlet configuration: " + e.getMessage(), e);
    }
    LOG.info("flag admin API serving environment '{}' by default", defaultClient.environment());
  }

  /** Closes the clients this servlet obtained for other environments; never the default client. */
  @Override
  public void destroy() {
    for (FeatureFlags client : clients.values()) {
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a client failed", e);
      }
    }
    clients.clear();
  }

  // ---- dispatch ------------------------------------------------------------------------------

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    try {
      boolean corsAllowed = cors(request, response);
      String method = request.getMethod();
      if ("OPTIONS".equals(method) && request.getHeader("Access-Control-Request-Method") != null) {
        response.setStatus(
            corsAllowed ? HttpServletResponse.SC_NO_CONTENT : HttpServletResponse.SC_FORBIDDEN);
        return;
      }
      Caller caller = authenticator.authenticate(request).orElse(null);
      if (caller == null) {
        boolean presented = request.getHeader("Authorization") != null;
        throw new Problem(
                401,
                "unauthorized",
                "Unauthorized",
                presented ? "credentials are not valid" : "authentication is required")
            .header(
                "WWW-Authenticate",
                presented
                    ? "Bearer realm=\"tenantflags\", error=\"invalid_token\""
                    : "Bearer realm=\"tenantflags\"");
      }
      ApiRequest api = ApiRequest.of(request);
      route(new Call(request, response, caller, api, method));
    } catch (Problem p) {
      problem(request, response, p);
    } catch (FlagValidationException e) {
      problem(request, response, Problem.badRequest(e.field(), e.getMessage()));
    } catch (FlagNotFoundException e) {
      problem(request, response, Problem.notFound(e.getMessage()));
    } catch (FlagConflictException e) {
      problem(request, response, conflict(e));
    } catch (FlagStoreException e) {
      LOG.warn("flag store failed during an admin request: {}", e.toString());
      problem(
          request,
          response,
          new Problem(
                  503,
                  "store-unavailable",
                  "Service unavailable",
                  "the flag store is unavailable; try again")
              .header("Retry-After", "5"));
    } catch (IllegalArgumentException e) {
      // Core value types reject bad input with IllegalArgumentException subclasses; never a 500.
      problem(request, response, Problem.badRequest(null, e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("admin request failed unexpectedly", e);
      problem(
          request,
          response,
          new Problem(500, "internal-error", "Internal server error", "unexpected error"));
    }
  }

  private void route(Call c) throws IOException {
    ApiRequest a = c.api;
    int n = a.size();
    String first = n == 0 ? "" : a.segment(0);
    switch (first) {
      case "status" -> {
        if (n == 1 && method(c, "GET")) {
          status(c);
          return;
        }
      }
      case "environments" -> {
        if (n == 1 && method(c, "GET", "POST")) {
          if (c.is("GET")) {
            listEnvironments(c);
          } else {
            createEnvironment(c);
          }
          return;
        }
        if (n == 2 && method(c, "DELETE")) {
          deleteEnvironment(c, a.segment(1));
          return;
        }
      }
      case "flags" -> {
        if (n == 1 && method(c, "GET", "POST")) {
          if (c.is("GET")) {
            listFlags(c);
          } else {
            createFlag(c);
          }
          return;
        }
        if (n >= 2) {
          String key = flagKey(a.segment(1));
          if (n == 2 && method(c, "GET", "PATCH", "DELETE")) {
            switch (c.method) {
              case "GET" -> getFlag(c, key);
              case "PATCH" -> patchFlag(c, key);
              default -> archiveFlag(c, key);
            }
            return;
          }
          String sub = a.segment(2);
          if (n == 3 && sub.equals("kill") && method(c, "POST")) {
            killFlag(c, key);
            return;
          }
          if (n == 3 && sub.equals("restore") && method(c, "POST")) {
            restoreFlag(c, key);
            return;
          }
          if (n == 3 && sub.equals("history") && method(c, "GET")) {
            history(c, key);
            return;
          }
          if (n == 3 && sub.equals("overrides") && method(c, "GET")) {
            listOverrides(c, key);
            return;
          }
          if (n == 4 && sub.equals("overrides") && method(c, "GET", "PUT", "DELETE")) {
            String tenant = tenantId(a.segment(3));
            switch (c.method) {
              case "GET" -> getOverride(c, key, tenant);
              case "PUT" -> putOverride(c, key, tenant);
              default -> deleteOverride(c, key, tenant);
            }
            return;
          }
        }
      }
      case "audit" -> {
        if (n == 1 && method(c, "GET")) {
          audit(c);
          return;
        }
      }
      case "tenants" -> {
        if (n == 3 && a.segment(2).equals("flags") && method(c, "GET")) {
          tenantFlags(c, tenantId(a.segment(1)));
          return;
        }
      }
      case "evaluate" -> {
        if (n == 1 && method(c, "POST")) {
          evaluateMany(c);
          return;
        }
        if (n == 2 && method(c, "GET")) {
          evaluateOne(c, flagKey(a.segment(1)));
          return;
        }
      }
      default -> {
        // falls through to 404
      }
    }
    throw Problem.notFound("no such resource");
  }

  /** Whether the route allows the method; a known route with another method is a 405. */
  private static boolean method(Call c, String... allowed) {
    for (String m : allowed) {
      if (m.equals(c.method)) {
        return true;
      }
    }
    throw new Problem(
            405,
            "method-not-allowed",
            "Method not allowed",
            "method " + c.method + " is not allowed here")
        .header("Allow", String.join(", ", allowed));
  }

  // ---- status and environments --------------------------------------------------------------

  private void status(Call c) throws IOException {
    String env = environment(c);
    Status s = client(env).status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("environment", env);
    body.put("state", s.state().name());
    body.put("lastRefresh", s.lastRefresh() == null ? null : s.lastRefresh().toString());
    body.put("version", s.version());
    // The failure detail may name infrastructure; only operators see it.
    body.put("detail", c.caller.role().includes(Role.VIEWER) ? s.detail() : null);
    json(c, 200, body);
  }

  private void listEnvironments(Call c) throws IOException {
    require(c, Role.VIEWER);
    List<Object> list = new ArrayList<>();
    for (Environment e : environments().values()) {
      list.add(JsonSupport.environment(e, e.name().equals(defaultClient.environment())));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("default", defaultClient.environment());
    body.put("environments", list);
    json(c, 200, body);
  }

  private void createEnvironment(Call c) throws IOException {
    require(c, Role.ADMIN);
    RequestBody b = RequestBody.read(c.request, ENVIRONMENT_FIELDS, true);
    String name = b.requiredString("name");
    Boolean isProtected = b.bool("protected");
    Environment created =
        defaultClient
            .admin(c.caller.name())
            .createEnvironment(
                name,
                isProtected == null ? Environment.PRODUCTION.equals(name) : isProtected,
                b.string("comment"));
    c.response.setHeader("Location", base(c) + "/environments/" + created.name());
    json(
        c,
        201,
        JsonSupport.environment(created, created.name().equals(defaultClient.environment())));
  }

  private void deleteEnvironment(Call c, String name) throws IOException {
    require(c, Role.ADMIN);
    checkEnvironmentName(name, "environment");
    defaultClient.admin(c.caller.name()).deleteEnvironment(name, c.query("comment"));
    FeatureFlags removed = clients.remove(name);
    if (removed != null) {
      removed.close();
    }
    noContent(c);
  }

  // ---- flags
  // -------------------------------------------------------------------------------------

  private void listFlags(Call c) throws IOException {
    require(c, Role.VIEWER);
    String env = environment(c);
    String module = c.query("module");
    String tag = c.query("tag");
    String q = c.query("q");
    String needle = q == null ? null : q.toLowerCase(Locale.ROOT);
    String archived = c.query("archived");
    if (archived != null && !Set.of("true", "false", "all").contains(archived)) {
      throw Problem.badRequest(
          "archived",
          "archived must be true, false or all: '" + RequestBody.shorten(archived) + "'");
    }
    List<Object> out = new ArrayList<>();
    for (Flag f : admin(c, env).flags()) {
      boolean archivedOk =
          archived == null || archived.equals("false")
              ? !f.archived()
              : archived.equals("true") ? f.archived() : true;
      if (!archivedOk
          || (module != null && !module.equals(f.module()))
          || (tag != null && !f.tags().contains(tag))
          || (needle != null
              && !f.key().contains(needle)
              && !f.description().toLowerCase(Locale.ROOT).contains(needle))) {
        continue;
      }
      out.add(JsonSupport.flag(f));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("environment", env);
    body.put("flags", out);
    json(c, 200, body);
  }

  private void createFlag(Call c) throws IOException {
    String env = environment(c);
    requireChange(c, Role.DEVELOPER, env);
    RequestBody b = RequestBody.read(c.request, FLAG_BODY_FIELDS, true);
    rejectReadOnly(b);
    Flag flag = apply(b, Flag.of(b.requiredString("key")));
    Flag stored = admin(c, env).create(flag, b.string("comment"));
    c.response.setHeader("Location", flagUrl(c, env, stored.key()));
    flagResponse(c, 201, stored);
  }

  private void getFlag(Call c, String key) throws IOException {
    require(c, Role.VIEWER);
    String env = environment(c);
    flagResponse(c, 200, existingFlag(admin(c, env), key));
  }

  private void patchFlag(Call c, String key) throws IOException {
    String env = environment(c);
    requireChange(c, Role.DEVELOPER, env);
    long expected = ifMatch(c);
    RequestBody b = RequestBody.read(c.request, FLAG_BODY_FIELDS, true);
    rejectReadOnly(b);
    String newKey = b.string("key");
    if (b.has("key") && !key.equals(newKey)) {
      throw new FlagValidationException(
          "key", "key is immutable: '" + RequestBody.shorten(String.valueOf(newKey)) + "'");
    }
    // Validate the body against a throwaway flag first, so a bad body is a 400 even for a missing
    // flag.
    apply(b, Flag.of(key));
    UnaryOperator<Flag> change = f -> apply(b, f);
    Flag stored = admin(c, env).update(key, expected, change, b.string("comment"));
    flagResponse(c, 200, stored);
  }

  private void archiveFlag(Call c, String key) throws IOException {
    require(c, Role.ADMIN);
    String env = environment(c);
    flagResponse(c, 200, admin(c, env).archive(key, comment(c)));
  }

  private void restoreFlag(Call c, String key) throws IOException {
    require(c, Role.ADMIN);
    String env = environment(c);
    flagResponse(c, 200, admin(c, env).restore(key, comment(c)));
  }

  private void killFlag(Call c, String key) throws IOException {
    String env = environment(c);
    requireChange(c, Role.DEVELOPER, env);
    flagResponse(c, 200, admin(c, env).kill(key, comment(c)));
  }

  private void history(Call c, String key) throws IOException {
    require(c, Role.VIEWER);
    String env = environment(c);
    int limit = intQuery(c, "limit", DEFAULT_HISTORY_LIMIT, 1, AuditQuery.MAX_LIMIT);
    List<Object> entries = new ArrayList<>();
    for (AuditEntry e : admin(c, env).history(key, limit)) {
      entries.add(JsonSupport.audit(e));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("flagKey", key);
    body.put("entries", entries);
    json(c, 200, body);
  }

  private void audit(Call c) throws IOException {
    require(c, Role.VIEWER);
    String env = environment(c);
    int limit = intQuery(c, "limit", DEFAULT_AUDIT_LIMIT, 1, AuditQuery.MAX_LIMIT);
    String before = c.query("before");
    Long beforeId = null;
    if (before != null) {
      try {
        beforeId = Long.parseLong(before);
      } catch (NumberFormatException e) {
        beforeId = -1L;
      }
      if (beforeId < 1) {
        throw Problem.badRequest(
            "before",
            "before must be a cursor returned as 'next': '" + RequestBody.shorten(before) + "'");
      }
    }
    String flag = c.query("flag");
    if (flag != null) {
      flagKey(flag);
    }
    // Ask for one more than requested to know whether another page exists.
    int fetch = Math.min(limit + 1, AuditQuery.MAX_LIMIT);
    List<AuditEntry> found =
        admin(c, env)
            .audit(new AuditQuery(env, flag, c.query("actor"), c.query("tenant"), beforeId, fetch));
    boolean more = found.size() > limit || (fetch == limit && found.size() == limit);
    List<Object> entries = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, found.size()); i++) {
      entries.add(JsonSupport.audit(found.get(i)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", entries);
    body.put("next", more && !entries.isEmpty() ? String.valueOf(found.get(limit - 1).id()) : null);
    json(c, 200, body);
  }

  // ---- overrides -------------------------------------------------------------------------------

  private void listOverrides(Call c, String key) throws IOException {
    boolean tenantAdmin = c.caller.role() == Role.TENANT_ADMIN;
    if (!tenantAdmin) {
      require(c, Role.VIEWER);
    }
    String env = environment(c);
    FlagAdmin admin = admin(c, env);
    existingFlag(admin, key);
    List<Object> out = new ArrayList<>();
    if (tenantAdmin) {
      // A tenant admin sees its own override only; other tenants' do not exist for it.
      ownOverride(admin, key, c.caller.tenant()).ifPresent(o -> out.add(JsonSupport.override(o)));
    } else {
      for (TenantOverride o : admin.overrides(key)) {
        out.add(JsonSupport.override(o));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("flagKey", key);
    body.put("overrides", out);
    json(c, 200, body);
  }

  private void getOverride(Call c, String key, String tenant) throws IOException {
    requireTenantOrRole(c, tenant, Role.VIEWER);
    String env = environment(c);
    FlagAdmin admin = admin(c, env);
    existingFlag(admin, key);
    TenantOverride o =
        ownOverride(admin, key, tenant)
            .orElseThrow(
                () ->
                    Problem.notFound(
                        "override of flag '"
                            + key
                            + "' for tenant '"
                            + RequestBody.shorten(tenant)
                            + "' does not exist"));
    json(c, 200, JsonSupport.override(o));
  }

  private void putOverride(Call c, String key, String tenant) throws IOException {
    requireTenantOrRole(c, tenant, Role.DEVELOPER);
    String env = environment(c);
    FlagAdmin admin = admin(c, env);
    Flag flag = existingFlag(admin, key);
    requireChange(
        c, c.caller.role() == Role.TENANT_ADMIN ? Role.TENANT_ADMIN : Role.DEVELOPER, env);
    RequestBody b = RequestBody.read(c.request, OVERRIDE_FIELDS, true);
    Boolean enabled = b.bool("enabled");
    if (enabled == null) {
      throw new FlagValidationException("enabled", "enabled is required");
    }
    Boolean locked = b.bool("locked");
    String note = b.string("note");
    if (c.caller.role() == Role.TENANT_ADMIN) {
      checkTenantEditable(flag);
      if (Boolean.TRUE.equals(locked)) {
        throw new Problem(403, "override-locked", "Forbidden", "only an admin may lock an override")
            .with("field", "locked");
      }
      if (enabled) {
        checkPrerequisites(c, env, flag, tenant);
      }
    }
    TenantOverride stored =
        admin.setOverride(
            key, tenant, enabled, Boolean.TRUE.equals(locked), note, b.string("comment"));
    json(c, 200, JsonSupport.override(stored));
  }

  private void deleteOverride(Call c, String key, String tenant) throws IOException {
    requireTenantOrRole(c, tenant, Role.DEVELOPER);
    String env = environment(c);
    FlagAdmin admin = admin(c, env);
    Flag flag = existingFlag(admin, key);
    requireChange(
        c, c.caller.role() == Role.TENANT_ADMIN ? Role.TENANT_ADMIN : Role.DEVELOPER, env);
    if (c.caller.role() == Role.TENANT_ADMIN) {
      checkTenantEditable(flag);
    }
    admin.clearOverride(key, tenant, comment(c));
    noContent(c);
  }

  private static void checkTenantEditable(Flag flag) {
    if (!flag.tenantEditable()) {
      throw Problem.forbidden("flag '" + flag.key() + "' is not tenant-editable")
          .with("flag", flag.key());
    }
  }

  /** A tenant admin may not switch on what its tenant's prerequisites keep off (SPEC §6): 409. */
  private void checkPrerequisites(Call c, String env, Flag flag, String tenant) {
    FeatureFlags client = client(env);
    TenantKey key = TenantKey.of(tenant);
    for (String prerequisite : flag.prerequisites()) {
      if (!client.evaluate(prerequisite, key).enabled()) {
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

  private static Optional<TenantOverride> ownOverride(FlagAdmin admin, String key, String tenant) {
    for (TenantOverride o : admin.tenantOverrides(tenant)) {
      if (o.flagKey().equals(key)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  // ---- tenants and evaluation ----------------------------------------------------------------

  private void tenantFlags(Call c, String tenant) throws IOException {
    requireTenantOrRole(c, tenant, Role.VIEWER);
    String env = environment(c);
    FeatureFlags client = client(env);
    TenantKey key = tenantKey(tenant, attributes(c));
    Map<String, TenantOverride> overrides = new LinkedHashMap<>();
    for (TenantOverride o : admin(c, env).tenantOverrides(tenant)) {
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
    json(c, 200, body);
  }

  private void evaluateMany(Call c) throws IOException {
    RequestBody b = RequestBody.read(c.request, EVALUATE_FIELDS, true);
    String tenant = b.requiredString("tenant");
    requireTenantOrRole(c, tenant, Role.EVALUATOR);
    String env = environment(c);
    Map<String, String> attributes = b.stringMap("attributes");
    TenantKey key = tenantKey(tenant, attributes == null ? Map.of() : attributes);
    List<String> keys = b.strings("flags");
    FeatureFlags client = client(env);
    Map<String, Boolean> result;
    if (keys == null) {
      result = client.evaluateAll(key);
    } else {
      if (keys.size() > MAX_EVALUATE_FLAGS) {
        throw new FlagValidationException(
            "flags", "flags must hold at most " + MAX_EVALUATE_FLAGS + " keys: " + keys.size());
      }
      result = new LinkedHashMap<>();
      for (String k : keys) {
        try {
          Flag.of(k);
        } catch (FlagValidationException e) {
          throw new FlagValidationException(
              "flags",
              "flags must hold flag keys: '" + RequestBody.shorten(String.valueOf(k)) + "'");
        }
        result.put(k, client.isEnabled(k, key));
      }
    }
    json(c, 200, result);
  }

  private void evaluateOne(Call c, String flagKey) throws IOException {
    String tenant = c.query("tenant");
    if (tenant == null || tenant.isEmpty()) {
      throw new FlagValidationException("tenant", "tenant is required");
    }
    requireTenantOrRole(c, tenant, Role.EVALUATOR);
    String env = environment(c);
    Evaluation e = client(env).evaluate(flagKey, tenantKey(tenant, attributes(c)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("key", flagKey);
    body.put("enabled", e.enabled());
    body.put("reason", e.reason().name());
    json(c, 200, body);
  }

  private static Map<String, String> attributes(Call c) {
    Map<String, String> attributes = new LinkedHashMap<>();
    c.api.query.forEach(
        (name, value) -> {
          if (!RESERVED_QUERY.contains(name)) {
            attributes.put(name, value);
          }
        });
    return attributes;
  }

  private static TenantKey tenantKey(String tenant, Map<String, String> attributes) {
    TenantKey key = TenantKey.of(tenant);
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      key = key.with(a.getKey(), a.getValue());
    }
    return key;
  }

  // ---- authorisation
  // -----------------------------------------------------------------------------

  private static void require(Call c, Role least) {
    if (!c.caller.role().includes(least)) {
      throw Problem.forbidden(
          "this needs role " + least + "; caller '" + c.caller.name() + "' has " + c.caller.role());
    }
  }

  /**
   * A tenant admin may act on its own tenant only (another tenant: 404, existence does not leak);
   * everyone else needs {@code least}.
   */
  private static void requireTenantOrRole(Call c, String tenant, Role least) {
    if (c.caller.role() == Role.TENANT_ADMIN) {
      if (!c.caller.tenant().equals(tenant)) {
        throw Problem.notFound("no such resource");
      }
      return;
    }
    require(c, least);
  }

  /** A change: the role, and ADMIN in a protected environment (SPEC §2, §6). */
  private void requireChange(Call c, Role least, String env) {
    if (least != Role.TENANT_ADMIN) {
      require(c, least);
    }
    if (c.caller.role() != Role.ADMIN && environments().get(env).isProtected()) {
      throw Problem.forbidden("environment '" + env + "' is protected: changes need role ADMIN")
          .with("environment", env);
    }
  }

  // ---- helpers
  // ------------------------------------------------------------------------------------

  /** The environments that exist, the default one always included. */
  private Map<String, Environment> environments() {
    Map<String, Environment> out = new LinkedHashMap<>();
    String def = defaultClient.environment();
    boolean seenDefault = false;
    for (Environment e : defaultClient.store().environments()) {
      out.put(e.name(), e);
      seenDefault |= e.name().equals(def);
    }
    if (!seenDefault) {
      out.put(def, Environment.implicit(def));
    }
    return out;
  }

  /** The request's environment ({@code env}, else the default), which must exist. */
  private String environment(Call c) {
    String env = c.query("env");
    if (env == null || env.isEmpty() || env.equals(defaultClient.environment())) {
      return defaultClient.environment();
    }
    checkEnvironmentName(env, "env");
    if (!environments().containsKey(env)) {
      throw Problem.notFound("environment '" + env + "' does not exist");
    }
    return env;
  }

  private static void checkEnvironmentName(String env, String field) {
    if (!env.matches("[a-z0-9_-]{1,32}")) {
      throw Problem.badRequest(
          field, field + " must match ^[a-z0-9_-]{1,32}$: '" + RequestBody.shorten(env) + "'");
    }
  }

  private FeatureFlags client(String env) {
    if (env.equals(defaultClient.environment())) {
      return defaultClient;
    }
    return clients.computeIfAbsent(
        env,
        e -> {
          FeatureFlags created =
              clientFactory != null
                  ? clientFactory.apply(e)
                  : FeatureFlags.builder().store(defaultClient.store()).environment(e).build();
          if (!created.environment().equals(e)) {
            throw new IllegalStateException(
                "client factory returned a client of environment '"
                    + created.environment()
                    + "' for '"
                    + e
                    + "'");
          }
          return created;
        });
  }

  /** The admin for a change or read: ADMINs may change locked overrides, nobody else may. */
  private FlagAdmin admin(Call c, String env) {
    FlagAdmin admin = client(env).admin(c.caller.name());
    return c.caller.role() == Role.ADMIN ? admin : admin.respectingLocks();
  }

  private static Flag existingFlag(FlagAdmin admin, String key) {
    return admin.flag(key).orElseThrow(() -> Problem.notFound("flag '" + key + "' does not exist"));
  }

  private long ifMatch(Call c) {
    String header = c.request.getHeader("If-Match");
    if (header == null) {
      if (requireIfMatch) {
        throw new Problem(
                428,
                "if-match-required",
                "Precondition required",
                "this change needs an If-Match header with the flag's ETag")
            .with("field", "If-Match");
      }
      return FlagAdmin.ANY_VERSION;
    }
    String tag = header.trim();
    if (tag.equals("*")) {
      return FlagAdmin.ANY_VERSION;
    }
    if (tag.startsWith("W/")) {
      // If-Match uses strong comparison: a weak tag never matches.
      throw new Problem(
              412, "stale-version", "Precondition failed", "If-Match must be a strong ETag")
          .with("field", "If-Match");
    }
    if (tag.length() >= 3 && tag.startsWith("\"") && tag.endsWith("\"")) {
      try {
        long v = Long.parseLong(tag.substring(1, tag.length() - 1));
        if (v >= 1) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw Problem.badRequest(
        "If-Match",
        "If-Match must be a flag ETag such as \"3\": '" + RequestBody.shorten(tag) + "'");
  }

  private static void rejectReadOnly(RequestBody b) {
    for (String field : READ_ONLY_FLAG_FIELDS) {
      if (b.has(field)) {
        throw Problem.badRequest(
            field,
            field
                + " is read-only"
                + (field.equals("archived")
                    ? "; use DELETE to archive and POST .../restore to restore"
                    : ""));
      }
    }
  }

  /** Applies a flag body's present fields to a flag; absent fields keep their value. */
  private static Flag apply(RequestBody b, Flag flag) {
    Flag f = flag;
    if (b.has("description")) {
      f = f.withDescription(b.string("description"));
    }
    if (b.has("module")) {
      f = f.withModule(b.string("module"));
    }
    if (b.has("state")) {
      String state = b.requiredString("state");
      try {
        f = f.withState(FlagState.valueOf(state));
      } catch (IllegalArgumentException e) {
        throw new FlagValidationException(
            "state",
            "state must be one of OFF, ON, TARGETED, ROLLOUT: '"
                + RequestBody.shorten(state)
                + "'");
      }
    }
    if (b.has("rolloutPercent")) {
      BigDecimal percent = b.number("rolloutPercent");
      if (percent == null) {
        throw new FlagValidationException("rolloutPercent", "rolloutPercent must be a number");
      }
      f = f.withRolloutPercent(percent);
    }
    if (b.has("rolloutSalt")) {
      f = f.withRolloutSalt(b.string("rolloutSalt"));
    }
    if (b.has("scope")) {
      Map<String, Set<String>> axes = b.stringSets("scope");
      f = f.withScope(axes == null ? Scope.EMPTY : new Scope(axes));
    }
    if (b.has("prerequisites")) {
      List<String> p = b.strings("prerequisites");
      f = f.withPrerequisites(p == null ? List.of() : p);
    }
    if (b.has("tenantEditable")) {
      Boolean editable = b.bool("tenantEditable");
      if (editable == null) {
        throw new FlagValidationException("tenantEditable", "tenantEditable must be true or false");
      }
      f = f.withTenantEditable(editable);
    }
    if (b.has("tags")) {
      List<String> tags = b.strings("tags");
      f = f.withTags(tags == null ? List.of() : tags);
    }
    return f;
  }

  private static String flagKey(String segment) {
    try {
      return Flag.of(segment).key();
    } catch (FlagValidationException e) {
      throw Problem.badRequest(
          "key", "key must match ^[a-z][a-z0-9_.-]{0,63}$: '" + RequestBody.shorten(segment) + "'");
    }
  }

  private static String tenantId(String segment) {
    if (segment.length() > Tenants.MAX_ID) {
      throw Problem.badRequest(
          "tenant",
          "tenant must be at most " + Tenants.MAX_ID + " characters: " + segment.length());
    }
    return segment;
  }

  private static int intQuery(Call c, String name, int fallback, int min, int max) {
    String value = c.query(name);
    if (value == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(value);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest(
        name,
        name
            + " must be between "
            + min
            + " and "
            + max
            + ": '"
            + RequestBody.shorten(value)
            + "'");
  }

  /**
   * The comment of a body-less change: {@code ?comment=}, or a JSON body {@code {"comment": ...}}.
   */
  private static String comment(Call c) throws IOException {
    String fromQuery = c.query("comment");
    RequestBody b = RequestBody.read(c.request, COMMENT_FIELDS, false);
    String fromBody = b.string("comment");
    if (fromQuery != null && fromBody != null) {
      throw Problem.badRequest("comment", "comment must be given once, in the query or the body");
    }
    return fromQuery != null ? fromQuery : fromBody;
  }

  private static Problem conflict(FlagConflictException e) {
    return switch (e.kind()) {
      case ALREADY_EXISTS -> new Problem(409, "already-exists", "Conflict", e.getMessage());
      case STALE_VERSION ->
          new Problem(412, "stale-version", "Precondition failed", e.getMessage())
              .with("field", "If-Match");
      case LOCKED ->
          new Problem(403, "override-locked", "Forbidden", e.getMessage()).with("field", "locked");
    };
  }

  private static String base(Call c) {
    HttpServletRequest r = c.request;
    String servletPath =
        r.getHttpServletMapping() != null
                && r.getHttpServletMapping().getMappingMatch()
                    == jakarta.servlet.http.MappingMatch.PATH
            ? r.getServletPath()
            : "";
    return r.getContextPath() + servletPath;
  }

  private String flagUrl(Call c, String env, String key) {
    return base(c)
        + "/flags/"
        + key
        + (env.equals(defaultClient.environment()) ? "" : "?env=" + env);
  }

  private static void flagResponse(Call c, int status, Flag flag) throws IOException {
    c.response.setHeader("ETag", "\"" + flag.version() + "\"");
    json(c, status, JsonSupport.flag(flag));
  }

  private static void json(Call c, int status, Object body) throws IOException {
    byte[] bytes = JsonSupport.writeBytes(body);
    c.response.setStatus(status);
    c.response.setContentType(JSON);
    c.response.setContentLength(bytes.length);
    c.response.getOutputStream().write(bytes);
  }

  private static void noContent(Call c) {
    c.response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }

  private static void problem(HttpServletRequest request, HttpServletResponse response, Problem p)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    if (p.status != 413 && !RequestBody.drain(request)) {
      response.setHeader("Connection", "close");
    }
    response.resetBuffer();
    response.setHeader("ETag", null);
    response.setHeader("Location", null);
    p.headers.forEach(response::setHeader);
    byte[] bytes = JsonSupport.writeBytes(p.body());
    response.setStatus(p.status);
    response.setContentType(PROBLEM_JSON);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /** Adds CORS headers when the request's origin is allowed; returns whether it is. */
  private boolean cors(HttpServletRequest request, HttpServletResponse response) {
    String origin = request.getHeader("Origin");
    if (origin == null || allowedOrigins.isEmpty()) {
      return false;
    }
    if (!allowedOrigins.contains("*") && !allowedOrigins.contains(origin)) {
      return false;
    }
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.addHeader("Vary", "Origin");
    response.setHeader("Access-Control-Expose-Headers", "ETag, Location, WWW-Authenticate");
    if ("OPTIONS".equals(request.getMethod())) {
      response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match");
      response.setHeader("Access-Control-Max-Age", "600");
    }
    return true;
  }

  private static Set<String> origins(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }

  /** One request in flight. */
  private static final class Call {
    final HttpServletRequest request;
    final HttpServletResponse response;
    final Caller caller;
    final ApiRequest api;
    final String method;

    Call(
        HttpServletRequest request,
        HttpServletResponse response,
        Caller caller,
        ApiRequest api,
        String method) {
      this.request = request;
      this.response = response;
      this.caller = caller;
      this.api = api;
      this.method = method;
    }

    boolean is(String m) {
      return method.equals(m);
    }

    String query(String name) {
      return api.query.get(name);
    }
  }

  /**
   * Builds a {@link FlagAdminServlet} in code.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private FeatureFlags flags;
    private Function<String, FeatureFlags> clientFactory;
    private Authenticator authenticator;
    private boolean requireIfMatch;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Sets the client of the default environment (the one used when a request names no {@code
     * env}). When not set, {@link FlagAdminServlet#init()} looks it up in the ServletContext
     * attribute {@value FeatureFlagFilter#FLAGS_ATTRIBUTE}. The servlet never closes it.
     *
     * @param flags the client
     * @return this builder
     */
    public Builder flags(FeatureFlags flags) {
      this.flags = Objects.requireNonNull(flags, "flags");
      return this;
    }

    /**
     * Sets how clients of other environments are made (default: a client with default settings on
     * the default client's store). Called at most once per environment; the servlet closes what it
     * returns when destroyed or when the environment is deleted.
     *
     * @param factory environment name to a client of that environment
     * @return this builder
     */
    public Builder clientFactory(Function<String, FeatureFlags> factory) {
      this.clientFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Sets who callers are (default {@link ContainerAuthenticator}).
     *
     * @param authenticator the authenticator
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Makes {@code PATCH /flags/{key}} without {@code If-Match} fail with 428 (default: allowed,
     * last write wins).
     *
     * @param required whether If-Match is required
     * @return this builder
     */
    public Builder requireIfMatch(boolean required) {
      this.requireIfMatch = required;
      return this;
    }

    /**
     * Allows cross-origin calls from these origins (e.g. {@code https://console.example.com}, or
     * {@code *}); CORS is off by default.
     *
     * @param origins the allowed origins
     * @return this builder
     */
    public Builder corsAllowedOrigins(Collection<String> origins) {
      for (String o : origins) {
        if (o == null || o.isBlank()) {
          throw new IllegalArgumentException("origin must not be empty");
        }
        allowedOrigins.add(o.trim());
      }
      return this;
    }

    /**
     * Allows cross-origin calls from these origins.
     *
     * @param origins the allowed origins
     * @return this builder
     */
    public Builder corsAllowedOrigins(String... origins) {
      return corsAllowedOrigins(Arrays.asList(origins));
    }

    /**
     * Builds the servlet.
     *
     * @return the servlet
     */
    public FlagAdminServlet build() {
      return new FlagAdminServlet(this);
    }
  }
}
