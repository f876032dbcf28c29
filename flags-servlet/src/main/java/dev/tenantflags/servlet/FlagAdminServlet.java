package dev.tenantflags.servlet;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.servlet.relay.ChangeBroadcaster;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin REST API of SPEC §6: environments, flags, overrides, history, audit, tenant views,
 * evaluation, usage, status and API tokens, as JSON over HTTP with roles, protected environments,
 * optimistic locking, CSRF rules and an audit entry for every change. Every route is one row of
 * {@code ApiRouter}'s table; docs/admin-monitoring.md documents every endpoint. All timestamps are
 * epoch milliseconds.
 *
 * <p>Routes are relative to the servlet's mapping: mount it at {@code /api/*} and the URLs are
 * {@code /api/flags}, {@code /api/flags/{key}}, … exactly as in the SPEC; mount it at {@code
 * /flags-admin/api/*} to put the API under {@code /flags-admin}.
 *
 * <pre>{@code
 * FlagAdminServlet api = FlagAdminServlet.builder()
 *     .flags(flags)                                   // client of the default environment
 *     .authenticator(BearerTokenAuthenticator.fromFile(Path.of("tokens.json")))
 *     .storeTokens(StoreTokenAuthenticator.builder(flags).build())  // optional: /api/tokens
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
 * If-Match} a 428), {@code cors-allowed-origins} (comma-separated origins, or {@code *}; CORS is
 * off when absent) and {@code store-tokens} ({@code true} accepts and manages API tokens kept in
 * the store, {@link StoreTokenAuthenticator}).
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
   * Request handling: CORS preflight → authenticate (401) → CSRF rules (415/403, RequestGuard) →
   * ApiRouter: route (404/405), role and a tenant admin's tenant (AccessPolicy: 403/404) → the
   * resource's handler: environment exists (404), protected environment (AccessPolicy: 403), body
   * (413/400) → the change through FlagAdmin, which validates, stores the change with its audit
   * entry atomically and refreshes the client (read-your-writes). Every failure, at any step, is
   * rendered by Problems as application/problem+json; only a bug gives 500 and a store outage 503.
   *
   * Concurrency: no mutable state after init() but the per-environment clients
   * (EnvironmentClients, a ConcurrentHashMap).
   */

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(FlagAdminServlet.class);

  /** The default ServletContext attribute an {@link Authenticator} is looked up under. */
  public static final String AUTHENTICATOR_ATTRIBUTE = "dev.tenantflags.servlet.Authenticator";

  private final transient Builder config;
  private final boolean built;
  private transient Authenticator authenticator;
  private transient EnvironmentClients environments;
  private transient RequestGuard guard;
  private transient ApiRouter router;
  private transient StoreTokenAuthenticator ownedTokens;

  /**
   * Creates a servlet configured from init-parameters in {@link #init(ServletConfig)} (for {@code
   * web.xml}).
   */
  public FlagAdminServlet() {
    this.config = new Builder();
    this.built = false;
  }

  private FlagAdminServlet(Builder b) {
    this.config = b;
    this.built = true;
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
   * Reads init-parameters when created with the no-arg constructor, finds missing collaborators in
   * the ServletContext, and builds the route table.
   *
   * @throws ServletException if no {@link FeatureFlags} client can be found or a parameter is
   *     invalid
   */
  @Override
  public void init() throws ServletException {
    ServletConfig sc = getServletConfig();
    try {
      FeatureFlags flags = config.flags;
      if (flags == null) {
        String name =
            InitParams.orDefault(
                sc.getInitParameter("flags-attribute"), FeatureFlagFilter.FLAGS_ATTRIBUTE);
        if (!(sc.getServletContext().getAttribute(name) instanceof FeatureFlags client)) {
          throw new ServletException(
              "FlagAdminServlet needs a FeatureFlags client in ServletContext attribute '"
                  + name
                  + "'");
        }
        flags = client;
      }
      Authenticator auth = config.authenticator;
      if (!built) {
        String tokens = sc.getInitParameter("tokens-file");
        Object fromContext = sc.getServletContext().getAttribute(AUTHENTICATOR_ATTRIBUTE);
        if (tokens != null && !tokens.isBlank()) {
          auth = BearerTokenAuthenticator.fromFile(Path.of(tokens.trim()));
        } else if (fromContext instanceof Authenticator a) {
          auth = a;
        }
        config.requireIfMatch(
            Boolean.parseBoolean(
                InitParams.orDefault(sc.getInitParameter("require-if-match"), "false")));
        config.corsAllowedOrigins(InitParams.list(sc.getInitParameter("cors-allowed-origins")));
        if (Boolean.parseBoolean(
            InitParams.orDefault(sc.getInitParameter("store-tokens"), "false"))) {
          ownedTokens = StoreTokenAuthenticator.builder(flags).build();
          config.storeTokens(ownedTokens);
        }
      }
      wire(flags, auth == null ? new ContainerAuthenticator() : auth);
    } catch (RuntimeException e) {
      throw new ServletException("invalid FlagAdminServlet configuration: " + e.getMessage(), e);
    }
    LOG.info("flag admin API serving environment '{}' by default", flags().environment());
  }

  private void wire(FeatureFlags flags, Authenticator auth) {
    StoreTokenAuthenticator storeTokens = config.storeTokens;
    this.authenticator = storeTokens == null ? auth : auth.or(storeTokens);
    this.environments = new EnvironmentClients(flags, config.clientFactory);
    this.guard = new RequestGuard(config.allowedOrigins);
    AccessPolicy policy = new AccessPolicy(environments);
    UsageResource usage = new UsageResource(environments, config.staleAfter, config.clock);
    Set<String> configured =
        auth instanceof BearerTokenAuthenticator bearer ? bearer.names() : Set.of();
    Resources resources =
        new Resources(
            new StatusResource(environments),
            new EnvironmentsResource(environments),
            new FlagsResource(environments, policy, usage, config.requireIfMatch),
            usage,
            new TenantsResource(environments, policy),
            new OverridesResource(environments, policy),
            new AuditResource(environments, policy),
            new EvaluateResource(environments, policy),
            new TokensResource(environments, policy, storeTokens, configured),
            new RelayResource(environments, config.relay));
    this.router = new ApiRouter(resources, policy);
  }

  private FeatureFlags flags() {
    return environments.defaultClient();
  }

  /** Closes the clients this servlet obtained for other environments; never the default client. */
  @Override
  public void destroy() {
    if (environments != null) {
      environments.close();
    }
    if (ownedTokens != null) {
      ownedTokens.close();
    }
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    try {
      boolean corsAllowed = guard.cors(request, response);
      if ("OPTIONS".equals(request.getMethod())
          && request.getHeader("Access-Control-Request-Method") != null) {
        response.setStatus(
            corsAllowed ? HttpServletResponse.SC_NO_CONTENT : HttpServletResponse.SC_FORBIDDEN);
        return;
      }
      Caller caller = authenticator.authenticate(request).orElseThrow(() -> unauthorized(request));
      guard.checkStateChange(request);
      router.dispatch(new ApiCall(request, response, caller, ApiRequest.of(request)));
    } catch (RuntimeException e) {
      Problems.render(request, response, Problems.of(e));
    }
  }

  private static Problem unauthorized(HttpServletRequest request) {
    boolean presented = request.getHeader("Authorization") != null;
    return new Problem(
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
    private StoreTokenAuthenticator storeTokens;
    private ChangeBroadcaster relay;
    private Duration staleAfter = Duration.ofDays(30);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Accepts API tokens kept in the store as well (after the configured authenticator) and enables
     * {@code /api/tokens} to create, list and revoke them. The servlet does not close it.
     *
     * @param tokens the store's tokens
     * @return this builder
     */
    public Builder storeTokens(StoreTokenAuthenticator tokens) {
      this.storeTokens = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    /**
     * Serves the relay endpoints of SPEC §10, {@code GET /snapshot} and {@code GET /stream} (role
     * SDK), from this broadcaster; register the servlet with async support. The servlet does not
     * close it.
     *
     * @param broadcaster the relay's broadcaster
     * @return this builder
     */
    public Builder relay(ChangeBroadcaster broadcaster) {
      this.relay = Objects.requireNonNull(broadcaster, "broadcaster");
      return this;
    }

    /**
     * Sets after how long without an evaluation (or fully on without overrides) a flag is listed as
     * stale (SPEC §8; default 30 days).
     *
     * @param staleAfter at least one hour
     * @return this builder
     * @throws IllegalArgumentException if shorter than one hour
     */
    public Builder staleAfter(Duration staleAfter) {
      Objects.requireNonNull(staleAfter, "staleAfter");
      if (staleAfter.compareTo(Duration.ofHours(1)) < 0) {
        throw new IllegalArgumentException("staleAfter must be at least 1 hour: " + staleAfter);
      }
      this.staleAfter = staleAfter;
      return this;
    }

    /**
     * Sets the clock that staleness and usage ranges are judged by (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

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
