package dev.tenantflags.spring;

import dev.tenantflags.Status;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The client's health for Spring Boot 4 ({@code org.springframework.boot.health.contributor}). */
final class Boot4HealthIndicator implements HealthIndicator {

  private final FlagsHealth health;

  Boot4HealthIndicator(FlagsHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    Status status = health.current();
    return Health.status(health.status(status)).withDetails(health.details(status)).build();
  }
}
