package dev.tenantflags.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagNotFoundException;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.internal.ConnectionPools;
import dev.tenantflags.jdbc.internal.FlagColumns;
import dev.tenantflags.jdbc.internal.Rows;
import dev.tenantflags.jdbc.internal.SqlDialect;
import dev.tenantflags.jdbc.internal.StoreDao;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreException;
import dev.tenantflags.spi.OverrideSet;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
   * Concurrency: every write first bumps its environment's row in tf_environments, which takes that
   * row's lock; writes to one environment are therefore serialised in the database, in one lock order
   * (environment row, then flag/override rows), so they cannot deadlock, and check-then-insert inside
   * the transaction (flag exists?) is race-free. Optimistic flag versions are enforced by
   * UPDATE ... WHERE version = ?; zero rows means stale or absent, told apart by one more read. SQLite
   * serialises all writes with BEGIN IMMEDIATE (see SqliteDialect).
   *
   * Change versions: tf_environments.change_version rises by one per write. Deleting an environment
   * keeps its row as a tombstone (deleted = TRUE), so the version keeps rising if it is re-created.
   * Each version has exactly one tf_changes row naming the tenant it touched (or every tenant), so
   * changesSince can prove completeness by counting; the log keeps the last CHANGE_LOG_LIMIT versions.
   *
   * Failure handling: JdbiException is wrapped at the boundary into FlagStoreException; the message
   * names the operation and the SQLState, never values (JDBI's own message rendering is switched off).
   * After a failure the owned HikariCP pool soft-evicts its connections, which a database restart has
   * broken all at once, and a read that failed on a broken connection is retried once on a fresh one.
   * A failure to get a connection at all (the database is down; Hikari gave up after its short
   * connection timeout) is not retried, so a refresh fails fast.
   */

  private static final Logger LOG = LoggerFactory.getLogger(JdbiFlagStore.class);
  private static final int CHANGE_LOG_LIMIT = 10_000;
  private static final int DEFAULT_MAX_IDLE = 4;

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final HikariDataSource ownedPool;
  private final PgChangeListener listener;
  private volatile boolean closed;

  private JdbiFlagStore(
      Jdbi jdbi, SqlDialect dialect, HikariDataSource ownedPool, PgChangeListener listener) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.ownedPool = ownedPool;
    this.listener = listener;
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
    return guard(
        "read schema version",
        () -> jdbi.withHandle(h -> new SchemaMigrator(jdbi, dialect).currentVersion(h)));
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  public FlagSet loadFlags(String environment) {
    return guard(
        "load flags",
        () ->
            snapshot(
                h -> {
                  StoreDao dao = h.attach(StoreDao.class);
                  // Version first: under weaker isolation the flags are then at least as new as the
                  // version, and
                  // a client that sees an older version than the data just reloads once more.
                  long version = dao.changeVersion(environment).orElse(0L);
                  List<StoreDao.FlagRow> rows = new ArrayList<>(dao.flags(environment));
                  rows.sort(Comparator.comparing(r -> r.flag().key()));
                  List<Flag> flags = new ArrayList<>(rows.size());
                  Set<String> withOverrides = new HashSet<>();
                  for (StoreDao.FlagRow row : rows) {
                    flags.add(row.flag());
                    if (row.hasOverrides()) {
                      withOverrides.add(row.flag().key());
                    }
                  }
                  return new FlagSet(version, flags, withOverrides);
                }));
  }

  @Override
  public Optional<Flag> loadFlag(String environment, String key) {
    return guard(
        "load flag", () -> jdbi.withExtension(StoreDao.class, dao -> dao.flag(environment, key)));
  }

  @Override
  public List<TenantOverride> loadTenantOverrides(String environment, String tenantId) {
    return guard(
        "load tenant overrides",
        () -> {
          List<TenantOverride> list =
              new ArrayList<>(
                  jdbi.withExtension(
                      StoreDao.class, dao -> dao.tenantOverrides(environment, tenantId)));
          list.sort(Comparator.comparing(TenantOverride::flagKey));
          return list;
        });
  }

  @Override
  public List<TenantOverride> loadFlagOverrides(String environment, String flagKey) {
    return guard(
        "load flag overrides",
        () -> {
          List<TenantOverride> list =
              new ArrayList<>(
                  jdbi.withExtension(
                      StoreDao.class, dao -> dao.flagOverrides(environment, flagKey)));
          list.sort(Comparator.comparing(TenantOverride::tenantId));
          return list;
        });
  }

  @Override
  public OverrideSet loadOverrides(String environment) {
    return guard(
        "load overrides",
        () ->
            jdbi.inTransaction(
                h -> {
                  StoreDao dao = h.attach(StoreDao.class);
                  long version = dao.changeVersion(environment).orElse(0L);
                  return new OverrideSet(version, dao.allOverrides(environment), List.of());
                }));
  }

  @Override
  public long overrideCount(String environment) {
    return guard(
        "count overrides",
        () -> jdbi.withExtension(StoreDao.class, dao -> dao.overrideCount(environment)));
  }

  @Override
  public long changeVersion(String environment) {
    return guard(
        "read change version",
        () -> jdbi.withExtension(StoreDao.class, dao -> dao.changeVersion(environment).orElse(0L)));
  }

  @Override
  public ChangeSet changesSince(String environment, long sinceVersion) {
    return guard(
        "read changes",
        () ->
            snapshot(
                h -> {
                  StoreDao dao = h.attach(StoreDao.class);
                  long current = dao.changeVersion(environment).orElse(0L);
                  if (sinceVersion >= current) {
                    return new ChangeSet(current, Set.of(), true);
                  }
                  if (sinceVersion < 0 || current - sinceVersion > CHANGE_LOG_LIMIT) {
                    return ChangeSet.unknown(current);
                  }
                  List<StoreDao.ChangeRow> rows = dao.changes(environment, sinceVersion, current);
                  Set<String> tenants = new HashSet<>();
                  for (StoreDao.ChangeRow row : rows) {
                    if (row.everyTenant()) {
                      return ChangeSet.unknown(current);
                    }
                    if (row.tenantId() != null) {
                      tenants.add(row.tenantId());
                    }
                  }
                  // One row per version: fewer rows means the log was pruned or predates schema v2.
                  if (rows.size() != current - sinceVersion) {
                    return ChangeSet.unknown(current);
                  }
                  return new ChangeSet(current, tenants, true);
                }));
  }

  @Override
  public List<Environment> environments() {
    return guard(
        "list environments", () -> jdbi.withExtension(StoreDao.class, StoreDao::environments));
  }

  @Override
  public List<AuditEntry> audit(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    // Only fixed fragments are appended; every value is bound.
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(Rows.AUDIT_COLUMNS)
            .append(" FROM tf_audit WHERE 1 = 1");
    if (query.environment() != null) {
      sql.append(" AND environment = :environment");
    }
    if (query.flagKey() != null) {
      sql.append(" AND flag_key = :flagKey");
    }
    if (query.actor() != null) {
      sql.append(" AND actor = :actor");
    }
    if (query.tenantId() != null) {
      sql.append(" AND tenant_id = :tenantId");
    }
    if (query.beforeId() != null) {
      sql.append(" AND id < :beforeId");
    }
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return guard(
        "read audit",
        () ->
            jdbi.withHandle(
                h -> {
                  Query q = h.createQuery(sql.toString());
                  if (query.environment() != null) {
                    q.bind("environment", query.environment());
                  }
                  if (query.flagKey() != null) {
                    q.bind("flagKey", query.flagKey());
                  }
                  if (query.actor() != null) {
                    q.bind("actor", query.actor());
                  }
                  if (query.tenantId() != null) {
                    q.bind("tenantId", query.tenantId());
                  }
                  if (query.beforeId() != null) {
                    q.bind("beforeId", query.beforeId().longValue());
                  }
                  return q.bind("limit", query.limit()).map(Rows.AUDIT).list();
                }));
  }

  // ---- writes ----------------------------------------------------------------------------------

  @Override
  public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(audit, "audit");
    boolean implicitProtected = Environment.implicit(environment).isProtected();
    return write(
        "create flag",
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          dialect.insertEnvironmentIfAbsent(h, environment, implicitProtected);
          dao.bumpReviving(environment, implicitProtected);
          long version = dao.changeVersion(environment).orElseThrow();
          if (dao.flagVersion(environment, flag.key()).isPresent()) {
            throw new FlagConflictException(
                FlagConflictException.Kind.ALREADY_EXISTS,
                "flag " + quote(flag.key()) + " already exists");
          }
          dao.insertFlag(new FlagColumns(environment, flag));
          return finish(h, dao, environment, version, null, false, audit);
        });
  }

  @Override
  public AuditEntry updateFlag(
      String environment, Flag flag, long expectedVersion, AuditEntry audit) {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(audit, "audit");
    return write(
        "update flag",
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          if (dao.bumpLive(environment) == 0) {
            throw flagNotFound(flag.key());
          }
          long version = dao.changeVersion(environment).orElseThrow();
          if (dao.updateFlag(new FlagColumns(environment, flag), expectedVersion) == 0) {
            long stored =
                dao.flagVersion(environment, flag.key())
                    .orElseThrow(() -> flagNotFound(flag.key()));
            throw new FlagConflictException(
                FlagConflictException.Kind.STALE_VERSION,
                "version of flag "
                    + quote(flag.key())
                    + " is "
                    + stored
                    + ", not "
                    + expectedVersion);
          }
          return finish(h, dao, environment, version, null, false, audit);
        });
  }

  @Override
  public AuditEntry putOverride(
      String environment,
      TenantOverride override,
      Function<Optional<TenantOverride>, AuditEntry> auditFor) {
    Objects.requireNonNull(override, "override");
    Objects.requireNonNull(auditFor, "auditFor");
    return write(
        "put override",
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          if (dao.bumpLive(environment) == 0
              || dao.flagVersion(environment, override.flagKey()).isEmpty()) {
            throw flagNotFound(override.flagKey());
          }
          long version = dao.changeVersion(environment).orElseThrow();
          // bumpLive locked the environment row: the read below and the write are serialised
          // with every other writer of this environment, so the lock check and the audit's
          // "before" that auditFor derives from it cannot race another write.
          AuditEntry audit =
              auditFor.apply(dao.override(environment, override.flagKey(), override.tenantId()));
          dialect.upsertOverride(h, environment, override);
          return finish(h, dao, environment, version, override.tenantId(), false, audit);
        });
  }

  @Override
  public AuditEntry deleteOverride(
      String environment,
      String flagKey,
      String tenantId,
      Function<TenantOverride, AuditEntry> auditFor) {
    Objects.requireNonNull(auditFor, "auditFor");
    return write(
        "delete override",
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          Optional<TenantOverride> current =
              dao.bumpLive(environment) == 0
                  ? Optional.empty()
                  : dao.override(environment, flagKey, tenantId);
          AuditEntry audit = current.map(auditFor).orElse(null);
          if (audit == null || dao.deleteOverride(environment, flagKey, tenantId) == 0) {
            throw new FlagNotFoundException(
                "override of flag "
                    + quote(flagKey)
                    + " for tenant "
                    + quote(tenantId)
                    + " does not exist");
          }
          long version = dao.changeVersion(environment).orElseThrow();
          return finish(h, dao, environment, version, tenantId, false, audit);
        });
  }

  @Override
  public AuditEntry createEnvironment(Environment environment, AuditEntry audit) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(audit, "audit");
    String name = environment.name();
    return write(
        "create environment",
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          dialect.insertEnvironmentIfAbsent(h, name, environment.isProtected());
          if (dao.revive(name, environment.isProtected()) == 0) {
            throw new FlagConflictException(
                FlagConflictException.Kind.ALREADY_EXISTS,
                "environment " + quote(name) + " already exists");
          }
          long version = dao.changeVersion(name).orElseThrow();
          return finish(h, dao, name, version, null, false, audit);
        });
  }

  @Override
  public AuditEntry deleteEnvironment(String name, AuditEntry audit) {
    Objects.requireNonNull(audit, "audit");
    return write(
        "delete environment",
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          if (dao.tombstone(name) == 0) {
            throw new FlagNotFoundException("environment " + quote(name) + " does not exist");
          }
          long version = dao.changeVersion(name).orElseThrow();
          dao.deleteOverrides(name);
          dao.deleteFlags(name);
          return finish(h, dao, name, version, null, true, audit);
        });
  }

  /** Writes the change-log row, the audit row and the notification of one change version. */
  private AuditEntry finish(
      Handle h,
      StoreDao dao,
      String environment,
      long version,
      String tenantId,
      boolean everyTenant,
      AuditEntry audit) {
    dao.insertChange(environment, version, tenantId, everyTenant);
    if (version > CHANGE_LOG_LIMIT) {
      dao.pruneChanges(environment, version - CHANGE_LOG_LIMIT);
    }
    long id =
        dao.insertAudit(
            audit.at().toEpochMilli(),
            audit.actor(),
            audit.action().name(),
            audit.environment(),
            audit.flagKey(),
            audit.tenantId(),
            audit.before(),
            audit.after(),
            audit.comment());
    dialect.notifyChange(h, environment, version);
    return audit.withId(id);
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

  // ---- plumbing
  // ----------------------------------------------------------------------------------

  private <T> T snapshot(HandleCallback<T, RuntimeException> callback) {
    TransactionIsolationLevel level = dialect.snapshotIsolation();
    return level == TransactionIsolationLevel.UNKNOWN
        ? jdbi.inTransaction(callback)
        : jdbi.inTransaction(level, callback);
  }

  private <T> T write(String operation, HandleCallback<T, RuntimeException> callback) {
    return guard(operation, () -> dialect.inWriteTransaction(jdbi, callback));
  }

  private <T> T guard(String operation, Supplier<T> body) {
    if (closed) {
      throw new FlagStoreException(operation + " failed: the store is closed");
    }
    try {
      return body.get();
    } catch (JdbiException e) {
      if (ownedPool == null) {
        throw new FlagStoreException(operation + " failed: " + describe(e), e);
      }
      evictPooledConnections();
      boolean read =
          operation.startsWith("read")
              || operation.startsWith("load")
              || operation.startsWith("list");
      if (!read || e instanceof ConnectionException || !connectionLost(e)) {
        throw new FlagStoreException(operation + " failed: " + describe(e), e);
      }
      // A read on a pooled connection that a database restart broke: the pool's connections are now
      // evicted, so one retry gets a fresh one. Writes are not retried: their commit may have
      // happened.
      try {
        return body.get();
      } catch (JdbiException again) {
        evictPooledConnections();
        throw new FlagStoreException(operation + " failed: " + describe(again), again);
      }
    }
  }

  private void evictPooledConnections() {
    // Idle connections close now, borrowed ones when returned; Hikari refills the pool in the
    // background.
    HikariPoolMXBean pool = ownedPool.getHikariPoolMXBean();
    if (pool != null) {
      pool.softEvictConnections();
    }
  }

  /**
   * Whether the failure is a broken connection (SQLState class 08, or PostgreSQL's shutdown 57P01).
   */
  private static boolean connectionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("08") || state.equals("57P01");
      }
    }
    return false;
  }

  /** The failure's kind without its values: the exception type and SQLState. */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql.getClass().getSimpleName()
            + (sql.getSQLState() == null ? "" : ", SQLState " + sql.getSQLState());
      }
    }
    return e.getClass().getSimpleName();
  }

  private static FlagNotFoundException flagNotFound(String key) {
    return new FlagNotFoundException("flag " + quote(key) + " does not exist");
  }

  private static String quote(String value) {
    return "'" + value + "'";
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
      HikariDataSource pool = jdbcUrl == null ? null : openPool();
      try {
        Jdbi jdbi = Jdbi.create(pool != null ? pool : dataSource);
        jdbi.installPlugin(new SqlObjectPlugin());
        jdbi.getConfig(StatementExceptions.class)
            .setMessageRendering(StatementExceptions.MessageRendering.NONE);
        Dialect detected = dialect != null ? dialect : jdbi.withHandle(Builder::detect);
        SqlDialect unit = SqlDialect.of(detected);
        unit.configure(jdbi);
        jdbi.useHandle(unit::prepare);
        new SchemaMigrator(jdbi, unit).apply(schemaMode);
        PgChangeListener listener =
            detected == Dialect.POSTGRESQL && !pollingOnly ? listener() : null;
        LOG.info(
            "tenantflags store on {} ready{}",
            detected,
            detected == Dialect.POSTGRESQL
                ? (listener == null ? " (polling only)" : " (LISTEN/NOTIFY)")
                : "");
        return new JdbiFlagStore(jdbi, unit, pool, listener);
      } catch (JdbiException e) {
        closeQuietly(pool);
        throw new FlagStoreException("cannot open the flag store: " + describe(e), e);
      } catch (RuntimeException e) {
        closeQuietly(pool);
        throw e;
      }
    }

    private HikariDataSource openPool() {
      try {
        return ConnectionPools.open(jdbcUrl, user, password, maxIdleConnections, dialect);
      } catch (HikariPool.PoolInitializationException e) {
        // The first connection failed: the database is down, or refused the credentials.
        throw new FlagStoreException("cannot open the flag store: " + describe(e), e);
      } catch (RuntimeException e) {
        // Hikari found no driver for the URL (its message masks passwords, ours names no URL at
        // all).
        throw new FlagStoreException(
            "cannot open the flag store: no JDBC driver accepts jdbcUrl ("
                + describe(e)
                + "); is the driver on the class path?",
            e);
      }
    }

    private static Dialect detect(Handle handle) {
      try {
        return Dialect.fromProductName(
            handle.getConnection().getMetaData().getDatabaseProductName());
      } catch (SQLException e) {
        throw new FlagStoreException("cannot read the database product name: " + describe(e), e);
      }
    }

    private PgChangeListener listener() {
      if (listenerDataSource != null) {
        return new PgChangeListener(listenerDataSource::getConnection);
      }
      String url = listenerUrl != null ? listenerUrl : jdbcUrl;
      if (url == null) {
        LOG.info(
            "no listener URL or data source for PostgreSQL LISTEN; clients poll the change"
                + " version");
        return null;
      }
      Properties props = properties();
      return new PgChangeListener(() -> DriverManager.getConnection(url, props));
    }

    private Properties properties() {
      Properties props = new Properties();
      if (user != null) {
        props.setProperty("user", user);
      }
      if (password != null) {
        props.setProperty("password", password);
      }
      return props;
    }

    private static String jdbcUrlArgument(String name, String url) {
      Objects.requireNonNull(url, name);
      if (!url.startsWith("jdbc:")) {
        throw new IllegalArgumentException(name + " must start with 'jdbc:': '" + url + "'");
      }
      return url;
    }

    private static void closeQuietly(HikariDataSource pool) {
      if (pool != null) {
        pool.close();
      }
    }
  }
}
