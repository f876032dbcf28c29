package dev.tenantflags.openfeature.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

final class ConformanceSuitePresentTest {

  @Test
  void conformanceSuite_presentBesideTheProject_isOnTheTestClassPath() {
    Path dir =
        Path.of(
            System.getProperty(
                "openfeature.conformance.dir", "../../shared/conformance/openfeature"));
    assumeTrue(
        Files.isRegularFile(dir.resolve("evaluation_v2.feature")),
        "OpenFeature conformance suite not found at "
            + dir.toAbsolutePath().normalize()
            + ": the Gherkin scenarios are skipped (set -Dopenfeature.conformance.dir=<folder>)");
    for (String name :
        new String[] {
          "evaluation_v2.feature", "metadata.feature", "hooks.feature", "test-flags.json"
        }) {
      assertThat(getClass().getResource("/openfeature-conformance/" + name))
          .as("copied to the test class path: " + name)
          .isNotNull();
    }
  }
}
