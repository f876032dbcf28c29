package dev.tenantflags.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The committed performance baseline ({@code flags-jmh/baseline.json}): per benchmark, its median
 * ns/op and its B/op when the baseline was last refreshed. The file is written and read only by
 * {@link Gate}, so the format is deliberately tiny:
 *
 * <pre>{@code
 * {
 *   "mode": "quick",
 *   "jdk": "17.0.15",
 *   "benchmarks": {
 *     "IsEnabledBenchmark.on": {"nsPerOp": 6.1, "bytesPerOp": 0.0}
 *   }
 * }
 * }</pre>
 *
 * @param mode the gate mode the numbers were taken in ({@code quick} or {@code full})
 * @param jdk the Java version they were taken on
 * @param benchmarks benchmark name to its numbers, sorted by name
 */
record Baseline(String mode, String jdk, Map<String, Entry> benchmarks) {

  private static final Pattern FIELD = Pattern.compile("\"(mode|jdk)\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern ENTRY =
      Pattern.compile(
          "\"([^\"]+)\"\\s*:\\s*\\{\\s*\"nsPerOp\"\\s*:\\s*([-+0-9.eE]+)\\s*,\\s*\"bytesPerOp\"\\s*:\\s*([-+0-9.eE]+)\\s*}");

  /**
   * One benchmark's reference numbers.
   *
   * @param nsPerOp median time per operation, nanoseconds
   * @param bytesPerOp bytes allocated per operation ({@code gc.alloc.rate.norm}); NaN when unknown
   */
  record Entry(double nsPerOp, double bytesPerOp) {}

  Baseline {
    benchmarks = new TreeMap<>(benchmarks);
  }

  static Baseline read(Path file) throws IOException {
    String json = Files.readString(file, StandardCharsets.UTF_8);
    String mode = "";
    String jdk = "";
    Matcher field = FIELD.matcher(json);
    while (field.find()) {
      if (field.group(1).equals("mode")) {
        mode = field.group(2);
      } else {
        jdk = field.group(2);
      }
    }
    Map<String, Entry> entries = new TreeMap<>();
    Matcher entry = ENTRY.matcher(json);
    while (entry.find()) {
      entries.put(
          entry.group(1),
          new Entry(Double.parseDouble(entry.group(2)), Double.parseDouble(entry.group(3))));
    }
    if (entries.isEmpty()) {
      throw new IOException("baseline has no benchmark entries: " + file);
    }
    return new Baseline(mode, jdk, entries);
  }

  String toJson() {
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"mode\": \"")
        .append(mode)
        .append("\",\n  \"jdk\": \"")
        .append(jdk)
        .append("\",\n");
    out.append("  \"benchmarks\": {\n");
    int i = 0;
    for (Map.Entry<String, Entry> e : benchmarks.entrySet()) {
      double bytes = e.getValue().bytesPerOp();
      out.append(
          String.format(
              Locale.ROOT,
              "    \"%s\": {\"nsPerOp\": %.3f, \"bytesPerOp\": %.3f}",
              e.getKey(),
              e.getValue().nsPerOp(),
              Double.isNaN(bytes) ? -1.0 : bytes));
      out.append(++i < benchmarks.size() ? ",\n" : "\n");
    }
    out.append("  }\n}\n");
    return out.toString();
  }

  void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }
}
