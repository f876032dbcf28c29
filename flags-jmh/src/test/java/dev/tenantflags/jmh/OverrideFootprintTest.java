package dev.tenantflags.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The footprint harness fills each store, starts a client on it and reports one line. */
final class OverrideFootprintTest {

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite", "postgresql"})
  void run_smallEnvironment_reportsEveryOverrideAndAReadyClient(String store) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    OverrideFootprint.run(
        store, 2_005, 5, null, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String line = buffer.toString(StandardCharsets.UTF_8);
    assertThat(line)
        .contains("store=" + store)
        .contains("overrides=2005 tenants=401 perTenant=5")
        .contains("status=READY")
        .containsPattern("bytesPerOverride=-?[0-9]+\\.[0-9]");
  }
}
