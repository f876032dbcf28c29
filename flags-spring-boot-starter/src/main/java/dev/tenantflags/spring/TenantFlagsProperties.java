package dev.tenantflags.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tenantflags.*} configuration properties of the starter. Every property has a default:
 * an application that sets none gets a store on its {@code DataSource} (in memory without one), a
 * client of the {@code production} environment, no gated routes and no admin API.
 *
 * <p>Thread safety: bound once at start-up by Spring; read-only afterwards.
 */
@ConfigurationProperties(prefix = "tenantflags")
public class TenantFlagsProperties {

  /** Whether the starter configures anything at all. */
  private boolean enabled = true;

  /** The environment the application's client is bound to. */
  private String environment = "production";

  /**
   * A JDBC URL for a flag store of its own (e.g. jdbc:sqlite:flags.db); when unset the
   * application's DataSource is used, and without one an in-memory store.
   */
  private String jdbcUrl;

  /** How often the client polls the store's change counter (stores without push). */
  private Duration pollInterval = Duration.ofSeconds(1);

  /** How long start-up waits for the first load before serving the bootstrap file or defaults. */
  private Duration startupTimeout = Duration.ofSeconds(3);

  /** A JSON export file served until the store answers, e.g. config/flags.json. */
  private String bootstrap;

  /** Whether start-up fails when the first load does not succeed in time. */
  private boolean strict;

  private final Filter filter = new Filter();
  private final Admin admin = new Admin();
  private final Health health = new Health();

  /**
   * Returns whether the starter is on.
   *
   * @return the flag
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets whether the starter is on.
   *
   * @param enabled the flag
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * Returns the environment.
   *
   * @return the environment name
   */
  public String getEnvironment() {
    return environment;
  }

  /**
   * Sets the environment.
   *
   * @param environment the environment name
   */
  public void setEnvironment(String environment) {
    this.environment = environment;
  }

  /**
   * Returns the JDBC URL of a dedicated store, or null.
   *
   * @return the URL
   */
  public String getJdbcUrl() {
    return jdbcUrl;
  }

