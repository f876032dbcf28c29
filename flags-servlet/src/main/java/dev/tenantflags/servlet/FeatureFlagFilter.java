package dev.tenantflags.servlet;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.TenantKey;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gates routes per tenant (SPEC §5): maps request paths to flag keys and, when the flag is off for
 * the request's tenant, answers 404 (the route does not exist for them) or 403 with an {@code
 * application/problem+json} body naming the flag.
 *
 * <p>Patterns are servlet-style and matched against the path inside the context (servlet path plus
 * path info, decoded): exact ({@code /api/v1/export}), prefix ({@code /api/v1/kyc/*}, which also
 * matches {@code /api/v1/kyc}) and extension ({@code *.csv}). Exact beats the longest prefix, which
 * beats an extension; an exact pattern also matches its twin with one trailing slash ({@code
 * /api/v1/export/}). Requests matching no pattern pass untouched. The tenant comes from a {@link
 * TenantResolver} (default: {@link TenantResolver#defaults()}); a request without a tenant is
 * treated as if the flag were off.
 *
 * <p>Whenever a tenant was resolved, the filter stores a {@link RequestFlags} under {@link
 * RequestFlags#ATTRIBUTE} for downstream code.
 *
 * <p>Configure programmatically with {@link #builder()}, or in {@code web.xml} with the public
 * no-arg constructor and these init-parameters:
 *
 * <table>
 * <caption>init-parameters</caption>
 * <tr><th>name</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code routes}</td><td>{@code pattern = flag_key} pairs separated by commas or new lines</td><td>none</td></tr>
 * <tr><td>{@code deny-status}</td><td>{@code 404} or {@code 403}</td><td>{@code 404}</td></tr>
 * <tr><td>{@code tenant-attribute}</td><td>request attribute read first</td><td>{@value TenantResolver#DEFAULT_ATTRIBUTE}</td></tr>
 * <tr><td>{@code trust-tenant-header}</td><td>{@code true} to read the tenant header after the attribute; only where a gateway sets it, since any client can send a header</td><td>{@code false}</td></tr>
 * <tr><td>{@code tenant-header}</td><td>the header read when trusted ({@code none} to disable)</td><td>{@value TenantResolver#DEFAULT_HEADER}</td></tr>
 * <tr><td>{@code flags-attribute}</td><td>ServletContext attribute holding the {@link FeatureFlags}</td><td>{@value #FLAGS_ATTRIBUTE}</td></tr>
 * </table>
 *
 * <p>The filter never wraps the request or response and does nothing after the chain returns, so it
 * is safe to register with async support ({@code <async-supported>true</async-supported>}, {@code
 * registration.setAsyncSupported(true)}).
 *
 * <p>Thread safety: safe for concurrent use once initialised; a request costs one path walk, one
 * tenant resolution and one flag evaluation, with no lock and no allocation beyond the resolver's.
 */
public final class FeatureFlagFilter implements Filter {

  /**
   * The default ServletContext attribute holding the {@link FeatureFlags} client: its class name.
   */
  public static final String FLAGS_ATTRIBUTE = "dev.tenantflags.FeatureFlags";

  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlagFilter.class);
  private static final String PROBLEM_JSON = "application/problem+json";

  private FeatureFlags flags;
  private RouteTable routes;
  private TenantResolver resolver;
  private int denyStatus;
  private boolean exposeRequestFlags = true;
  private Refusals refusals = new Refusals(java.util.List.of());

  /** Flag key to the pre-rendered 403 body, so denying allocates nothing. */
  private Map<String, byte[]> forbiddenBodies = Map.of();

  private final boolean configured;

  /**
   * Creates a filter configured from init-parameters in {@link #init(FilterConfig)} (for {@code
   * web.xml} and {@code @WebFilter}-free container registration).
   */
  public FeatureFlagFilter() {
    this.configured = false;
  }

  private FeatureFlagFilter(Builder b) {
    this.flags = b.flags;
    this.routes = RouteTable.of(b.routes);
    this.resolver = b.resolver;
    this.denyStatus = b.denyStatus;
    this.exposeRequestFlags = b.exposeRequestFlags;
    this.forbiddenBodies = render(routes);
    this.refusals = new Refusals(routes.patterns().values());
    this.configured = true;
  }

  /**
   * Starts building a filter configured in code.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the init-parameters (when built with the no-arg constructor) and, when no client was
   * given, finds the {@link FeatureFlags} client in the ServletContext.
   *
   * @param config the filter configuration
   * @throws ServletException if the client cannot be found or an init-parameter is invalid
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    if (configured && flags != null) {
      return;
    }
    try {
      if (!configured) {
        routes = RouteTable.parse(config.getInitParameter("routes"));
        denyStatus = denyStatus(config.getInitParameter("deny-status"));
        String attribute =
            InitParams.orDefault(
                config.getInitParameter("tenant-attribute"), TenantResolver.DEFAULT_ATTRIBUTE);
        String header =
            InitParams.orDefault(
                config.getInitParameter("tenant-header"), TenantResolver.DEFAULT_HEADER);
        boolean trustHeader = trust(config.getInitParameter("trust-tenant-header"));
        resolver =
            !trustHeader || "none".equalsIgnoreCase(header)
                ? TenantResolver.attribute(attribute)
                : TenantResolver.attribute(attribute).orElse(TenantResolver.header(header));
        forbiddenBodies = render(routes);
        refusals = new Refusals(routes.patterns().values());
      }
      String flagsAttribute =
          InitParams.orDefault(config.getInitParameter("flags-attribute"), FLAGS_ATTRIBUTE);
      Object found = config.getServletContext().getAttribute(flagsAttribute);
      if (!(found instanceof FeatureFlags client)) {
        throw new ServletException(
            "FeatureFlagFilter needs a FeatureFlags client in ServletContext attribute '"
                + flagsAttribute
                + "' (found "
                + (found == null ? "nothing" : found.getClass().getName())
                + ")");
      }
      flags = client;
    } catch (IllegalArgumentException e) {
      throw new ServletException("invalid FeatureFlagFilter configuration: " + e.getMessage(), e);
    }
    LOG.info(
        "feature flag filter gates {} route patterns in environment '{}'",
        routes.patterns().size(),
        flags.environment());
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    TenantKey tenant = resolver.resolve(request);
    if (tenant != null && exposeRequestFlags) {
      request.setAttribute(RequestFlags.ATTRIBUTE, new RequestFlags(flags, tenant));
    }
    String servletPath = request.getServletPath();
    String flag = routes.match(servletPath == null ? "" : servletPath, request.getPathInfo());
    if (flag == null || (tenant != null && flags.isEnabled(flag, tenant))) {
      chain.doFilter(request, response);
      return;
    }
    refusals.record(flags, flag, System.nanoTime());
    deny(response, flag);
  }

  private void deny(HttpServletResponse response, String flag) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    if (denyStatus == HttpServletResponse.SC_NOT_FOUND) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    byte[] body = forbiddenBodies.get(flag);
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType(PROBLEM_JSON);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  @Override
  public void destroy() {
    // The client belongs to the application, which closes it.
  }

  /**
   * Returns the configured patterns, pattern to flag key.
   *
   * @return the routes
   */
  public Map<String, String> routes() {
    return routes == null ? Map.of() : routes.patterns();
  }

  private static Map<String, byte[]> render(RouteTable routes) {
    Map<String, byte[]> bodies = new HashMap<>();
    for (String flag : routes.patterns().values()) {
      Map<String, Object> problem = new LinkedHashMap<>();
      problem.put("type", Problem.TYPE_PREFIX + "feature-disabled");
      problem.put("title", "Feature not enabled");
      problem.put("status", 403);
      problem.put("detail", "feature '" + flag + "' is not enabled for this tenant");
      problem.put("flag", flag);
      bodies.put(flag, JsonSupport.write(problem).getBytes(StandardCharsets.UTF_8));
    }
    return Map.copyOf(bodies);
  }

  private static int denyStatus(String value) {
    if (value == null || value.isBlank()) {
      return HttpServletResponse.SC_NOT_FOUND;
    }
    return switch (value.trim()) {
      case "404" -> HttpServletResponse.SC_NOT_FOUND;
      case "403" -> HttpServletResponse.SC_FORBIDDEN;
      default ->
          throw new IllegalArgumentException("deny-status must be 404 or 403: '" + value + "'");
    };
  }

  private static boolean trust(String value) {
    if (value == null || value.isBlank()) {
      return false;
    }
    return switch (value.trim()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "trust-tenant-header must be true or false: '" + value + "'");
    };
  }

  Refusals refusals() {
    return refusals;
  }

  /**
   * Builds a {@link FeatureFlagFilter} in code. Setters validate at once.
   *
   * <pre>{@code
   * FeatureFlagFilter filter = FeatureFlagFilter.builder()
   *     .flags(flags)
   *     .route("/api/v1/kyc/*", "kyc_tiers")
   *     .route("/api/v1/disputes/*", "dispute_composer")
   *     .denyStatus(403)
   *     .build();
   * }</pre>
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private FeatureFlags flags;
    private final Map<String, String> routes = new LinkedHashMap<>();
    private TenantResolver resolver = TenantResolver.defaults();
    private boolean trustTenantHeader;
    private int denyStatus = HttpServletResponse.SC_NOT_FOUND;
    private boolean exposeRequestFlags = true;

    private Builder() {}

    /**
     * Sets whether the filter stores a {@link RequestFlags} on requests whose tenant it resolved
     * (default true). Turn it off when nothing downstream reads it, to save one small allocation
     * and one request attribute per request.
     *
     * @param expose whether to set {@link RequestFlags#ATTRIBUTE}
     * @return this builder
     */
    public Builder exposeRequestFlags(boolean expose) {
      this.exposeRequestFlags = expose;
      return this;
    }

    /**
     * Sets the client to evaluate with. When not set, {@link FeatureFlagFilter#init} looks it up in
     * the ServletContext attribute {@value #FLAGS_ATTRIBUTE}.
     *
     * @param flags the client
     * @return this builder
     */
    public Builder flags(FeatureFlags flags) {
      this.flags = Objects.requireNonNull(flags, "flags");
      return this;
    }

    /**
     * Gates a path pattern with a flag.
     *
     * @param pattern an exact path, {@code /prefix/*} or {@code *.ext}
     * @param flagKey the flag that must be on
     * @return this builder
     * @throws IllegalArgumentException if the pattern or key is invalid, or the pattern is already
     *     routed
     */
    public Builder route(String pattern, String flagKey) {
      RouteTable.of(
          Map.of(
              Objects.requireNonNull(pattern, "pattern"),
              Objects.requireNonNull(flagKey, "flagKey")));
      if (routes.putIfAbsent(pattern, flagKey) != null) {
        throw new IllegalArgumentException("route pattern '" + pattern + "' is already routed");
      }
      return this;
    }

    /**
     * Adds routes in the {@code routes} init-parameter syntax: {@code "/a/* = flag_a, /b =
     * flag_b"}.
     *
     * @param spec the routes
     * @return this builder
     * @throws IllegalArgumentException naming a malformed entry
     */
    public Builder routes(String spec) {
      RouteTable.parse(spec).patterns().forEach(this::route);
      return this;
    }

    /**
     * Sets how the tenant of a request is found (default {@link TenantResolver#defaults()}).
     *
     * @param resolver the resolver
     * @return this builder
     */
    public Builder tenantResolver(TenantResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Also reads the tenant from the {@value TenantResolver#DEFAULT_HEADER} header when the
     * resolver finds none (default false). Turn it on only where something in front of the
     * application (a gateway) sets that header: any client can send a header, and so claim another
     * tenant's features.
     *
     * @param trust whether to trust the header
     * @return this builder
     */
    public Builder trustTenantHeader(boolean trust) {
      this.trustTenantHeader = trust;
      return this;
    }

    /**
     * Sets the status of a denied request: 404 (default; the route does not exist for the tenant)
     * or 403 (with a problem+json body naming the flag).
     *
     * @param status 404 or 403
     * @return this builder
     * @throws IllegalArgumentException for any other status
     */
    public Builder denyStatus(int status) {
      this.denyStatus = FeatureFlagFilter.denyStatus(String.valueOf(status));
      return this;
    }

    /**
     * Builds the filter.
     *
     * @return the filter
     */
    public FeatureFlagFilter build() {
      if (trustTenantHeader) {
        resolver = resolver.orElse(TenantResolver.header(TenantResolver.DEFAULT_HEADER));
      }
      return new FeatureFlagFilter(this);
    }
  }
}
