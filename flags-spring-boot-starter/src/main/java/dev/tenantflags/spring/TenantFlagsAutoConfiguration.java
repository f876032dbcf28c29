package dev.tenantflags.spring;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.TenantKey;
import dev.tenantflags.jdbc.JdbiFlagStore;
import dev.tenantflags.servlet.Authenticator;
import dev.tenantflags.servlet.ConsoleServlet;
import dev.tenantflags.servlet.FeatureFlagFilter;
import dev.tenantflags.servlet.FlagAdminServlet;
import dev.tenantflags.servlet.TenantResolver;
import dev.tenantflags.spi.FlagStore;
import java.nio.file.Path;
import java.security.Principal;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot auto-configuration of tenantflags (SPEC §9): the store (a dedicated JDBC URL, else
 * the application's {@code DataSource}, else in memory), the client, the route-gating filter, and
 * the admin API and console. Every bean backs off when the application defines its own of the same
 * type (or name, for the servlet and filter registrations).
 *
 * <p>Thread safety: configuration classes run once at start-up; the beans they create document
 * their own thread safety.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    })
@ConditionalOnProperty(prefix = "tenantflags", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenantFlagsProperties.class)
public class TenantFlagsAutoConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(TenantFlagsAutoConfiguration.class);

  /** Creates the configuration (Spring instantiates it). */
  public TenantFlagsAutoConfiguration() {}

  /**
   * The flag store: {@code tenantflags.jdbc-url} if set, else the application's single {@code
   * DataSource}, else an in-memory store (flags are lost on restart; logged once). Not created when
   * the application (or flags-test) defines its own {@code FeatureFlags}.
   *
   * @param properties the settings
   * @param dataSources the application's data sources
   * @return the store
   */
  @Bean
  @ConditionalOnMissingBean({FlagStore.class, FeatureFlags.class})
  public FlagStore tenantFlagsStore(
      TenantFlagsProperties properties, ObjectProvider<DataSource> dataSources) {
    if (properties.getJdbcUrl() != null && !properties.getJdbcUrl().isBlank()) {
      return JdbiFlagStore.create(properties.getJdbcUrl());
    }
    DataSource dataSource = dataSources.getIfUnique();
    if (dataSource != null) {
      return JdbiFlagStore.create(dataSource);
    }
    LOG.warn(
        "tenantflags: no DataSource and no tenantflags.jdbc-url; flags are kept in memory only");
    return new InMemoryFlagStore();
  }

  /**
   * The client of {@code tenantflags.environment}.
   *
   * @param store the store
   * @param properties the settings
   * @return the started client
   */
  @Bean
  @ConditionalOnMissingBean
  public FeatureFlags featureFlags(FlagStore store, TenantFlagsProperties properties) {
    FeatureFlags.Builder builder =
        FeatureFlags.builder()
            .store(store)
            .environment(properties.getEnvironment())
            .pollInterval(properties.getPollInterval())
            .startupTimeout(properties.getStartupTimeout())
            .strictStartup(properties.isStrict());
    if (properties.getBootstrap() != null && !properties.getBootstrap().isBlank()) {
      builder.bootstrap(Path.of(properties.getBootstrap()));
    }
    return builder.build();
  }

  /** The servlet parts: filter, admin API, console. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.Filter")
  static class Web {

    /**
     * The filter gating {@code tenantflags.filter.routes}. The tenant comes from the application's
     * {@link TenantResolver} bean if there is one; otherwise from the request attribute {@value
     * TenantResolver#DEFAULT_ATTRIBUTE}, then the principal's name, then the configured header.
     */
    @Bean
    @ConditionalOnMissingBean(name = "tenantFlagsFilter")
    @ConditionalOnProperty(prefix = "tenantflags.filter", name = "enabled", matchIfMissing = true)
    FilterRegistrationBean<FeatureFlagFilter> tenantFlagsFilter(
        FeatureFlags flags,
        TenantFlagsProperties properties,
        ObjectProvider<TenantResolver> resolvers) {
      TenantFlagsProperties.Filter settings = properties.getFilter();
      FeatureFlagFilter.Builder builder =
          FeatureFlagFilter.builder()
              .flags(flags)
              .denyStatus(settings.getDenyStatus())
              .tenantResolver(resolvers.getIfUnique(() -> defaultResolver(settings)));
      settings.getRoutes().forEach(builder::route);
      FilterRegistrationBean<FeatureFlagFilter> registration =
          new FilterRegistrationBean<>(builder.build());
      registration.setName("tenantFlagsFilter");
      registration.setOrder(settings.getOrder());
      registration.addUrlPatterns("/*");
      return registration;
    }

    static TenantResolver defaultResolver(TenantFlagsProperties.Filter settings) {
      TenantResolver resolver = TenantResolver.attribute(TenantResolver.DEFAULT_ATTRIBUTE);
      if (settings.isTenantFromPrincipal()) {
        resolver =
            resolver.orElse(
                request -> {
                  Principal principal = request.getUserPrincipal();
                  String name = principal == null ? null : principal.getName();
                  return name == null || name.isEmpty() || name.length() > 256
                      ? null
                      : TenantKey.of(name);
                });
      }
      if (settings.getTenantHeader() != null && !settings.getTenantHeader().isBlank()) {
        resolver = resolver.orElse(TenantResolver.header(settings.getTenantHeader()));
      }
      return resolver;
    }

    /**
     * The admin API at {@code <tenantflags.admin.path>/api/*}. Callers are the authenticated
     * principal with roles mapped by {@code tenantflags.admin.roles}, unless the application
     * defines its own {@link Authenticator} bean.
     */
    @Bean
    @ConditionalOnMissingBean(name = "tenantFlagsAdminApi")
    @ConditionalOnProperty(prefix = "tenantflags.admin", name = "enabled")
    ServletRegistrationBean<FlagAdminServlet> tenantFlagsAdminApi(
        FeatureFlags flags,
        TenantFlagsProperties properties,
        ObjectProvider<Authenticator> authenticators) {
      TenantFlagsProperties.Admin admin = properties.getAdmin();
      Authenticator authenticator =
          authenticators.getIfUnique(
              () -> new RoleMappingAuthenticator(admin.getRoles(), admin.getTenantAttribute()));
      FlagAdminServlet servlet =
          FlagAdminServlet.builder()
              .flags(flags)
              .authenticator(authenticator)
              .requireIfMatch(admin.isRequireIfMatch())
              .build();
      ServletRegistrationBean<FlagAdminServlet> registration =
          new ServletRegistrationBean<>(servlet, base(admin) + "/api/*");
      registration.setName("tenantFlagsAdminApi");
      return registration;
    }

    /** The web console at {@code <tenantflags.admin.path>/}, talking to the API above. */
    @Bean
    @ConditionalOnMissingBean(name = "tenantFlagsConsole")
    @ConditionalOnProperty(prefix = "tenantflags.admin", name = "enabled")
    ServletRegistrationBean<ConsoleServlet> tenantFlagsConsole(TenantFlagsProperties properties) {
      TenantFlagsProperties.Admin admin = properties.getAdmin();
      ServletRegistrationBean<ConsoleServlet> registration =
          new ServletRegistrationBean<>(new ConsoleServlet(), base(admin) + "/*");
      registration.setName("tenantFlagsConsole");
      registration.addInitParameter("api", base(admin) + "/api");
      registration.setEnabled(admin.isConsole());
      return registration;
    }

    private static String base(TenantFlagsProperties.Admin admin) {
      String path = admin.getPath() == null ? "" : admin.getPath().trim();
      if (!path.startsWith("/")) {
        path = "/" + path;
      }
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      if (path.isEmpty()) {
        throw new IllegalArgumentException("tenantflags.admin.path must not be the root: '/'");
      }
      return path;
    }
  }
}