  /**
   * Sets the JDBC URL of a dedicated store.
   *
   * @param jdbcUrl the URL
   */
  public void setJdbcUrl(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * Returns the poll interval.
   *
   * @return the interval
   */
  public Duration getPollInterval() {
    return pollInterval;
  }

  /**
   * Sets the poll interval.
   *
   * @param pollInterval the interval
   */
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  /**
   * Returns the start-up timeout.
   *
   * @return the timeout
   */
  public Duration getStartupTimeout() {
    return startupTimeout;
  }

  /**
   * Sets the start-up timeout.
   *
   * @param startupTimeout the timeout
   */
  public void setStartupTimeout(Duration startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  /**
   * Returns the bootstrap file path, or null.
   *
   * @return the path
   */
  public String getBootstrap() {
    return bootstrap;
  }

  /**
   * Sets the bootstrap file path.
   *
   * @param bootstrap the path
   */
  public void setBootstrap(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /**
   * Returns whether start-up is strict.
   *
   * @return the flag
   */
  public boolean isStrict() {
    return strict;
  }

  /**
   * Sets whether start-up is strict.
   *
   * @param strict the flag
   */
  public void setStrict(boolean strict) {
    this.strict = strict;
  }

  /**
   * Returns the filter settings.
   *
   * @return the settings
   */
  public Filter getFilter() {
    return filter;
  }

  /**
   * Returns the admin API and console settings.
   *
   * @return the settings
   */
  public Admin getAdmin() {
    return admin;
  }

  /**
   * Returns the health indicator settings.
   *
   * @return the settings
   */
  public Health getHealth() {
    return health;
  }

  /** Settings of the {@code FeatureFlagFilter} that gates routes. */
  public static class Filter {

    /** Whether the filter is registered (it only acts on the configured routes). */
    private boolean enabled = true;

    /**
     * Gated routes: servlet-style path pattern to flag key, e.g.
     * tenantflags.filter.routes[/api/reports/*]=reports.
     */
    private Map<String, String> routes = new LinkedHashMap<>();

    /** The status answered when the flag is off for the tenant: 404 or 403. */
    private int denyStatus = 404;

    /** The filter's order; after Spring Security's filter chain (-100) by default. */
    private int order = 0;

    /**
     * Whether the authenticated principal's name (Spring Security's, or the container's) is the
     * tenant id when no TenantResolver bean is defined and no tenant request attribute is set.
     */
    private boolean tenantFromPrincipal = true;

    /**
     * A header carrying the tenant id, read last; unset by default because any client can send a
     * header. Only set it when a gateway in front of the application sets it.
     */
    private String tenantHeader;

    /**
     * Returns whether the filter is registered.
     *
     * @return the flag
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the filter is registered.
     *
     * @param enabled the flag
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns the gated routes.
     *
     * @return pattern to flag key
     */
    public Map<String, String> getRoutes() {
      return routes;
    }

    /**
     * Sets the gated routes.
     *
     * @param routes pattern to flag key
     */
    public void setRoutes(Map<String, String> routes) {
      this.routes = routes;
    }

    /**
     * Returns the deny status.
     *
     * @return 404 or 403
     */
    public int getDenyStatus() {
      return denyStatus;
    }

    /**
     * Sets the deny status.
     *
     * @param denyStatus 404 or 403
     */
    public void setDenyStatus(int denyStatus) {
      this.denyStatus = denyStatus;
    }

    /**
     * Returns the filter order.
     *
     * @return the order
     */
    public int getOrder() {
      return order;
    }

    /**
     * Sets the filter order.
     *
     * @param order the order
     */
    public void setOrder(int order) {
      this.order = order;
    }

    /**
     * Returns whether the principal's name is the tenant id.
     *
     * @return the flag
     */
    public boolean isTenantFromPrincipal() {
      return tenantFromPrincipal;
    }

    /**
     * Sets whether the principal's name is the tenant id.
     *
     * @param tenantFromPrincipal the flag
     */
    public void setTenantFromPrincipal(boolean tenantFromPrincipal) {
      this.tenantFromPrincipal = tenantFromPrincipal;
    }

    /**
     * Returns the tenant header, or null.
     *
     * @return the header name
     */
    public String getTenantHeader() {
      return tenantHeader;
    }

    /**
     * Sets the tenant header.
     *
     * @param tenantHeader the header name
     */
    public void setTenantHeader(String tenantHeader) {
      this.tenantHeader = tenantHeader;
    }
  }

  /** Settings of the admin REST API and the console. */
  public static class Admin {

    /** Whether the admin API (and console) are mounted. */
    private boolean enabled;

    /** Where they are mounted: the API at {path}/api/*, the console at {path}/*. */
    private String path = "/flags-admin";

    /** Whether the web console is served too. */
    private boolean console = true;

    /**
     * Callers' roles: tenantflags role (admin, developer, viewer, evaluator, tenant-admin) to the
     * Spring Security role (authority without the ROLE_ prefix) that grants it.
     */
    private Map<String, String> roles = defaultRoles();

    /** The request attribute holding a tenant admin's tenant id, set by the app's security. */
    private String tenantAttribute = "dev.tenantflags.tenant";

    /** Whether PATCH requests must carry If-Match (otherwise 428). */
    private boolean requireIfMatch;

    private static Map<String, String> defaultRoles() {
      Map<String, String> roles = new LinkedHashMap<>();
      roles.put("admin", "FLAGS_ADMIN");
      roles.put("developer", "FLAGS_DEVELOPER");
      roles.put("viewer", "FLAGS_VIEWER");
      roles.put("evaluator", "FLAGS_EVALUATOR");
      roles.put("tenant-admin", "FLAGS_TENANT_ADMIN");
      return roles;
    }

    /**
     * Returns whether the admin API is mounted.
     *
     * @return the flag
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the admin API is mounted.
     *
     * @param enabled the flag
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns the mount path.
     *
     * @return the path
     */
    public String getPath() {
      return path;
    }

    /**
     * Sets the mount path.
     *
     * @param path the path, starting with a slash
     */
    public void setPath(String path) {
      this.path = path;
    }

    /**
     * Returns whether the console is served.
     *
     * @return the flag
     */
    public boolean isConsole() {
      return console;
    }

    /**
     * Sets whether the console is served.
     *
     * @param console the flag
     */
    public void setConsole(boolean console) {
      this.console = console;
    }

    /**
     * Returns the role mapping.
     *
     * @return tenantflags role to Spring Security role
     */
    public Map<String, String> getRoles() {
      return roles;
    }

    /**
     * Sets the role mapping.
     *
     * @param roles tenantflags role to Spring Security role
     */
    public void setRoles(Map<String, String> roles) {
      this.roles = roles;
    }

    /**
     * Returns the tenant attribute.
     *
     * @return the request attribute name
     */
    public String getTenantAttribute() {
      return tenantAttribute;
    }

    /**
     * Sets the tenant attribute.
     *
     * @param tenantAttribute the request attribute name
     */
    public void setTenantAttribute(String tenantAttribute) {
      this.tenantAttribute = tenantAttribute;
    }

    /**
     * Returns whether PATCH needs If-Match.
     *
     * @return the flag
     */
    public boolean isRequireIfMatch() {
      return requireIfMatch;
    }

    /**
     * Sets whether PATCH needs If-Match.
     *
     * @param requireIfMatch the flag
     */
    public void setRequireIfMatch(boolean requireIfMatch) {
      this.requireIfMatch = requireIfMatch;
    }
  }

  /** Settings of the health indicator. */
  public static class Health {

    /** The health status reported while the client is STALE (serving last good flags). */
    private String staleStatus = "DEGRADED";

    /**
     * Returns the status reported while stale.
     *
     * @return a status code such as DEGRADED, UP or DOWN
     */
    public String getStaleStatus() {
      return staleStatus;
    }

    /**
     * Sets the status reported while stale.
     *
     * @param staleStatus a status code such as DEGRADED, UP or DOWN
     */
    public void setStaleStatus(String staleStatus) {
      this.staleStatus = staleStatus;
    }
  }
}
