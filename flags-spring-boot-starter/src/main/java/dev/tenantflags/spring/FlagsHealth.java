package dev.tenantflags.spring;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Status;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health of a client, independent of the Spring Boot line: READY → {@code UP}, STALE → the
 * configured status ({@code DEGRADED} by default: serving the last good flags), NOT_READY → {@code
 * OUT_OF_SERVICE}, ERROR → {@code DOWN}. Details name the state, environment, last good refresh and
 * the last failure (no tenant data).
 *
 * <p>Thread safety: immutable; reads the client's status on each call.
 */
final class FlagsHealth {

  private final FeatureFlags flags;
  private final String staleStatus;

  FlagsHealth(FeatureFlags flags, String staleStatus) {
    this.flags = flags;
    this.staleStatus =
        staleStatus == null || staleStatus.isBlank() ? "DEGRADED" : staleStatus.trim();
  }

  String status(Status status) {
    return switch (status.state()) {
      case READY -> "UP";
      case STALE -> staleStatus;
      case NOT_READY -> "OUT_OF_SERVICE";
      case ERROR -> "DOWN";
    };
  }

  Status current() {
    return flags.status();
  }

  Map<String, Object> details(Status status) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", status.state().name());
    details.put("environment", flags.environment());
    if (status.lastRefresh() != null) {
      details.put("lastRefresh", status.lastRefresh().toString());
    }
    details.put("version", status.version());
    if (status.detail() != null) {
      details.put("detail", status.detail());
    }
    return details;
  }
}
