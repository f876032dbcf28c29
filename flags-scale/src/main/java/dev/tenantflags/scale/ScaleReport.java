package dev.tenantflags.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measurements of one {@link ScaleHarness} run, and their Markdown table.
 *
 * <p>Thread safety: immutable.
 *
 * @param config what ran
 * @param perClient every (client, toggle) delivery latency, in ms, sorted
 * @param allClients per toggle, the time until the last client held it, in ms, sorted
 * @param spreads per toggle, from the first client holding it to the last, in ms, sorted
 * @param adminRoundTrips per toggle, the admin request's round trip through server A, in ms, sorted
 * @param pgFewClients how many clients were connected at the first connection count
 * @param pgFew PostgreSQL client connections then
 * @param pgAll PostgreSQL client connections with every client connected
 * @param pgAfterToggles PostgreSQL client connections after the toggles
 * @param toggleWallMillis wall time of the toggle phase
 * @param cpuMillisA CPU time server A used during the toggle phase
 * @param cpuMillisB CPU time server B used during the toggle phase
 * @param cpuMillisClients CPU time the clients' JVM (this one) used during the toggle phase
 * @param rssKibA server A's resident memory after the toggles
 * @param rssKibB server B's resident memory after the toggles
 * @param peakKibA server A's peak resident memory
 * @param peakKibB server B's peak resident memory
 * @param failoverResumedMillis from killing A until every client was connected again and held every
 *     change committed before the kill
 * @param failoverAfterMillis from sending a change through B after the kill until every client held
 *     it
 * @param failoverNothingLost whether every client held both the change made just before the kill
 *     and the one after it
 * @param loadAverages the machine's load averages (1, 5, 15 min) at the start and at the end
 */
