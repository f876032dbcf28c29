package dev.tenantflags.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The relay scale proof (issue 14), reduced for {@code mvn verify}: 100 clients, 10 toggles. {@code
 * -Dscale.clients=1000 -Dscale.toggles=50} runs the full form; the table goes to {@code
 * target/scale-results.md}.
 */
final class ScaleRunTest {

  @Test
  void run_clientsOverTwoServers_everyClientGetsEveryToggle_andResumesOnBWhenAIsKilled()
      throws Exception {
    int clients = Integer.getInteger("scale.clients", 100);
    int toggles = Integer.getInteger("scale.toggles", 10);
    int warmups = Integer.getInteger("scale.warmups", 10);
    Path output = Path.of(System.getProperty("scale.output", "target"));
    ScaleReport report;
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
      report =
          new ScaleHarness(
                  new ScaleConfig(clients, toggles, warmups, 100, true, "256m", "SDK", output))
              .run(url);
    }

    // Every (client, toggle) pair was delivered: the harness waits for all of them or fails.
    assertThat(report.perClient()).hasSize(clients * toggles);
    // The database's connections do not grow with the number of stream clients: ten times the
    // clients, the same connections (two of slack for a pool still filling to its minimum), and a
    // fixed bound: two servers' pools and their LISTEN connections.
    assertThat(report.pgAll()).isLessThanOrEqualTo(report.pgFew() + 2);
    assertThat(report.pgAll()).isLessThanOrEqualTo(30);
    // Killing server A: its clients resume on B within 2 s, and no change is lost.
    assertThat(report.failoverNothingLost()).isTrue();
    assertThat(report.failoverResumedMillis()).isLessThan(2_000);
  }
}
