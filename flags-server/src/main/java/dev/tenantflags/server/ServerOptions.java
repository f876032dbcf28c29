package dev.tenantflags.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The command-line options of {@code flags-server}, parsed and validated.
 *
 * <p>Options take their value as the next argument or after {@code =} ({@code --port 9000} or
 * {@code --port=9000}). Parsing rejects unknown options, missing values, repeated options and
 * invalid values with a {@link UsageException} whose message names the option.
 *
 * <p>Thread safety: immutable.
 *
 * @param port the TCP port, 0 to 65535 (0 picks a free port)
 * @param bind the address to listen on
 * @param jdbcUrl where flags are stored
 * @param environment the environment the API and console use when a request names none
 * @param tokens a JSON tokens file (SPEC §6 format), or null
 * @param seed a JSON file of flags to declare with {@code ensure}, or null
 * @param help whether {@code --help} was given (everything else is then ignored)
 */
public record ServerOptions(
    int port,
    String bind,
    String jdbcUrl,
    String environment,
    Path tokens,
    Path seed,
    boolean help) {

  /** The default port. */
  public static final int DEFAULT_PORT = 8080;

  /** The default bind address: loopback only, so a first try exposes nothing. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** The default store: a SQLite file in the working directory. */
  public static final String DEFAULT_JDBC_URL = "jdbc:sqlite:flags.db";

  /** The default environment. */
  public static final String DEFAULT_ENVIRONMENT = "production";

  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9_-]{1,32}");

  /**
   * Creates options.
   *
   * @throws NullPointerException if {@code bind}, {@code jdbcUrl} or {@code environment} is null
   */
  public ServerOptions {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(environment, "environment");
  }

  /**
   * Returns the defaults: port 8080 on 127.0.0.1, {@code jdbc:sqlite:flags.db}, {@code production}.
   *
   * @return the default options
   */
  public static ServerOptions defaults() {
    return new ServerOptions(
        DEFAULT_PORT, DEFAULT_BIND, DEFAULT_JDBC_URL, DEFAULT_ENVIRONMENT, null, null, false);
  }

  /**
   * @return a copy with this port
   */
  public ServerOptions withPort(int port) {
    return new ServerOptions(port, bind, jdbcUrl, environment, tokens, seed, help);
  }

  /**
   * @return a copy with this JDBC URL
   */
  public ServerOptions withJdbcUrl(String jdbcUrl) {
    return new ServerOptions(port, bind, jdbcUrl, environment, tokens, seed, help);
  }

  /**
   * @return a copy with this seed file (null for none)
   */
  public ServerOptions withSeed(Path seed) {
    return new ServerOptions(port, bind, jdbcUrl, environment, tokens, seed, help);
  }

  /**
   * @return a copy with this tokens file (null for none)
   */
  public ServerOptions withTokens(Path tokens) {
    return new ServerOptions(port, bind, jdbcUrl, environment, tokens, seed, help);
  }

  /**
   * Parses command-line arguments.
   *
   * @param args the arguments
   * @return the options
   * @throws UsageException naming the offending option
   */
  public static ServerOptions parse(String... args) {
    ServerOptions o = defaults();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new ServerOptions(o.port, o.bind, o.jdbcUrl, o.environment, o.tokens, o.seed, true);
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument: \"" + arg + "\"");
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (isKnown(name)) {
        if (i + 1 >= args.length) {
          throw new UsageException(name + " needs a value");
        }
        value = args[++i];
      } else {
        value = null;
      }
      if (!isKnown(name)) {
        throw new UsageException("unknown option: " + name);
      }
      if (!seen.add(name)) {
        throw new UsageException(name + " was given twice");
      }
      o =
          switch (name) {
            case "--port" -> o.withPort(port(value));
            case "--bind" ->
                new ServerOptions(
                    o.port,
                    nonEmpty(name, value),
                    o.jdbcUrl,
                    o.environment,
                    o.tokens,
                    o.seed,
                    false);
            case "--jdbc-url" -> o.withJdbcUrl(jdbcUrl(value));
            case "--environment" ->
                new ServerOptions(
                    o.port, o.bind, o.jdbcUrl, environment(value), o.tokens, o.seed, false);
            case "--tokens" -> o.withTokens(readableFile(name, value));
            case "--seed" -> o.withSeed(readableFile(name, value));
            default -> throw new IllegalStateException(name);
          };
    }
    return o;
  }

  private static boolean isKnown(String name) {
    return switch (name) {
      case "--port", "--bind", "--jdbc-url", "--environment", "--tokens", "--seed" -> true;
      default -> false;
    };
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--port must be a number from 0 to 65535: \"" + value + "\"");
  }

  private static String nonEmpty(String name, String value) {
    if (value.isBlank()) {
      throw new UsageException(name + " must not be empty");
    }
    return value.trim();
  }

  private static String jdbcUrl(String value) {
    if (!value.startsWith("jdbc:")) {
      throw new UsageException(
          "--jdbc-url must start with jdbc: (e.g. jdbc:sqlite:flags.db): \"" + value + "\"");
    }
    return value;
  }

  private static String environment(String value) {
    if (!ENVIRONMENT.matcher(value).matches()) {
      throw new UsageException("--environment must match [a-z0-9_-]{1,32}: \"" + value + "\"");
    }
    return value;
  }

  private static Path readableFile(String name, String value) {
    Path path = Path.of(nonEmpty(name, value));
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new UsageException(name + " must name a readable file: \"" + value + "\"");
    }
    return path;
  }

  /** The text {@code --help} prints. */
  static String usage() {
    return """
    Usage: java -jar flags-server.jar [options]

    Runs the tenantflags flag service: the admin REST API at /api, the web console at /,
    and a health check at /health.

    Options:
      --port N            TCP port to listen on (default 8080; 0 picks a free port and
                          prints it)
      --bind ADDRESS      address to listen on (default 127.0.0.1, this machine only;
                          0.0.0.0 for every interface)
      --jdbc-url URL      where flags live (default jdbc:sqlite:flags.db in the working
                          directory); e.g. jdbc:postgresql://db:5432/flags?user=flags
      --environment NAME  the environment used when a request names none
                          (default production)
      --tokens FILE       API tokens, a JSON array of
                          {"name": "ci-bot", "role": "DEVELOPER", "tenant": null,
                           "sha256": "<hex SHA-256 of the token>"}
                          ("token": "<plain>" may replace "sha256" for local use);
                          roles: EVALUATOR, SDK, VIEWER, DEVELOPER, ADMIN,
                          TENANT_ADMIN (with "tenant"); more tokens can be
                          created and revoked at run time in the console
      --seed FILE         flags to declare, JSON in the export format (or a bare array of
                          flags): each is created when absent; flags an operator has
                          changed are left as they are
      --help              print this text

    The first admin token: set FLAGS_ADMIN_TOKEN (16 to 4096 characters) in the environment,
    or let the first start generate one. A generated token is printed once; only its SHA-256
    is kept, once the server listens, in a file next to the SQLite database
    (<db>.admin-token.sha256; for other databases flags-server.admin-token.sha256 in the
    working directory).

    On an empty database the environments development, staging and production (protected:
    only ADMIN tokens may change it) are created. Stop with Ctrl-C or SIGTERM.

    Exit codes: 0 after a clean stop, 1 when the server cannot start, 2 for bad options.
    """;
  }
}
