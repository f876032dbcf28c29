package dev.tenantflags.server;

import dev.tenantflags.EnsureResult;
import dev.tenantflags.Environment;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagExport;
import dev.tenantflags.jdbc.JdbiFlagStore;
import dev.tenantflags.servlet.Authenticator;
import dev.tenantflags.servlet.BearerTokenAuthenticator;
import dev.tenantflags.servlet.ConsoleServlet;
import dev.tenantflags.servlet.FlagAdminServlet;
import dev.tenantflags.servlet.Role;
import dev.tenantflags.servlet.StoreTokenAuthenticator;
import dev.tenantflags.servlet.relay.ChangeBroadcaster;
import dev.tenantflags.spi.FlagStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable flag service: embedded Jetty 12 serving the admin REST API at {@code /api/*}, the
 * web console at {@code /} and a readiness check at {@code /health}, over a JDBC store (a SQLite
 * file by default).
 *
 * <p>Run it with {@code java -jar flags-server.jar [options]} ({@link #main}; {@code --help} lists
 * the options), or start it in-process with {@link #start(ServerOptions, Map, PrintStream)}.
 *
 * <h2>Start-up</h2>
 *
 * Opens the store (migrating its schema), creates {@code development}, {@code staging} and a
 * protected {@code production} on an empty database, applies the {@code --seed} file with {@link
 * FlagAdmin#ensure}, resolves the first admin token ({@code FLAGS_ADMIN_TOKEN}, or generated and
 * printed once), then listens.
 *
 * <h2>Shutdown</h2>
 *
 * {@link #close()} (called by the JVM shutdown hook on SIGTERM or Ctrl-C when run from {@link
 * #main}) stops accepting requests, lets running ones finish for up to five seconds, then closes
 * the client and the store.
 *
 * <p>Thread safety: {@link #close()} may be called from any thread, more than once.
 */
public final class FlagServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FlagServer.class);
  private static final String SERVER_ACTOR = "flags-server";

  /**
   * The actor of seeded flags; {@code ensure} treats flags last changed by anyone else as edited.
   */
  static final String SEED_ACTOR = "flags-server --seed";

  private final Server jetty;
  private final ChangeBroadcaster relay;
  private final FeatureFlags flags;
  private final FlagStore store;
  private final StoreTokenAuthenticator storeTokens;
  private final int port;
  private final Object closeLock = new Object();
  private boolean closed;

  private FlagServer(
      Server jetty,
      ChangeBroadcaster relay,
      FeatureFlags flags,
      FlagStore store,
      StoreTokenAuthenticator storeTokens,
      int port) {
    this.jetty = jetty;
    this.relay = relay;
    this.flags = flags;
    this.store = store;
    this.storeTokens = storeTokens;
    this.port = port;
  }

  /**
   * Runs the server until the JVM is asked to stop.
   *
   * @param args the command-line options; see {@code --help}
   */
  public static void main(String[] args) {
    exitZeroOnSignal = true;
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Set by {@link #main}: a clean stop on SIGTERM exits 0. */
  private static volatile boolean exitZeroOnSignal;

  /** Parses, starts, and blocks until shutdown; returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    ServerOptions options;
    try {
      options = ServerOptions.parse(args);
    } catch (UsageException e) {
      err.println("flags-server: " + e.getMessage() + " (see --help)");
      return 2;
    }
    if (options.help()) {
      out.print(ServerOptions.usage());
      return 0;
    }
    FlagServer server;
    try {
      server = start(options, env, out);
    } catch (UsageException e) {
      err.println("flags-server: " + e.getMessage() + " (see --help)");
      return 2;
    } catch (RuntimeException | IOException e) {
      LOG.error("flags-server could not start: {}", e.toString(), e);
      err.println("flags-server: could not start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  // SIGTERM is how an operator stops the server: once it has stopped cleanly the
                  // process exits 0 as --help promises, not the JVM's 143. Only when run as the
                  // program (main), never inside a host JVM such as a test runner.
                  if (exitZeroOnSignal) {
                    Runtime.getRuntime().halt(0);
                  }
                },
                "flags-server-shutdown"));
    try {
      server.jetty.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /**
   * Starts a server and returns once it listens.
   *
   * @param options the options
   * @param env the process environment (for {@code FLAGS_ADMIN_TOKEN})
   * @param out where to print the listening address and a generated admin token
   * @return the running server
   * @throws IOException if the seed or tokens file cannot be read
   * @throws UsageException if the seed or tokens file or {@code FLAGS_ADMIN_TOKEN} is invalid,
   *     naming the option
   * @throws RuntimeException if the store cannot be opened or the port cannot be bound
   */
  public static FlagServer start(ServerOptions options, Map<String, String> env, PrintStream out)
      throws IOException {
    return start(options, env, out, Clock.systemUTC());
  }

  /**
   * {@link #start(ServerOptions, Map, PrintStream)} judging staleness and usage by {@code clock}.
   */
  static FlagServer start(
      ServerOptions options, Map<String, String> env, PrintStream out, Clock usageClock)
      throws IOException {
    AdminToken adminToken = AdminToken.resolve(options.jdbcUrl(), env);
    BearerTokenAuthenticator.Builder tokens =
        BearerTokenAuthenticator.builder()
            .sha256("admin", Role.ADMIN, null, adminToken.sha256Hex());
    int fileTokens = 0;
    if (options.tokens() != null) {
      try {
        tokens.file(options.tokens());
        fileTokens = tokens.build().size() - 1;
      } catch (RuntimeException e) {
        throw new UsageException(
            "--tokens file \"" + options.tokens() + "\" is invalid: " + e.getMessage());
      }
    }
    BearerTokenAuthenticator authenticator = tokens.build();
    FlagExport seed = options.seed() == null ? null : readSeed(options);

    JdbiFlagStore store = JdbiFlagStore.create(options.jdbcUrl());
    FeatureFlags flags = null;
    Server jetty = null;
    ChangeBroadcaster relay = null;
    StoreTokenAuthenticator storeTokens = null;
    try {
      flags =
          FeatureFlags.builder()
              .store(store)
              .environment(options.environment())
              .strictStartup(true)
              .build();
      createDefaultEnvironments(flags);
      if (seed != null) {
        applySeed(store, options.environment(), seed);
      }
      String dialect = store.dialect().name().toLowerCase(java.util.Locale.ROOT);

      QueuedThreadPool threads = new QueuedThreadPool(64, 4);
      threads.setName("flags-http");
      jetty = new Server(threads);
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost(options.bind());
      connector.setPort(options.port());
      // When a relay dies its stream clients reconnect to this one at once; Java's default accept
      // backlog (50) would drop their SYNs and cost each a one-second TCP retransmit.
      connector.setAcceptQueueSize(1024);
      jetty.addConnector(connector);
      jetty.setStopTimeout(Duration.ofSeconds(5).toMillis());
      jetty.setErrorHandler(new ProblemErrorHandler());
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      // Tokens created in the console live in the store; the file and FLAGS_ADMIN_TOKEN still work.
      storeTokens = storeTokens(flags);
      // The admin API serves the relay endpoints of SPEC §10 too; their event streams need async.
      relay = ChangeBroadcaster.builder().store(store).build();
      ServletHolder api =
          new ServletHolder(
              "admin-api", adminApi(flags, authenticator, storeTokens, usageClock, relay));
      api.setAsyncSupported(true);
      context.addServlet(api, "/api/*");
      Authenticator anyToken = storeTokens == null ? authenticator : authenticator.or(storeTokens);
      context.addServlet(
          new ServletHolder("health", new HealthServlet(flags, dialect, anyToken)), "/health");
      context.addServlet(new ServletHolder("console", new ConsoleServlet()), "/");
      jetty.setHandler(context);
      try {
        jetty.start();
      } catch (IOException e) {
        // A --bind value that is no address at all is the operator's typo, not a failed start.
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof java.nio.channels.UnresolvedAddressException) {
            throw new UsageException(
                "--bind " + options.bind() + " is not an address of this host");
          }
        }
        throw e;
      }
      int port = connector.getLocalPort();

      // Only now that the server listens is the generated token's hash kept: a start that failed
      // earlier leaves no hash of a token nobody holds.
      boolean kept = adminToken.persist();
      if (adminToken.generated() != null) {
        out.println();
        out.println(
            "  First start: generated an admin token. It is shown only this once; keep it safe.");
        out.println("  Sign in to the console and call the API with it:");
        out.println();
        out.println("      " + adminToken.generated());
        out.println();
        out.println(
            kept
                ? "  Its SHA-256 is kept in "
                    + adminToken.file()
                    + "; delete that file to get a new token."
                : "  Another server wrote "
                    + adminToken.file()
                    + " first: this token works only until this server stops.");
        out.println();
      }
      String host = options.bind().contains(":") ? "[" + options.bind() + "]" : options.bind();
      LOG.info("admin token {}", adminToken.describe());
      if (options.tokens() != null) {
        LOG.info(
            "loaded {} token{} from {}", fileTokens, fileTokens == 1 ? "" : "s", options.tokens());
      }
      LOG.info(
          "store {} ({}); default environment {}",
          dialect,
          redact(options.jdbcUrl()),
          options.environment());
      out.println("flags-server listening on http://" + host + ":" + port + "/");
      out.flush();
      return new FlagServer(jetty, relay, flags, store, storeTokens, port);
    } catch (Exception e) {
      if (relay != null) {
        relay.close();
      }
      stopQuietly(jetty);
      if (storeTokens != null) {
        storeTokens.close();
      }
      if (flags != null) {
        flags.close();
      }
      store.close();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("starting the server failed: " + e.getMessage(), e);
    }
  }

  private static FlagAdminServlet adminApi(
      FeatureFlags flags,
      BearerTokenAuthenticator fileTokens,
      StoreTokenAuthenticator storeTokens,
      Clock usageClock,
      ChangeBroadcaster relay) {
    FlagAdminServlet.Builder api =
        FlagAdminServlet.builder()
            .flags(flags)
            .authenticator(fileTokens)
            .clock(usageClock)
            .relay(relay);
    if (storeTokens != null) {
      api.storeTokens(storeTokens);
    }
    return api.build();
  }

  /** The store's API tokens, or null (logged once) for a store that keeps none. */
  private static StoreTokenAuthenticator storeTokens(FeatureFlags flags) {
    try {
      return StoreTokenAuthenticator.builder(flags).build();
    } catch (UnsupportedOperationException e) {
      LOG.warn(
          "this store keeps no API tokens: only the tokens file and FLAGS_ADMIN_TOKEN sign in");
      return null;
    }
  }

  private static FlagExport readSeed(ServerOptions options) throws IOException {
    String text;
    try {
      text = Files.readString(options.seed(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --seed file \"" + options.seed() + "\"", e);
    }
    try {
      return FlagExport.parse(text, options.environment());
    } catch (RuntimeException e) {
      throw new UsageException(
          "--seed file \"" + options.seed() + "\" is invalid: " + e.getMessage());
    }
  }

  /** An empty store gets the three usual environments; production is protected. */
  private static void createDefaultEnvironments(FeatureFlags flags) {
    FlagAdmin admin = flags.admin(SERVER_ACTOR);
    if (!admin.environments().isEmpty()) {
      return;
    }
    for (Environment env :
        List.of(
            new Environment("development", false),
            new Environment("staging", false),
            new Environment(Environment.PRODUCTION, true))) {
      try {
        admin.createEnvironment(env.name(), env.isProtected(), "created on first start");
      } catch (FlagConflictException e) {
        // A second server on the same database created it at the same moment.
      }
    }
    LOG.info(
        "empty database: created the environments development, staging and production (protected)");
  }

  /** Declares the seed's flags in its environment; operators' edits survive (ensure). */
  private static void applySeed(FlagStore store, String serverEnvironment, FlagExport seed) {
    Map<EnsureResult, Integer> counts = new EnumMap<>(EnsureResult.class);
    FeatureFlags client =
        FeatureFlags.builder()
            .store(store)
            .environment(seed.environment())
            .strictStartup(true)
            .build();
    try {
      FlagAdmin admin = client.admin(SEED_ACTOR);
      // Prerequisites must exist first: declare flags in dependency order.
      for (Flag flag : SeedOrder.sort(seed.flags())) {
        counts.merge(admin.ensure(flag), 1, Integer::sum);
      }
    } finally {
      client.close();
    }
    if (!seed.overrides().isEmpty()) {
      LOG.warn(
          "the seed file holds {} overrides; --seed declares flags only, so they were not applied",
          seed.overrides().size());
    }
    LOG.info("seed applied to environment {}: {}", seed.environment(), counts);
  }

  private static String redact(String jdbcUrl) {
    // Passwords may sit in the URL's query; log the URL up to it.
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
  }

  /**
   * Returns the port the server listens on (the chosen one when started with port 0).
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the flags client the server evaluates and administers with.
   *
   * @return the client
   */
  public FeatureFlags flags() {
    return flags;
  }

  /** Stops the server, then closes the client and the store. Idempotent. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    LOG.info("stopping");
    relay.close(); // streams end with a retry hint while the connectors still run
    stopQuietly(jetty);
    // Writes the last batch of tokens' last-used times before the store closes.
    if (storeTokens != null) {
      storeTokens.close();
    }
    flags.close();
    try {
      store.close();
    } catch (Exception e) {
      LOG.warn("closing the store failed: {}", e.toString());
    }
    LOG.info("stopped");
  }

  private static void stopQuietly(Server jetty) {
    if (jetty == null) {
      return;
    }
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server failed: {}", e.toString());
    }
  }
}
