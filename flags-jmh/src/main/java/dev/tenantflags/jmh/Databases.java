package dev.tenantflags.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Databases for the JDBC benchmarks: a fresh SQLite file, or a fresh schema on the PostgreSQL named
 * by {@code FLAGS_BENCH_PG_URL} (default {@value #DEFAULT_PG_URL}, the local server of the CI
 * machine). {@link Db#close()} removes what was created.
 */
final class Databases {
  static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  private Databases() {}

  /** A database that exists for one benchmark trial. */
  interface Db extends AutoCloseable {
    /** The JDBC URL to open stores on. */
    String url();

    @Override
    void close();
  }

  static Db open(String kind) {
    return switch (kind) {
      case "sqlite" -> sqlite();
      case "postgresql" -> postgres();
      default ->
          throw new IllegalArgumentException(
              "database must be sqlite or postgresql: '" + kind + "'");
    };
  }

  static Db sqlite() {
    try {
      Path dir = Files.createTempDirectory("tenantflags-bench");
      String url = "jdbc:sqlite:" + dir.resolve("flags.db");
      return new Db() {
        @Override
        public String url() {
          return url;
        }

        @Override
        public void close() {
          try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Db postgres() {
    String env = System.getenv("FLAGS_BENCH_PG_URL");
    String base = env == null || env.isBlank() ? DEFAULT_PG_URL : env;
    String schema = "tfbench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute(base, "CREATE SCHEMA " + schema);
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new Db() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void close() {
        execute(base, "DROP SCHEMA " + schema + " CASCADE");
      }
    };
  }

  static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "benchmark database statement failed (is FLAGS_BENCH_PG_URL right?): " + e.getMessage(),
          e);
    }
  }

  /**
   * Inserts overrides straight into {@code tf_overrides} in batches: {@code perTenant} overrides
   * for each of {@code tenants} tenant ids, spread over {@code flagKeys}. Much faster than audited
   * writes.
   */
  static void insertOverrides(
      String url, String environment, String[] tenantIds, String[] flagKeys, int perTenant) {
    String sql =
        "INSERT INTO tf_overrides (environment, flag_key, tenant_id, enabled, locked, note,"
            + " updated_at, updated_by) VALUES (?, ?, ?, ?, FALSE, NULL, ?, 'jmh')";
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement(sql)) {
        long now = System.currentTimeMillis();
        int batched = 0;
        for (int t = 0; t < tenantIds.length; t++) {
          for (int k = 0; k < perTenant; k++) {
            insert.setString(1, environment);
            insert.setString(2, flagKeys[(t * 7 + k * 13) % flagKeys.length]);
            insert.setString(3, tenantIds[t]);
            insert.setBoolean(4, (t + k) % 2 == 0);
            insert.setLong(5, now);
            insert.addBatch();
            if (++batched % 5_000 == 0) {
              insert.executeBatch();
            }
          }
        }
        insert.executeBatch();
      }
      c.commit();
      if (url.startsWith("jdbc:postgresql:")) {
        try (Statement s = c.createStatement()) {
          s.execute("ANALYZE tf_overrides");
        }
        c.commit();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("seeding overrides failed: " + e.getMessage(), e);
    }
  }
}
