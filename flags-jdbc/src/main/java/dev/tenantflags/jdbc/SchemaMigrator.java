package dev.tenantflags.jdbc;

import dev.tenantflags.jdbc.internal.SqlDialect;
import dev.tenantflags.jdbc.internal.Timeouts;
import dev.tenantflags.spi.FlagStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * Migrations are plain SQL files, one folder per dialect:
 * dev/tenantflags/jdbc/schema/<dialect>/V<n>__<name>.sql. They are listed in MIGRATIONS (a classpath
 * folder cannot be listed reliably inside a jar). Applying migration n runs its statements and inserts
 * row n into tf_schema_version; a file's statements are separated by ';' at the end of a line and
 * hold no ';' inside. A file may name ${placeholders} that the dialect unit fills from the database
 * (MySQL's V3 names the no-pad binary collation the server has).
 *
 * Concurrency: the whole check-and-apply runs under the dialect's migration lock (PostgreSQL advisory
 * lock, MySQL GET_LOCK, SQLite BEGIN IMMEDIATE, H2 a locked row), so two instances starting together
 * serialise: the second finds the schema current and applies nothing.
 *
 * Failure handling: on PostgreSQL and SQLite a migration is one transaction, so a failed migration
 * leaves no partial schema. H2 and MySQL commit DDL implicitly; a failure there leaves the migration
 * half-applied, and the error names the file so an operator can finish it by hand.
 */
/** Brings a database's tenantflags schema to the current version, or checks that it is there. */
final class SchemaMigrator {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  /** One migration file. */
  record Migration(int version, String name) {
    String resource(Dialect dialect) {
      return "/dev/tenantflags/jdbc/schema/"
          + dialect.directory()
          + "/V"
          + version
          + "__"
          + name
          + ".sql";
    }
  }

