package dev.tenantflags.jmh;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The performance regression gate: runs the evaluation benchmarks with the GC profiler, compares
 * them with the committed baseline and exits non-zero on a regression.
 *
 * <p>A benchmark fails the gate when
 *
 * <ul>
 *   <li>its median exceeds {@value #ABSOLUTE_LIMIT_NS} ns/op (1 ms, the product promise), or
 *   <li>its median is more than {@value #MAX_SLOWDOWN}× its baseline median, or
 *   <li>it is an {@code isEnabled} path ({@code IsEnabledBenchmark.*}, {@code
 *       UsageContentionBenchmark.*}, the {@code *ById} peer scenarios) and allocates more than
 *       {@value #MAX_ISENABLED_BYTES} B/op. The target is 0 B/op; JMH's {@code gc.alloc.rate.norm}
 *       spreads the harness's own few kilobytes per iteration over hundreds of millions of calls,
 *       which shows as a few thousandths of a byte, while any object allocated per call is at least
 *       16 bytes. 1 B/op separates the two without flapping; or
 *   <li>it is one of the other peer scenarios ({@code PeerScenariosBenchmark.*}), which build a
 *       {@code TenantKey} per request as an application does, and allocates more than that key's
 *       {@value #TENANT_KEY_BYTES} B/op plus the same slack: the library itself must add nothing.
 *       The 100-call loops ({@code hundred*}) get {@value #LOOP_SLACK_BYTES} B/op of slack instead
 *       of 1 (see {@link #LOOP_SLACK_BYTES}).
 * </ul>
 *
 * <p>Usage, from the repository root after {@code mvn -pl flags-jmh -am package -DskipTests}:
 *
 * <pre>{@code
 * java -cp flags-jmh/target/benchmarks.jar dev.tenantflags.jmh.Gate --quick           # CI, < 3 min
 * java -cp flags-jmh/target/benchmarks.jar dev.tenantflags.jmh.Gate --full            # longer, steadier
 * java -cp flags-jmh/target/benchmarks.jar dev.tenantflags.jmh.Gate --quick --write-baseline
 * }</pre>
 *
 * <p>Options: {@code --baseline PATH} (default {@code flags-jmh/baseline.json}), {@code --json
 * PATH} (also write JMH's JSON results there), {@code --include REGEX} (restrict to matching
 * benchmarks, for local use). Exit status: 0 pass, 1 a benchmark failed the gate, 2 the run itself
 * failed.
 */
public final class Gate {

  static final double ABSOLUTE_LIMIT_NS = 1_000_000;
  static final double MAX_SLOWDOWN = 3.0;
  static final double MAX_ISENABLED_BYTES = 1.0;

  /** One {@code TenantKey.of(id)}: what a peer scenario that builds a key per request allocates. */
  static final double TENANT_KEY_BYTES = 24.0;

  /**
   * The slack of the 100-call loops ({@code PeerScenariosBenchmark.hundred*}) instead of 1 B: an
   * operation takes 100 times as long, so the client's background threads (the refresher's polls)
   * weigh 100 times as much per operation; 8 B is still less than the smallest object.
   */
  static final double LOOP_SLACK_BYTES = 8.0;

  /**
   * The evaluation benchmarks the gate runs, every parameter value (so every {@code isEnabled} path
   * with counting on and off); the propagation and cold-load ones are not gated.
   */
  static final List<String> EVALUATION_BENCHMARKS =
      List.of(
          "\\.IsEnabledBenchmark\\.",
          "\\.EvaluateAllBenchmark\\.",
          "\\.ConcurrentWriteBenchmark\\.",
          "\\.FilterBenchmark\\.");

  /**
   * The peer scenarios, run in a second pass with counting on only (the client's default, as the
   * peers were measured): their paths are covered with counting off by {@code IsEnabledBenchmark},
   * and a pass with both would push quick mode past 3 minutes. {@code hundredOnFlags} is a
   * reference for the docs, not gated.
   */
  static final String PEER_BENCHMARKS = "\\.PeerScenariosBenchmark\\.";

  static final String PEER_EXCLUDED = "\\.PeerScenariosBenchmark\\.hundredOnFlags$";

  private static final String ALLOC = "gc.alloc.rate.norm";

  private Gate() {}

  /**
   * One benchmark's measurement.
   *
   * @param name {@code Class.method}, then {@code :param=value} for each parameter, or {@code
   *     :thread} for one method of a group
   * @param medianNs median of the measurement iterations, ns/op
   * @param scoreNs mean, ns/op
   * @param errorNs 99.9 % confidence half-width of the mean, ns/op (NaN with too few iterations)
   * @param bytesPerOp allocation per operation, NaN when not profiled
   */
  record Measured(
      String name, double medianNs, double scoreNs, double errorNs, double bytesPerOp) {}

  /**
   * The gate's judgement of one benchmark.
   *
   * @param measured what was measured
   * @param baseline the baseline entry, or null when the benchmark is new
   * @param failures why it failed; empty when it passed
   */
  record Row(Measured measured, Baseline.Entry baseline, List<String> failures) {
    boolean passed() {
      return failures.isEmpty();
    }
  }

  /**
   * Runs the gate.
   *
   * @param args see the class documentation
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  static int run(String[] args, PrintStream out) {
    boolean full = false;
    boolean writeBaseline = false;
    Path baselineFile = Paths.get("flags-jmh", "baseline.json");
    Path json = null;
    String include = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> full = false;
        case "--full" -> full = true;
        case "--write-baseline" -> writeBaseline = true;
        case "--baseline" -> baselineFile = Paths.get(value(args, ++i, "--baseline"));
        case "--json" -> json = Paths.get(value(args, ++i, "--json"));
        case "--include" -> include = value(args, ++i, "--include");
        default -> {
          out.println("unknown option: '" + args[i] + "'");
          out.println(
              "usage: Gate [--quick|--full] [--write-baseline] [--baseline PATH] [--json PATH]"
                  + " [--include REGEX]");
          return 2;
        }
      }
    }
    String mode = full ? "full" : "quick";
    Collection<RunResult> results;
    // Numbers from a busy machine read 1.5-3x higher: every run states the load it ran under.
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    long started = System.nanoTime();
    try {
      results = new ArrayList<>();
      for (ChainedOptionsBuilder pass : passes(full, json, include)) {
        results.addAll(new Runner(pass.build()).run());
      }
    } catch (RunnerException e) {
      out.println("benchmark run failed: " + e);
      return 2;
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    List<Measured> measured = measurements(results);
    if (measured.isEmpty()) {
      out.println("no benchmark results");
      return 2;
    }
    String jdk = System.getProperty("java.version");
    if (writeBaseline) {
      Map<String, Baseline.Entry> entries = new LinkedHashMap<>();
      for (Measured m : measured) {
        entries.put(m.name(), new Baseline.Entry(m.medianNs(), m.bytesPerOp()));
      }
      try {
        new Baseline(mode, jdk, entries).write(baselineFile);
      } catch (IOException e) {
        out.println("cannot write baseline " + baselineFile + ": " + e);
        return 2;
      }
      out.println(
          "wrote baseline "
              + baselineFile
              + " ("
              + entries.size()
              + " benchmarks, "
              + mode
              + " mode)");
    }
    Baseline baseline = null;
    if (Files.exists(baselineFile)) {
      try {
        baseline = Baseline.read(baselineFile);
      } catch (IOException e) {
        out.println("cannot read baseline " + baselineFile + ": " + e.getMessage());
        return 2;
      }
    } else {
      out.println("no baseline at " + baselineFile + "; only the absolute limits apply");
    }
    List<Row> rows = judge(measured, baseline == null ? Map.of() : baseline.benchmarks());
    print(rows, out);
    long failed = rows.stream().filter(r -> !r.passed()).count();
    out.printf(
        Locale.ROOT,
        "%s mode, JDK %s, %d benchmarks in %d s, load average %.2f before, %.2f after: %s%n",
        mode,
        jdk,
        rows.size(),
        seconds,
        loadBefore,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        failed == 0 ? "PASS" : "FAIL (" + failed + ")");
    return failed == 0 ? 0 : 1;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /**
   * The runs the gate makes: with {@code include}, one run of the matching benchmarks; otherwise
   * the evaluation benchmarks, then the peer scenarios with counting on. With {@code json}, the
   * second run's results go to the same name with {@code -peers} before the extension.
   */
  static List<ChainedOptionsBuilder> passes(boolean full, Path json, String include) {
    if (include != null) {
      return List.of(options(full, json).include(include));
    }
    ChainedOptionsBuilder evaluation = options(full, json);
    for (String pattern : EVALUATION_BENCHMARKS) {
      evaluation.include(pattern);
    }
    Path peersJson = null;
    if (json != null) {
      String name = json.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String peersName =
          dot > 0 ? name.substring(0, dot) + "-peers" + name.substring(dot) : name + "-peers";
      peersJson = json.resolveSibling(peersName);
    }
    ChainedOptionsBuilder peers =
        options(full, peersJson)
            .include(PEER_BENCHMARKS)
            .exclude(PEER_EXCLUDED)
            .param("usage", "true");
    return List.of(evaluation, peers);
  }

  static ChainedOptionsBuilder options(boolean full, Path json) {
    ChainedOptionsBuilder builder =
        new OptionsBuilder()
            .forks(1)
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend("-Xms1g", "-Xmx1g")
            .shouldFailOnError(true);
    if (full) {
      builder
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(1));
    } else {
      builder
          .warmupIterations(2)
          .warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(3)
          .measurementTime(TimeValue.milliseconds(500));
    }
    if (json != null) {
      builder.resultFormat(ResultFormatType.JSON).result(json.toString());
    }
    return builder;
  }

  static List<Measured> measurements(Collection<RunResult> results) {
    List<Measured> out = new ArrayList<>();
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      String name =
          benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      StringBuilder params = new StringBuilder();
      for (String key : result.getParams().getParamsKeys()) {
        params.append(':').append(key).append('=').append(result.getParams().getParam(key));
      }
      Result<?> alloc = result.getSecondaryResults().get(ALLOC);
      double bytes = alloc == null ? Double.NaN : alloc.getScore();
      Result<?> primary = result.getPrimaryResult();
      if (result.getParams().getThreadGroupLabels().size() > 1) {
        // A group: judge the reading method; the writer's score is its sleep period.
        Result<?> reader = result.getSecondaryResults().get("reader");
        if (reader != null) {
          primary = reader;
          name = name + ":reader";
        }
      }
      out.add(
          new Measured(
              name + params,
              primary.getStatistics().getPercentile(50),
              primary.getScore(),
              primary.getScoreError(),
              bytes));
    }
    return out;
  }

  static List<Row> judge(List<Measured> measured, Map<String, Baseline.Entry> baseline) {
    List<Row> rows = new ArrayList<>();
    for (Measured m : measured) {
      List<String> failures = new ArrayList<>();
      if (m.medianNs() > ABSOLUTE_LIMIT_NS) {
        failures.add(String.format(Locale.ROOT, "over 1 ms (%.0f ns)", m.medianNs()));
      }
      Baseline.Entry base = baseline.get(m.name());
      if (base != null && base.nsPerOp() > 0 && m.medianNs() > MAX_SLOWDOWN * base.nsPerOp()) {
        failures.add(
            String.format(
                Locale.ROOT, "%.1fx slower than baseline", m.medianNs() / base.nsPerOp()));
      }
      double maxBytes = allowedBytes(m.name());
      if (maxBytes < Double.POSITIVE_INFINITY && !(m.bytesPerOp() <= maxBytes)) {
        failures.add(String.format(Locale.ROOT, "allocates %.2f B/op", m.bytesPerOp()));
      }
      rows.add(new Row(m, base, List.copyOf(failures)));
    }
    return rows;
  }

  /**
   * The allocation a benchmark may show, by name: {@code isEnabled} paths none, peer scenarios that
   * build a {@code TenantKey} per request that key, everything else (evaluateAll's result map, the
   * filter's request attribute) is not limited.
   */
  static double allowedBytes(String name) {
    String method = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    boolean peer = method.startsWith("PeerScenariosBenchmark.");
    if (!peer
        && !method.startsWith("IsEnabledBenchmark.")
        && !method.startsWith("UsageContentionBenchmark.")) {
      return Double.POSITIVE_INFINITY;
    }
    double slack = method.contains(".hundred") ? LOOP_SLACK_BYTES : MAX_ISENABLED_BYTES;
    return peer && !method.endsWith("ById") ? TENANT_KEY_BYTES + slack : slack;
  }

  static void print(List<Row> rows, PrintStream out) {
    String format = "%-56s %12s %20s %10s %12s %7s  %s%n";
    out.printf(
        Locale.ROOT,
        format,
        "benchmark",
        "median ns/op",
        "mean ± error ns/op",
        "B/op",
        "baseline ns",
        "ratio",
        "verdict");
    for (Row row : rows) {
      Measured m = row.measured();
      String base =
          row.baseline() == null
              ? "-"
              : String.format(Locale.ROOT, "%.1f", row.baseline().nsPerOp());
      String ratio =
          row.baseline() == null || row.baseline().nsPerOp() <= 0
              ? "-"
              : String.format(Locale.ROOT, "%.2f", m.medianNs() / row.baseline().nsPerOp());
      out.printf(
          Locale.ROOT,
          format,
          m.name(),
          fmt(m.medianNs()),
          fmt(m.scoreNs()) + " ± " + (Double.isNaN(m.errorNs()) ? "?" : fmt(m.errorNs())),
          Double.isNaN(m.bytesPerOp()) ? "?" : String.format(Locale.ROOT, "%.3f", m.bytesPerOp()),
          base,
          ratio,
          row.passed() ? "ok" : "FAIL: " + String.join("; ", row.failures()));
    }
  }

  private static String fmt(double ns) {
    return ns >= 100
        ? String.format(Locale.ROOT, "%.0f", ns)
        : String.format(Locale.ROOT, "%.2f", ns);
  }
}
