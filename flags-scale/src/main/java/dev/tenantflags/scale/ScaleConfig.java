package dev.tenantflags.scale;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link ScaleHarness} runs.
 *
 * <p>Thread safety: immutable.
 *
 * @param clients stream clients, spread evenly over the two servers
 * @param toggles flag toggles through server A
 * @param warmups unmeasured changes through server A before the toggles
 * @param pauseMillis pause between toggles
 * @param failover whether to kill server A at the end and measure the resume on B
 * @param serverHeap each server's {@code -Xmx}, e.g. {@code 256m}
 * @param sdkRole the role of the clients' token in the servers' tokens file
 * @param output where the report and the servers' logs go
 */
public record ScaleConfig(
    int clients,
    int toggles,
    int warmups,
    long pauseMillis,
    boolean failover,
    String serverHeap,
    String sdkRole,
    Path output) {

  /**
   * Validates the configuration.
   *
   * @throws IllegalArgumentException if a count is out of range
   */
  public ScaleConfig {
    if (clients < 2 || clients > 20_000) {
      throw new IllegalArgumentException("clients must be between 2 and 20000: " + clients);
    }
    if (toggles < 1 || toggles > 10_000) {
      throw new IllegalArgumentException("toggles must be between 1 and 10000: " + toggles);
    }
    Objects.requireNonNull(serverHeap, "serverHeap");
    Objects.requireNonNull(sdkRole, "sdkRole");
    Objects.requireNonNull(output, "output");
  }

  /**
   * The default scenario with the given sizes: 10 warm-up changes, 100 ms between toggles,
   * failover, 256 MiB heaps.
   *
   * @param clients stream clients
   * @param toggles toggles
   * @param output where results go
   * @return the configuration
   */
  public static ScaleConfig of(int clients, int toggles, Path output) {
    return new ScaleConfig(clients, toggles, 10, 100, true, "256m", "SDK", output);
  }
}