public record ScaleReport(
    ScaleConfig config,
    List<Double> perClient,
    List<Double> allClients,
    List<Double> spreads,
    List<Double> adminRoundTrips,
    int pgFewClients,
    long pgFew,
    long pgAll,
    long pgAfterToggles,
    long toggleWallMillis,
    long cpuMillisA,
    long cpuMillisB,
    long cpuMillisClients,
    long rssKibA,
    long rssKibB,
    long peakKibA,
    long peakKibB,
    long failoverResumedMillis,
    long failoverAfterMillis,
    boolean failoverNothingLost,
    List<String> loadAverages) {

  /** Copies the lists. */
  public ScaleReport {
    perClient = List.copyOf(perClient);
    allClients = List.copyOf(allClients);
    adminRoundTrips = List.copyOf(adminRoundTrips);
    spreads = List.copyOf(spreads);
    loadAverages = List.copyOf(loadAverages);
  }

  static Builder builder(ScaleConfig config) {
    return new Builder(config);
  }

  /**
   * Returns a percentile of a sorted list (nearest rank).
   *
   * @param sorted the values, ascending
   * @param p the percentile, 0 to 100
   * @return the value
   */
  public static double percentile(List<Double> sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /**
   * Renders the report as a Markdown table.
   *
   * @return the Markdown text
   */
  public String toMarkdown() {
    StringBuilder b = new StringBuilder();
    b.append("## Relay scale run: ")
        .append(config.clients())
        .append(" stream clients, ")
        .append(config.toggles())
        .append(" toggles through server A (after ")
        .append(config.warmups())
        .append(" unmeasured warm-up changes)\n\n");
    b.append("| measure | p50 | p99 | max |\n|---|---:|---:|---:|\n");
    row(b, "one client holds a toggle (ms, all client x toggle pairs)", perClient);
    row(b, "every client holds a toggle (ms, per toggle)", allClients);
    row(b, "first to last client, per toggle (ms): the fan-out", spreads);
    row(b, "admin PATCH round trip through A (ms), for comparison", adminRoundTrips);
    b.append("\n| measure | value |\n|---|---:|\n");
    line(b, "PostgreSQL client connections with " + pgFewClients + " clients", pgFew);
    line(b, "PostgreSQL client connections with " + config.clients() + " clients", pgAll);
    line(b, "PostgreSQL client connections after the toggles", pgAfterToggles);
    line(b, "toggle phase, wall time (ms)", toggleWallMillis);
    b.append(
        String.format(
            Locale.ROOT,
            "| server A CPU during toggles (ms; %% of one core) | %d (%.1f %%) |\n",
            cpuMillisA,
            100.0 * cpuMillisA / Math.max(1, toggleWallMillis)));
    b.append(
        String.format(
            Locale.ROOT,
            "| server B CPU during toggles (ms; %% of one core) | %d (%.1f %%) |\n",
            cpuMillisB,
            100.0 * cpuMillisB / Math.max(1, toggleWallMillis)));
    b.append(
        String.format(
            Locale.ROOT,
            "| clients' JVM CPU during toggles (ms; %% of one core) | %d (%.1f %%) |\n",
            cpuMillisClients,
            100.0 * cpuMillisClients / Math.max(1, toggleWallMillis)));
    line(b, "server A RSS after toggles / peak (MiB)", rssKibA / 1024, peakKibA / 1024);
    line(b, "server B RSS after toggles / peak (MiB)", rssKibB / 1024, peakKibB / 1024);
    if (config.failover()) {
      line(
          b,
          "kill A: every client connected again and holding every change made before (ms)",
          failoverResumedMillis);
      line(
          b,
          "then a change through B: until every client holds it (ms, admin round trip included)",
          failoverAfterMillis);
      b.append("| kill A: no change lost | ")
          .append(failoverNothingLost ? "yes" : "NO")
          .append(" |\n");
    }
    b.append("\nServers: two flags-server JVMs (-Xmx")
        .append(config.serverHeap())
        .append(", SerialGC) on one embedded PostgreSQL; clients: RemoteFlagStore instances in one")
        .append(" JVM sharing one HttpClient with 4 threads; ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores; load average (1/5/15 min) at start ")
        .append(loadAverages.isEmpty() ? "n/a" : loadAverages.get(0))
        .append(", at end ")
        .append(loadAverages.isEmpty() ? "n/a" : loadAverages.get(loadAverages.size() - 1))
        .append(".\n");
    return b.toString();
  }

  private static void row(StringBuilder b, String name, List<Double> sorted) {
    b.append(
        String.format(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %.1f |\n",
            name,
            percentile(sorted, 50),
            percentile(sorted, 99),
            sorted.get(sorted.size() - 1)));
  }

  private static void line(StringBuilder b, String name, long value) {
    b.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static void line(StringBuilder b, String name, long value, long second) {
    b.append("| ").append(name).append(" | ").append(value).append(" / ").append(second);
    b.append(" |\n");
  }

  /** Collects measurements as the run goes. */
  static final class Builder {
    private final ScaleConfig config;
    private final List<Double> perClient = new ArrayList<>();
    private final List<Double> admin = new ArrayList<>();
    private final double[] worst;
    private final double[] best;
    private int pgFewClients;
    private long pgFew;
    private long pgAll;
    private long pgAfter;
    private long wall;
    private long cpuA;
    private long cpuB;
    private long cpuClients;

    void clientsCpu(long millis) {
      cpuClients = millis;
    }

    private long rssA;
    private long rssB;
    private long peakA;
    private long peakB;
    private long failResumed = -1;
    private long failAfter = -1;
    private boolean nothingLost;
    private final List<String> load = new ArrayList<>();

    void loadAverage(String value) {
      load.add(value);
    }

    Builder(ScaleConfig config) {
      this.config = config;
      this.worst = new double[config.toggles() + 1];
      this.best = new double[config.toggles() + 1];
      java.util.Arrays.fill(best, Double.MAX_VALUE);
    }

    void pgConnectionsFew(int clients, long count) {
      pgFewClients = clients;
      pgFew = count;
    }

    void pgConnectionsAll(int clients, long count) {
      pgAll = count;
    }

    void pgConnectionsAfterToggles(long count) {
      pgAfter = count;
    }

    void adminRoundTrip(Duration d) {
      admin.add(d.toNanos() / 1e6);
    }

    void latency(int toggle, Duration d) {
      double ms = d.toNanos() / 1e6;
      perClient.add(ms);
      worst[toggle] = Math.max(worst[toggle], ms);
      best[toggle] = Math.min(best[toggle], ms);
    }

    void servers(
        long wallMillis, long cpuA, long cpuB, long rssA, long rssB, long peakA, long peakB) {
      this.wall = wallMillis;
      this.cpuA = cpuA;
      this.cpuB = cpuB;
      this.rssA = rssA;
      this.rssB = rssB;
      this.peakA = peakA;
      this.peakB = peakB;
    }

    void failover(Duration resumed, Duration after, boolean nothingLost) {
      this.failResumed = resumed.toMillis();
      this.failAfter = after.toMillis();
      this.nothingLost = nothingLost;
    }

    ScaleReport build() {
      List<Double> sorted = new ArrayList<>(perClient);
      sorted.sort(null);
      List<Double> all = new ArrayList<>();
      for (int k = 1; k < worst.length; k++) {
        all.add(worst[k]);
      }
      all.sort(null);
      List<Double> spread = new ArrayList<>();
      for (int k = 1; k < worst.length; k++) {
        spread.add(worst[k] - best[k]);
      }
      spread.sort(null);
      List<Double> rtt = new ArrayList<>(admin);
      rtt.sort(null);
      return new ScaleReport(
          config,
          sorted,
          all,
          spread,
          rtt,
          pgFewClients,
          pgFew,
          pgAll,
          pgAfter,
          wall,
          cpuA,
          cpuB,
          cpuClients,
          rssA,
          rssB,
          peakA,
          peakB,
          failResumed,
          failAfter,
          nothingLost,
          load);
    }
  }
}
