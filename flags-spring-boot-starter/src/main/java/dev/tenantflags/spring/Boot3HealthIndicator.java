package dev.tenantflags.spring;

import dev.tenantflags.Status;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The client's health for Spring Boot 3 ({@code org.springframework.boot.actuate.health}). */
final class Boot3HealthIndicator implements HealthIndicator {

  private final FlagsHealth health;

  Boot3HealthIndicator(FlagsHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    Status status = health.current();
    return Health.status(health.status(status)).withDetails(health.details(status)).build();
  }
}
