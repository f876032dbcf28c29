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
 *       {@value #MAX_PEER_BYTES} B/op: the library itself must add nothing.
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

  /** One {@code TenantKey.of(id)} (24 bytes) per operation, plus the same 1 B/op of slack. */
  static final double MAX_PEER_BYTES = 25.0;

  /** The evaluation benchmarks the gate runs; the propagation and cold-load ones are not gated. */
  static final List<String> EVALUATION_BENCHMARKS =
      List.of(
          "\\.IsEnabledBenchmark\\.",
          "\\.PeerScenariosBenchmark\\.",
          "\\.EvaluateAllBenchmark\\.",
          "\\.ConcurrentWriteBenchmark\\.",
          "\\.FilterBenchmark\\.");

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
      results = new Runner(options(full, json, include).build()).run();
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

  static ChainedOptionsBuilder options(boolean full, Path json, String include) {
    ChainedOptionsBuilder builder =
        new OptionsBuilder()
            .forks(1)
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend("-Xms1g", "-Xmx1g")
            .shouldFailOnError(true);
    if (include != null) {
      builder.include(include);
    } else {
      for (String pattern : EVALUATION_BENCHMARKS) {
        builder.include(pattern);
      }
    }
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
    if (method.startsWith("IsEnabledBenchmark.")
        || method.startsWith("UsageContentionBenchmark.")
        || (method.startsWith("PeerScenariosBenchmark.") && method.endsWith("ById"))) {
      return MAX_ISENABLED_BYTES;
    }
    if (method.startsWith("PeerScenariosBenchmark.")) {
      return MAX_PEER_BYTES;
    }
    return Double.POSITIVE_INFINITY;
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
