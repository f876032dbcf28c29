package dev.tenantflags.spring;

import dev.tenantflags.FeatureFlags;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator and Micrometer parts of the starter: the {@code flags} endpoint, the health indicator
 * {@code tenantFlags} (Spring Boot 3 or 4, whichever is on the class path) and the meters. Each
 * part needs its library on the class path and backs off for an application-defined bean of its
 * name or type.
 *
 * <p>Thread safety: configuration runs once at start-up.
 */
@AutoConfiguration(after = TenantFlagsAutoConfiguration.class)
@ConditionalOnBean(FeatureFlags.class)
public class TenantFlagsActuatorAutoConfiguration {

  /** Creates the configuration (Spring instantiates it). */
  public TenantFlagsActuatorAutoConfiguration() {}

  /** The actuator endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    FlagsEndpoint flagsEndpoint(FeatureFlags flags) {
      return new FlagsEndpoint(flags);
    }
  }

  /** The health indicator on Spring Boot 3. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot3Health {
    @Bean
    @ConditionalOnMissingBean(name = "tenantFlagsHealthIndicator")
    Boot3HealthIndicator tenantFlagsHealthIndicator(
        FeatureFlags flags, TenantFlagsProperties properties) {
      return new Boot3HealthIndicator(
          new FlagsHealth(flags, properties.getHealth().getStaleStatus()));
    }
  }

  /** The health indicator on Spring Boot 4. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "tenantFlagsHealthIndicator")
    Boot4HealthIndicator tenantFlagsHealthIndicator(
        FeatureFlags flags, TenantFlagsProperties properties) {
      return new Boot4HealthIndicator(
          new FlagsHealth(flags, properties.getHealth().getStaleStatus()));
    }
  }

  /** The Micrometer meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    FlagsMeterBinder tenantFlagsMeterBinder(FeatureFlags flags) {
      return new FlagsMeterBinder(flags, Clock.systemUTC());
    }
  }
}
