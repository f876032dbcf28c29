package dev.tenantflags.scale;

import dev.tenantflags.Flag;
import dev.tenantflags.remote.RemoteFlagStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay scale proof of issue 14: one PostgreSQL (embedded), two flags-server processes on it,
 * many {@link RemoteFlagStore} stream clients in this JVM (sharing one {@link HttpClient} and four
 * threads), flag toggles through server A, then server A killed.
 *
 * <p>It measures, per toggle, the time from sending the admin request to the moment each client's
 * mirror holds the change; the servers' CPU time and memory (from {@code /proc}); and PostgreSQL's
 * connection count with a tenth of the clients and with all of them.
 *
 * <p>Full run on an embedded PostgreSQL (writes {@code flags-scale/target/scale-results.md}):
 * {@code mvn -B -o -pl flags-scale -am verify -Dtest=ScaleRunTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dscale.clients=1000 -Dscale.toggles=50}. {@code mvn
 * verify} runs it reduced (100 clients, 10 toggles). The servers run with this JVM's classpath, so
 * the harness needs no packaged jar.
 *
 * <p>Thread safety: one run at a time per instance.
 */
public final class ScaleHarness {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleHarness.class);
  private static final String ENV = "production";
  private static final String FLAG = "scale_toggle";
  private static final String ADMIN_TOKEN = "scale-admin-token-0123456789";
  private static final String SDK_TOKEN = "scale-sdk-token-0123456789";
  private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");

  private final ScaleConfig config;
  private HttpClient http;
  private List<Client> clients;
  private long baseFlagVersion;
  private volatile AtomicIntegerArray holders;
  private long[][] arrivals;

  /**
   * Creates a harness.
   *
   * @param config what to run
   */
  public ScaleHarness(ScaleConfig config) {
    this.config = config;
  }

  /**
   * Runs the whole scenario against a PostgreSQL database and returns the measurements.
   *
   * @param jdbcUrl the database, e.g. {@code
   *     jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
   * @return the report
   * @throws Exception if any step fails
   */
  public ScaleReport run(String jdbcUrl) throws Exception {
    Path work = Files.createDirectories(config.output().resolve("scale-work"));
    Path tokens = work.resolve("tokens.json");
    Files.writeString(
        tokens,
        "[{\"name\":\"sdk\",\"role\":\""
            + config.sdkRole()
            + "\",\"token\":\""
            + SDK_TOKEN
            + "\"}]",
        StandardCharsets.UTF_8);
    ExecutorService clientThreads =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "scale-client-io");
              t.setDaemon(true);
              return t;
            });
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(clientThreads)
            .build();
    ScaleReport.Builder report = ScaleReport.builder(config);
    report.loadAverage(loadAverage());
    String url = jdbcUrl;
    try {
      LOG.info("starting two flags-server processes");
      ServerProcess a =
          ServerProcess.start(
              "a", url, tokens, ADMIN_TOKEN, work.resolve("server-a.log"), config.serverHeap());
      ServerProcess b =
          ServerProcess.start(
              "b", url, tokens, ADMIN_TOKEN, work.resolve("server-b.log"), config.serverHeap());
      try {
        baseFlagVersion = createFlag(a.base);
        holders = new AtomicIntegerArray(config.toggles() + 3);
        arrivals = new long[config.toggles() + 3][config.clients()];
        clients = new ArrayList<>();
        int first = Math.max(1, config.clients() / 10);
        connectClients(first, a, b);
        report.pgConnectionsFew(first, pgConnections(url));
        connectClients(config.clients() - first, a, b);
        report.pgConnectionsAll(config.clients(), pgConnections(url));
        toggle(a, b, report);
        report.pgConnectionsAfterToggles(pgConnections(url));
        if (config.failover()) {
          failover(a, b, report);
        }
      } finally {
        for (Client c : clients == null ? List.<Client>of() : clients) {
          c.store.close();
        }
        b.close();
        a.close();
      }
    } finally {
      clientThreads.shutdownNow();
    }
    report.loadAverage(loadAverage());
    ScaleReport result = report.build();
    Files.writeString(
        config.output().resolve("scale-results.md"), result.toMarkdown(), StandardCharsets.UTF_8);
    LOG.info("\n{}", result.toMarkdown());
    return result;
  }

  // ---- steps -----------------------------------------------------------------------------------

  private long createFlag(URI server) throws Exception {
    HttpResponse<String> created =
        send(
            server,
            "POST",
            "api/flags?env=" + ENV,
            "{\"key\":\"" + FLAG + "\",\"description\":\"scale harness\",\"state\":\"OFF\"}");
    if (created.statusCode() != 201) {
      throw new IllegalStateException("creating the flag failed: " + created.statusCode());
    }
    return version(created.body());
  }

  private void connectClients(int count, ServerProcess a, ServerProcess b) throws Exception {
    long start = System.nanoTime();
    for (int n = 0; n < count; n++) {
      int index = clients.size();
      // Even clients start on A, odd ones on B; each lists the other as its fallback.
      List<URI> servers = index % 2 == 0 ? List.of(a.base, b.base) : List.of(b.base, a.base);
      Client client = new Client(index);
      client.store =
          RemoteFlagStore.builder()
              .servers(servers)
              .environment(ENV)
              .token(SDK_TOKEN)
              .httpClient(http)
              .randomFirstServer(false)
              .backoff(Duration.ofMillis(50), Duration.ofSeconds(2))
              .build();
      client.store.subscribe(ENV, v -> client.observe());
      client.observe();
      clients.add(client);
    }
    awaitOrFail(
        "all clients connected",
        Duration.ofSeconds(60),
        () -> clients.stream().allMatch(c -> c.store.isConnected()));
    LOG.info(
        "{} clients connected ({} ms for the last {})",
        clients.size(),
        Duration.ofNanos(System.nanoTime() - start).toMillis(),
        count);
    Thread.sleep(1_000); // let the servers' pools settle before counting connections
  }

  private void toggle(ServerProcess a, ServerProcess b, ScaleReport.Builder report)
      throws Exception {
    // Warm-up: the same change through the same path, not measured (JIT, connection pools).
    for (int w = 0; w < config.warmups(); w++) {
      send(
          a.base, "PATCH", "api/flags/" + FLAG + "?env=" + ENV, "{\"description\":\"w" + w + "\"}");
    }
    long warm = baseFlagVersion + config.warmups();
    awaitOrFail(
        "warm-up reached every client",
        Duration.ofSeconds(30),
        () -> clients.stream().allMatch(c -> c.flagVersion() >= warm));
    baseFlagVersion = warm;
    holders = new AtomicIntegerArray(holders.length());
    for (Client c : clients) {
      c.rebase();
    }
    long cpuA = a.cpuMillis();
    long cpuB = b.cpuMillis();
    long self = ProcessHandle.current().pid();
    long cpuClients = ServerProcess.cpuMillis(self);
    long wall = System.nanoTime();
    for (int k = 1; k <= config.toggles(); k++) {
      long t0 = System.nanoTime();
      long version =
          version(
              send(
                      a.base,
                      "PATCH",
                      "api/flags/" + FLAG + "?env=" + ENV,
                      "{\"state\":\"" + (k % 2 == 1 ? "ON" : "OFF") + "\"}")
                  .body());
      report.adminRoundTrip(Duration.ofNanos(System.nanoTime() - t0));
      if (version != baseFlagVersion + k) {
        throw new IllegalStateException("unexpected flag version " + version + " at toggle " + k);
      }
      int toggle = k;
      awaitOrFail(
          "toggle " + k + " reached every client",
          Duration.ofSeconds(30),
          () -> holders.get(toggle) == config.clients());
      for (int i = 0; i < config.clients(); i++) {
        report.latency(k, Duration.ofNanos(arrivals[k][i] - t0));
      }
      Thread.sleep(config.pauseMillis());
    }
    long wallMillis = Duration.ofNanos(System.nanoTime() - wall).toMillis();
    report.clientsCpu(ServerProcess.cpuMillis(self) - cpuClients);
    report.servers(
        wallMillis,
        a.cpuMillis() - cpuA,
        b.cpuMillis() - cpuB,
        a.memoryKib("VmRSS"),
        b.memoryKib("VmRSS"),
        a.memoryKib("VmHWM"),
        b.memoryKib("VmHWM"));
  }

  private void failover(ServerProcess a, ServerProcess b, ScaleReport.Builder report)
      throws Exception {
    int beforeKill = config.toggles() + 1;
    int afterKill = config.toggles() + 2;
    // A change through A that A may not have relayed yet: its clients must get it from B.
    send(a.base, "PATCH", "api/flags/" + FLAG + "?env=" + ENV, "{\"description\":\"before\"}");
    long kill = System.nanoTime();
    a.kill();
    // Resumed: every client is connected (to B) and holds everything committed before the kill.
    awaitOrFail(
        "every client resumed after A died",
        Duration.ofSeconds(30),
        () ->
            holders.get(beforeKill) == config.clients()
                && clients.stream().allMatch(c -> c.store.isConnected()));
    long resumed = System.nanoTime();
    // A change made after the kill, through B, reaches every client too.
    long sent = System.nanoTime();
    HttpResponse<String> through =
        send(b.base, "PATCH", "api/flags/" + FLAG + "?env=" + ENV, "{\"description\":\"after\"}");
    if (through.statusCode() != 200) {
      throw new IllegalStateException("change through B failed: " + through.statusCode());
    }
    awaitOrFail(
        "every client holds the change made through B",
        Duration.ofSeconds(30),
        () -> holders.get(afterKill) == config.clients());
    long allHold = System.nanoTime();
    boolean noneLost = true;
    for (Client c : clients) {
      Optional<Flag> flag = c.store.loadFlag(ENV, FLAG);
      noneLost &= flag.isPresent() && "after".equals(flag.get().description());
    }
    report.failover(Duration.ofNanos(resumed - kill), Duration.ofNanos(allHold - sent), noneLost);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private HttpResponse<String> send(URI server, String method, String path, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(server.resolve(path))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long version(String json) {
    Matcher m = VERSION.matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no version in " + json);
    }
    return Long.parseLong(m.group(1));
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static long pgConnections(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void awaitOrFail(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(1);
    }
  }

  /** One stream client: its store and what it has seen. */
  private final class Client {
    final int index;
    RemoteFlagStore store;
    private int seen;
    private volatile long flagVersion;

    Client(int index) {
      this.index = index;
    }

    long flagVersion() {
      return flagVersion;
    }

    /** Forgets the warm-up: toggle numbers count from the current base version. */
    synchronized void rebase() {
      seen = 0;
      for (int k = 0; k < arrivals.length; k++) {
        arrivals[k][index] = 0;
      }
    }

    /** Called after every event the store applied: records when each toggle arrived. */
    synchronized void observe() {
      long now = System.nanoTime();
      Optional<Flag> flag;
      try {
        flag = store.loadFlag(ENV, FLAG);
      } catch (RuntimeException e) {
        return; // no snapshot yet
      }
      if (flag.isEmpty()) {
        return;
      }
      flagVersion = flag.get().version();
      int reached = (int) Math.min(arrivals.length - 1, flagVersion - baseFlagVersion);
      for (int k = Math.max(1, seen + 1); k <= reached; k++) {
        arrivals[k][index] = now;
        holders.incrementAndGet(k);
      }
      seen = Math.max(seen, reached);
    }
  }

  /**
   * Runs the harness against an existing PostgreSQL: {@code java -cp ...
   * dev.tenantflags.scale.ScaleHarness <jdbc-url> [clients] [toggles]}. Use a database of its own:
   * the run creates the schema and a flag in it.
   *
   * @param args the JDBC URL, then optional client and toggle counts
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ScaleHarness <jdbc-url> [clients] [toggles]");
      System.exit(2);
    }
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int toggles = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    new ScaleHarness(ScaleConfig.of(clients, toggles, Path.of("target"))).run(args[0]);
  }
}
