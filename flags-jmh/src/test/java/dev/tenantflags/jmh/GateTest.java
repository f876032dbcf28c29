package dev.tenantflags.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class GateTest {

  private static Gate.Measured measured(String name, double ns, double bytes) {
    return new Gate.Measured(name, ns, ns, 0.1, bytes);
  }

  @Test
  void judge_withinLimits_passes() {
    List<Gate.Row> rows =
        Gate.judge(
            List.of(
                measured("IsEnabledBenchmark.on", 20, 0.002),
                measured("EvaluateAllBenchmark.evaluateAll:flagCount=100", 900, 4_000)),
            Map.of("IsEnabledBenchmark.on", new Baseline.Entry(7, 0)));
    assertThat(rows).allMatch(Gate.Row::passed);
  }

  @Test
  void judge_moreThanThreeTimesBaseline_fails() {
    List<Gate.Row> rows =
        Gate.judge(
            List.of(measured("IsEnabledBenchmark.on", 21.5, 0)),
            Map.of("IsEnabledBenchmark.on", new Baseline.Entry(7, 0)));
    assertThat(rows.get(0).failures()).singleElement().asString().contains("3.1x slower");
  }

  @Test
  void judge_overOneMillisecond_failsWithoutBaseline() {
    List<Gate.Row> rows = Gate.judge(List.of(measured("ColdLoad.x", 1_500_000, 0)), Map.of());
    assertThat(rows.get(0).failures()).singleElement().asString().contains("over 1 ms");
  }

  @Test
  void judge_isEnabledAllocating_fails() {
    List<Gate.Row> rows =
        Gate.judge(
            List.of(
                measured("IsEnabledBenchmark.rollout25", 20, 24),
                measured("EvaluateAllBenchmark.evaluateAll", 500, 24)),
            Map.of());
    assertThat(rows.get(0).failures()).singleElement().asString().contains("allocates 24.00 B/op");
    assertThat(rows.get(1).passed()).isTrue();
  }

  @Test
  void judge_peerScenarioAllocatingOneTenantKey_passesButMore_fails() {
    List<Gate.Row> rows =
        Gate.judge(
            List.of(
                measured("PeerScenariosBenchmark.plainOn:usage=true", 10, 24.002),
                measured("PeerScenariosBenchmark.plainOn:usage=false", 10, 48),
                measured("PeerScenariosBenchmark.plainOnById:usage=true", 8, 24)),
            Map.of());
    assertThat(rows.get(0).passed()).isTrue();
    assertThat(rows.get(1).failures()).singleElement().asString().contains("allocates 48.00 B/op");
    assertThat(rows.get(2).failures()).singleElement().asString().contains("allocates 24.00 B/op");
  }

  @Test
  void judge_hundredCallLoop_getsLoopSlackOnly() {
    List<Gate.Row> rows =
        Gate.judge(
            List.of(
                measured("PeerScenariosBenchmark.hundredFlagsById:usage=true", 600, 3),
                measured("PeerScenariosBenchmark.hundredFlags:usage=true", 600, 29),
                measured("PeerScenariosBenchmark.hundredFlagsById:usage=true", 600, 16),
                measured("PeerScenariosBenchmark.hundredFlags:usage=true", 600, 40)),
            Map.of());
    assertThat(rows).extracting(Gate.Row::passed).containsExactly(true, true, false, false);
  }

  @Test
  void passes_default_runsEvaluationThenPeersWithCountingOn() {
    List<org.openjdk.jmh.runner.options.Options> passes =
        Gate.passes(false, Path.of("out", "gate.json"), null).stream().map(b -> b.build()).toList();
    assertThat(passes).hasSize(2);
    assertThat(passes.get(0).getIncludes()).contains("\\.IsEnabledBenchmark\\.");
    assertThat(passes.get(0).getParameter("usage").hasValue()).isFalse();
    assertThat(passes.get(1).getIncludes()).containsExactly("\\.PeerScenariosBenchmark\\.");
    assertThat(passes.get(1).getParameter("usage").get()).containsExactly("true");
    assertThat(passes.get(1).getResult().get())
        .isEqualTo(Path.of("out", "gate-peers.json").toString());
  }

  @Test
  void judge_unprofiledBenchmarkWithoutAllocationLimit_passes() {
    List<Gate.Row> rows =
        Gate.judge(List.of(measured("FilterBenchmark.filter", 90, Double.NaN)), Map.of());
    assertThat(rows.get(0).passed()).isTrue();
  }

  @Test
  void baseline_writtenThenRead_roundTrips(@TempDir Path dir) throws Exception {
    Baseline written =
        new Baseline(
            "quick",
            "17.0.15",
            Map.of(
                "IsEnabledBenchmark.on", new Baseline.Entry(6.25, 0.0),
                "EvaluateAllBenchmark.evaluateAll:flagCount=1000",
                    new Baseline.Entry(5123.5, 1234.0)));
    Path file = dir.resolve("baseline.json");
    written.write(file);
    assertThat(Baseline.read(file)).isEqualTo(written);
  }
}
