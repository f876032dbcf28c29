package dev.tenantflags.servlet.relay;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/** Validation of the relay's settings, and its thread factory. */
final class Limits {
  private Limits() {}

  static Duration range(String name, Duration value, long minMillis, long maxMillis) {
    Objects.requireNonNull(value, name);
    long ms = value.toMillis();
    if (ms < minMillis || ms > maxMillis) {
      throw new IllegalArgumentException(
          name + " must be between " + minMillis + " ms and " + maxMillis + " ms: " + value);
    }
    return value;
  }

  static long count(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ": " + value);
    }
    return value;
  }

  static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