  /** Every migration, oldest first. */
  static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(1, "initial"),
          new Migration(2, "change_log"),
          new Migration(3, "usage_and_tokens"));

  /** The schema version this library needs. */
  static final int CURRENT_VERSION = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

  private final Jdbi jdbi;
  private final SqlDialect dialect;

  SchemaMigrator(Jdbi jdbi, SqlDialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  /** Applies what the mode asks for. */
  void apply(SchemaMode mode) {
    switch (mode) {
      case MIGRATE -> migrate(CURRENT_VERSION);
      case VALIDATE -> validate();
      case NONE -> {}
    }
  }

  /**
   * Applies every missing migration up to {@code target}, under the migration lock.
   *
   * @return the schema version afterwards
   */
  int migrate(int target) {
    try (Handle handle = jdbi.open()) {
      int[] result = new int[1];
      dialect.withMigrationLock(jdbi, handle, () -> result[0] = migrateLocked(handle, target));
      return result[0];
    } catch (JdbiException | IllegalStateException e) {
      throw new FlagStoreException("schema migration failed: " + e.getMessage(), e);
    }
  }

  private int migrateLocked(Handle handle, int target) {
    int current = currentVersion(handle);
    if (current > CURRENT_VERSION) {
      LOG.warn(
          "database schema version {} is newer than this flags-jdbc knows ({}); applying nothing",
          current,
          CURRENT_VERSION);
      return current;
    }
    Map<String, String> variables = null;
    for (Migration m : MIGRATIONS) {
      if (m.version() <= current || m.version() > target) {
        continue;
      }
      if (variables == null) {
        variables = dialect.migrationVariables(handle);
      }
      List<String> statements =
          statements(substitute(read(m.resource(dialect.dialect())), variables));
      Runnable apply =
          () -> {
            for (String sql : statements) {
              handle.execute(sql);
            }
            handle
                .createUpdate(
                    "INSERT INTO tf_schema_version (version, description, applied_at)"
                        + " VALUES (:version, :description, :at)")
                .bind("version", m.version())
                .bind("description", m.name())
                .bind("at", System.currentTimeMillis())
                .execute();
          };
      try {
        if (dialect.migrationInTransaction()) {
          handle.useTransaction(h -> apply.run());
        } else {
          apply.run();
        }
      } catch (JdbiException e) {
        throw new FlagStoreException(
            "schema migration V" + m.version() + "__" + m.name() + " failed: " + e.getMessage(), e);
      }
      LOG.info("applied tenantflags schema migration V{}__{}", m.version(), m.name());
      current = m.version();
    }
    return current;
  }

  /** Fails unless the schema is exactly at {@link #CURRENT_VERSION}. */
  void validate() {
    int current;
    try (Handle handle = jdbi.open()) {
      current = currentVersion(handle);
    } catch (JdbiException e) {
      throw new FlagStoreException("schema validation failed: " + e.getMessage(), e);
    }
    if (current == 0) {
      throw new FlagStoreException(
          "schema validation failed: the database has no tenantflags schema (table"
              + " tf_schema_version is missing or empty); this flags-jdbc needs schema version "
              + CURRENT_VERSION
              + ". Start with SchemaMode.MIGRATE, or apply the DDL printed by"
              + " JdbiFlagStore.ddl(Dialect."
              + dialect.dialect()
              + ")");
    }
    if (current != CURRENT_VERSION) {
      throw new FlagStoreException(
          "schema validation failed: the database has tenantflags schema version "
              + current
              + ", this flags-jdbc needs "
              + CURRENT_VERSION
              + (current < CURRENT_VERSION
                  ? ". Start with SchemaMode.MIGRATE, or apply the missing migrations from"
                      + " JdbiFlagStore.ddl(Dialect."
                      + dialect.dialect()
                      + ")"
                  : "; upgrade flags-jdbc"));
    }
  }

  /** Reads the schema version; 0 when the version table does not exist yet. */
  int currentVersion(Handle handle) {
    if (!versionTableExists(handle)) {
      return 0;
    }
    Integer version =
        handle.createQuery("SELECT MAX(version) FROM tf_schema_version").mapTo(Integer.class).one();
    return version == null ? 0 : version;
  }

  private static boolean versionTableExists(Handle handle) {
    // A probe query rather than DatabaseMetaData, which searches every schema of the database. A
    // failed
    // query would poison an open PostgreSQL transaction, hence the savepoint when one is open.
    boolean inTransaction = handle.isInTransaction();
    if (inTransaction) {
      handle.savepoint("tf_probe");
    }
    try {
      handle.createQuery("SELECT COUNT(*) FROM tf_schema_version").mapTo(Long.class).one();
      if (inTransaction) {
        handle.release("tf_probe");
      }
      return true;
    } catch (JdbiException e) {
      if (inTransaction) {
        handle.rollbackToSavepoint("tf_probe");
      }
      return false;
    }
  }

  /**
   * Returns the DDL of every migration with its version-table insert, for a DBA to apply by hand.
   */
  static String ddl(Dialect dialect) {
    StringBuilder out = new StringBuilder();
    out.append("-- tenantflags schema version ")
        .append(CURRENT_VERSION)
        .append(" for ")
        .append(dialect)
        .append(". Apply in order; each statement ends with ';'.\n");
    for (Migration m : MIGRATIONS) {
      out.append("\n-- ---- V").append(m.version()).append("__").append(m.name()).append(" ----\n");
      String script =
          substitute(
              read(m.resource(dialect)),
              SqlDialect.of(dialect, Timeouts.DEFAULT).defaultMigrationVariables());
      for (String sql : statements(script)) {
        out.append(sql).append(";\n");
      }
      out.append("INSERT INTO tf_schema_version (version, description, applied_at) VALUES (")
          .append(m.version())
          .append(", '")
          .append(m.name())
          .append("', 0);\n");
    }
    return out.toString();
  }

  /** Replaces every {@code ${name}} with its value; an unknown name is a bug in the file. */
  static String substitute(String script, Map<String, String> variables) {
    Matcher m = PLACEHOLDER.matcher(script);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("migration names an unknown placeholder " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Splits a migration file into statements, dropping comment lines. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      if (current.length() > 0) {
        current.append('\n');
      }
      if (trimmed.endsWith(";")) {
        current.append(line, 0, line.lastIndexOf(';'));
        out.add(current.toString().strip());
        current.setLength(0);
      } else {
        current.append(line);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static String read(String resource) {
    try (InputStream in = SchemaMigrator.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration resource " + resource, e);
    }
  }
}
