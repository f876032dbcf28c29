package dev.tenantflags.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.tenantflags.ApiToken;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.internal.AccessStore;
import dev.tenantflags.jdbc.internal.FlagReads;
import dev.tenantflags.jdbc.internal.FlagWrites;
import dev.tenantflags.jdbc.internal.Operation;
import dev.tenantflags.jdbc.internal.PgChangeListener;
import dev.tenantflags.jdbc.internal.SqlDialect;
import dev.tenantflags.jdbc.internal.StoreCalls;
import dev.tenantflags.jdbc.internal.Timeouts;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreException;
import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UsageBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A durable {@link FlagStore} in a SQL database — SQLite, PostgreSQL, H2 or MariaDB/MySQL — through
 * JDBI 3. Many processes may share one database: every write is one transaction (version check, row
 * change, change-log row, audit row, change-version bump, and on PostgreSQL {@code pg_notify}), and
 * on PostgreSQL {@link #subscribe} pushes changes to clients through {@code LISTEN/NOTIFY}.
 *
 * <pre>{@code
 * FlagStore store = JdbiFlagStore.create("jdbc:sqlite:flags.db");          // file, created if absent
 * FlagStore shared = JdbiFlagStore.builder()
 *     .dataSource(hikari)                                                   // your pool
 *     .listenerUrl("jdbc:postgresql://db/app?user=flags&password=secret")  // dedicated LISTEN connection
 *     .build();
 * }</pre>
 *
 * <p>On start the store detects the dialect (or takes the forced one) and applies its schema
 * migrations ({@link SchemaMode#MIGRATE}, the default), under a database lock. Stores created from
 * a JDBC URL open an internal HikariCP pool (named {@code tenantflags-<dialect>}) and close it with
 * the store; stores created from a {@link DataSource} use it and never close it. Every database
 * failure surfaces as one {@link FlagStoreException} whose message holds no SQL values.
 *
 * <p>Thread safety: safe for concurrent use by many threads and many processes.
 */
public final class JdbiFlagStore implements FlagStore {

  /*
   * Design note
   *
   * This class is the public face: building, and delegating to the internal units that hold one job
   * each. FlagReads and FlagWrites hold the SQL work and its concurrency design; AccessStore usage
   * and tokens; StoreCalls the statement timeouts, error translation and the one retry of
   * retryable operations; the SqlDialect units everything that differs between databases; and
   * PgChangeListener/PgNotify the PostgreSQL push.
   *
   * Timeouts (SPEC §4): every statement carries a JDBC queryTimeout; connections this store opens
   * itself (its pool, its listener) carry the driver's socket and connect timeouts; SQLite waits for
   * another process's lock at most the statement timeout. A call therefore fails with a
   * FlagStoreException that says what timed out instead of holding its thread.
   */

  private static final int DEFAULT_MAX_IDLE = 4;

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final HikariDataSource ownedPool;
  private final PgChangeListener listener;
  private final StoreCalls calls;
  private final FlagReads reads;
  private final FlagWrites writes;
  private final AccessStore access;
  private volatile boolean closed;

  JdbiFlagStore(
      Jdbi jdbi,
      SqlDialect dialect,
      HikariDataSource ownedPool,
      PgChangeListener listener,
      Timeouts timeouts) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.ownedPool = ownedPool;
    this.listener = listener;
    this.calls = new StoreCalls(jdbi, dialect, ownedPool, timeouts, () -> closed);
    this.reads = new FlagReads(calls);
    this.writes = new FlagWrites(calls, dialect);
    this.access = new AccessStore(calls, dialect);
  }

  /**
   * Opens a store on a JDBC URL with default settings: detected dialect, {@link
   * SchemaMode#MIGRATE}, and on PostgreSQL a listener connection to the same URL. The driver must
   * be on the class path.
   *
   * @param jdbcUrl e.g. {@code jdbc:sqlite:flags.db} or {@code
   *     jdbc:postgresql://host/db?user=u&password=p}
   * @return the started store
   * @throws IllegalArgumentException if the URL does not start with {@code jdbc:}
   * @throws FlagStoreException if the database cannot be reached or migrated
   */
  public static JdbiFlagStore create(String jdbcUrl) {
    return builder().jdbcUrl(jdbcUrl).build();
  }

  /**
   * Opens a store on a data source (your connection pool) with default settings. On PostgreSQL it
   * polls only, unless a listener URL or data source is set through {@link #builder()}.
   *
   * @param dataSource the data source; not closed by the store
   * @return the started store
   * @throws FlagStoreException if the database cannot be reached or migrated
   */
  public static JdbiFlagStore create(DataSource dataSource) {
    return builder().dataSource(dataSource).build();
  }

  /**
   * Starts building a store.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the complete DDL of the current schema for one dialect, with the {@code
   * tf_schema_version} rows, for a DBA who applies it by hand (then start the store with {@link
   * SchemaMode#VALIDATE}).
   *
   * @param dialect the database
   * @return SQL statements, each ending with {@code ;}
   */
  public static String ddl(Dialect dialect) {
    return SchemaMigrator.ddl(Objects.requireNonNull(dialect, "dialect"));
  }

  /**
   * Prints {@link #ddl(Dialect)} to standard output: {@code java -cp
   * flags-jdbc.jar:flags-core.jar:... dev.tenantflags.jdbc.JdbiFlagStore postgresql}.
   *
   * @param args one argument: {@code sqlite}, {@code postgresql}, {@code h2} or {@code mysql}
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println(
          "usage: JdbiFlagStore <sqlite|postgresql|h2|mysql>  (prints the schema DDL)");
      System.exit(2);
      return;
    }
    System.out.print(ddl(Dialect.parse(args[0])));
  }

  /**
   * Returns the dialect this store speaks.
   *
   * @return the detected or forced dialect
   */
  public Dialect dialect() {
    return dialect.dialect();
  }

  /**
   * Returns the schema version of the database.
   *
   * @return the highest applied migration, 0 when there is no schema
   * @throws FlagStoreException if the storage fails
   */
  public int schemaVersion() {
    return calls.read(
        Operation.READ_SCHEMA_VERSION, h -> new SchemaMigrator(jdbi, dialect).currentVersion(h));
  }

  // ---- reads ----------------------------------------------------------------------------------

  @Override
  public FlagSet loadFlags(String environment) {
    return reads.loadFlags(environment);
  }

  /**
   * {@inheritDoc}
   *
   * @throws dev.tenantflags.spi.UnreadableRowException when the stored row is unreadable (SPEC §4),
   *     with the problem and the stored version. {@link #updateFlag} can still replace it: it
   *     checks the version column only.
   */
  @Override
  public Optional<Flag> loadFlag(String environment, String key) {
    return reads.loadFlag(environment, key);
  }

  /** {@inheritDoc} Unreadable rows are skipped (they are reported by {@link #loadOverrides}). */
  @Override
  public List<TenantOverride> loadTenantOverrides(String environment, String tenantId) {
    return reads.loadTenantOverrides(environment, tenantId);
  }

  /** {@inheritDoc} Unreadable rows are skipped (they are reported by {@link #loadOverrides}). */
  @Override
  public List<TenantOverride> loadFlagOverrides(String environment, String flagKey) {
    return reads.loadFlagOverrides(environment, flagKey);
  }

  @Override
  public OverrideSet loadOverrides(String environment) {
    return reads.loadOverrides(environment);
  }

  @Override
  public long overrideCount(String environment) {
    return reads.overrideCount(environment);
  }

  @Override
  public long changeVersion(String environment) {
    return reads.changeVersion(environment);
  }

  @Override
  public ChangeSet changesSince(String environment, long sinceVersion) {
    return reads.changesSince(environment, sinceVersion);
  }

  @Override
  public List<Environment> environments() {
    return reads.environments();
  }

  @Override
  public List<AuditEntry> audit(AuditQuery query) {
    return reads.audit(query);
  }

  // ---- writes ----------------------------------------------------------------------------------

  @Override
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    return writes.createFlag(environment, flag, audit);
  }

  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    return writes.updateFlag(environment, flag, expectedVersion, audit);
  }

  @Override
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor) {
    return writes.putOverride(environment, override, auditFor);
  }

  @Override
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor) {
    return writes.deleteOverride(environment, flagKey, tenantId, auditFor);
  }

  @Override
  public AuditEntry createEnvironment(Environment environment, AuditEntry audit) {
    return writes.createEnvironment(environment, audit);
  }

  @Override
  public AuditEntry deleteEnvironment(String name, AuditEntry audit) {
    return writes.deleteEnvironment(name, audit);
  }

  // ---- usage and tokens ------------------------------------------------------------------------

  @Override
  public void addUsage(List<UsageBucket> buckets) {
    access.addUsage(buckets);
  }

  @Override
  public List<UsageBucket> usage(String environment, String flagKey, Instant from, Instant to) {
    return access.usage(environment, flagKey, from, to);
  }

  @Override
  public Map<String, Instant> lastEvaluated(String environment) {
    return access.lastEvaluated(environment);
  }

  @Override
  public List<ApiToken> tokens() {
    return access.tokens();
  }

  @Override
  public AuditEntry createToken(ApiToken token, AuditEntry audit) {
    return access.createToken(token, audit);
  }

  @Override
  public AuditEntry revokeToken(String name, AuditEntry audit) {
    return access.revokeToken(name, audit);
  }

  @Override
  public void touchTokens(Map<String, Instant> lastUsed) {
    access.touchTokens(lastUsed);
  }

  @Override
  public long tokenVersion() {
    return access.tokenVersion();
  }

  // ---- change notification
  // -----------------------------------------------------------------------

  /**
   * On PostgreSQL (unless {@link Builder#pollingOnly(boolean)}) delivers every committed change's
   * version from a dedicated listener connection, and after that connection is re-established calls
   * the listener with the current version so the client resynchronises. Empty on other databases.
   */
  @Override
  public Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(listener, "listener");
    if (this.listener == null || closed) {
      return Optional.empty();
    }
    return Optional.of(this.listener.subscribe(environment, listener));
  }

  /** The store's own pool, or null when it was given a DataSource; for tests. */
  HikariDataSource ownedPool() {
    return ownedPool;
  }

  /** Stops the listener thread and closes the store's own connections (not a given DataSource). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (listener != null) {
      listener.close();
    }
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  /**
   * Builds a {@link JdbiFlagStore}. Set exactly one of {@link #jdbcUrl(String)} and {@link
   * #dataSource(DataSource)}; everything else has a default. Each setter may be called once.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private DataSource dataSource;
    private String jdbcUrl;
    private String user;
    private String password;
    private Dialect dialect;
    private SchemaMode schemaMode = SchemaMode.MIGRATE;
    private boolean pollingOnly;
    private String listenerUrl;
    private DataSource listenerDataSource;
    private int maxIdleConnections = DEFAULT_MAX_IDLE;
    private Duration statementTimeout = Timeouts.DEFAULT.statement();
    private Duration connectTimeout = Timeouts.DEFAULT.connect();
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /**
     * Uses a JDBC URL; the store opens an internal HikariCP pool on it and closes the pool on
     * {@link JdbiFlagStore#close()}. Pass your own pool through {@link #dataSource} for full
     * control.
     *
     * @param url e.g. {@code jdbc:postgresql://127.0.0.1:5432/app?user=app}
     * @return this builder
     * @throws IllegalArgumentException if it does not start with {@code jdbc:}
     * @throws IllegalStateException if already set
     */
    public Builder jdbcUrl(String url) {
      once("jdbcUrl");
      this.jdbcUrl = jdbcUrlArgument("jdbcUrl", url);
      return this;
    }

    /**
     * Uses a data source, typically your connection pool; the store never closes it.
     *
     * @param dataSource the data source
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder dataSource(DataSource dataSource) {
      once("dataSource");
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Sets the user and password for connections opened from {@link #jdbcUrl} and {@link
     * #listenerUrl} (instead of putting them in the URL).
     *
     * @param user the user
     * @param password the password, or null
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder credentials(String user, String password) {
      once("credentials");
      this.user = Objects.requireNonNull(user, "user");
      this.password = password;
      return this;
    }

    /**
     * Forces a dialect instead of detecting it from the database's product name.
     *
     * @param dialect the dialect
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder dialect(Dialect dialect) {
      once("dialect");
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Sets what happens to the schema at start (default {@link SchemaMode#MIGRATE}).
     *
     * @param mode the mode
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder schemaMode(SchemaMode mode) {
      once("schemaMode");
      this.schemaMode = Objects.requireNonNull(mode, "schemaMode");
      return this;
    }

    /**
     * Disables {@code LISTEN} on PostgreSQL, for connection poolers in transaction mode (PgBouncer)
     * that cannot keep a session listening; clients then poll the change version. Writes still send
     * {@code pg_notify}, so instances connected directly keep receiving pushes.
     *
     * @param pollingOnly true to poll only
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder pollingOnly(boolean pollingOnly) {
      once("pollingOnly");
      this.pollingOnly = pollingOnly;
      return this;
    }

    /**
     * Sets the JDBC URL of the dedicated PostgreSQL {@code LISTEN} connection (default: the {@link
     * #jdbcUrl}). Point it past PgBouncer, at PostgreSQL itself.
     *
     * @param url a {@code jdbc:postgresql:} URL
     * @return this builder
     * @throws IllegalArgumentException if it does not start with {@code jdbc:}
     * @throws IllegalStateException if already set
     */
    public Builder listenerUrl(String url) {
      once("listener");
      this.listenerUrl = jdbcUrlArgument("listenerUrl", url);
      return this;
    }

    /**
     * Sets a data source for the dedicated PostgreSQL {@code LISTEN} connection; the store holds
     * one connection from it for as long as it subscribes. Do not pass your main pool.
     *
     * @param dataSource the data source
     * @return this builder
     * @throws IllegalStateException if already set (or a listener URL was set)
     */
    public Builder listenerDataSource(DataSource dataSource) {
      once("listener");
      this.listenerDataSource = Objects.requireNonNull(dataSource, "listenerDataSource");
      return this;
    }

    /**
     * Sets how many connections the internal pool of a store created from a JDBC URL keeps open
     * while idle (default 4); under load the pool grows to {@code max(4, max)} connections.
     *
     * @param max 1 or more
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxIdleConnections(int max) {
      once("maxIdleConnections");
      if (max < 1) {
        throw new IllegalArgumentException("maxIdleConnections must be at least 1: " + max);
      }
      this.maxIdleConnections = max;
      return this;
    }

    /**
     * Sets how long one statement may take in the database (default 5 s; reads of a whole
     * environment's overrides get 6 times as long). It becomes each statement's JDBC {@code
     * queryTimeout} and SQLite's busy timeout; connections the store opens itself also get a socket
     * timeout of twice this, so a database that stops answering cannot hold a thread. A call that
     * runs out fails with a {@link FlagStoreException} that says what timed out.
     *
     * @param timeout whole seconds, at least 1
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 s
     * @throws IllegalStateException if already set
     */
    public Builder statementTimeout(Duration timeout) {
      once("statementTimeout");
      this.statementTimeout = new Timeouts(timeout, Timeouts.DEFAULT.connect()).statement();
      return this;
    }

    /**
     * Sets how long opening (or waiting for) a connection may take (default 5 s).
     *
     * @param timeout whole seconds, at least 1
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 s
     * @throws IllegalStateException if already set
     */
    public Builder connectTimeout(Duration timeout) {
      once("connectTimeout");
      this.connectTimeout = new Timeouts(Timeouts.DEFAULT.statement(), timeout).connect();
      return this;
    }

    /**
     * Connects, detects the dialect, applies the schema mode and starts the store.
     *
     * @return the store
     * @throws IllegalStateException if neither or both of jdbcUrl and dataSource are set
     * @throws FlagStoreException if the database cannot be reached, migrated or validated
     */
    public JdbiFlagStore build() {
      if ((jdbcUrl == null) == (dataSource == null)) {
        throw new IllegalStateException(
            jdbcUrl == null
                ? "missing jdbcUrl or dataSource"
                : "set only one of jdbcUrl and dataSource");
      }
      return StoreOpener.open(
          new StoreOpener.Settings(
              dataSource,
              jdbcUrl,
              user,
              password,
              dialect,
              schemaMode,
              pollingOnly,
              listenerUrl,
              listenerDataSource,
              maxIdleConnections,
              new Timeouts(statementTimeout, connectTimeout)));
    }

    private static String jdbcUrlArgument(String name, String url) {
      Objects.requireNonNull(url, name);
      if (!url.startsWith("jdbc:")) {
        throw new IllegalArgumentException(name + " must start with 'jdbc:': '" + url + "'");
      }
      return url;
    }
  }
}
