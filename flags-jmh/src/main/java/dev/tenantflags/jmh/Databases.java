package dev.tenantflags.jmh;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.Reader;
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
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Databases for the JDBC benchmarks: a fresh SQLite file, or a fresh schema on PostgreSQL: the
 * server named by {@code FLAGS_BENCH_PG_URL} if set, else an embedded PostgreSQL (zonky) started
 * once per JVM on 127.0.0.1 and stopped when the JVM exits. {@link Db#close()} removes what was
 * created.
 */
final class Databases {
  private static EmbeddedPostgres embedded;

  private Databases() {}

  /** The PostgreSQL server to create schemas on: {@code FLAGS_BENCH_PG_URL}, else embedded. */
  static String postgresBaseUrl() {
    String env = System.getenv("FLAGS_BENCH_PG_URL");
    return env == null || env.isBlank() ? embeddedPostgresUrl() : env;
  }

  private static synchronized String embeddedPostgresUrl() {
    if (embedded == null) {
      try {
        // Durability is not what the benchmarks measure; the client's reads and pushes are.
        embedded =
            EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
      EmbeddedPostgres pg = embedded;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException e) {
                      // The JVM is exiting; the data directory is temporary.
                    }
                  }));
    }
    return "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres?user=postgres";
  }

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
    String base = postgresBaseUrl();
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

  /**
   * Copies {@code count} overrides into PostgreSQL's {@code tf_overrides} with {@code COPY}: tenant
   * {@code t-<n>} gets {@code perTenant} overrides of consecutive flags of {@code flagKeys}, half
   * of them enabled.
   */
  static void copyOverrides(
      String url, String environment, String[] flagKeys, int count, int perTenant) {
    try (Connection c = DriverManager.getConnection(url)) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long now = System.currentTimeMillis();
      Reader rows =
          new Reader() {
            private int next;
            private String row = "";
            private int offset;

            @Override
            public int read(char[] buffer, int off, int len) {
              if (offset == row.length()) {
                if (next == count) {
                  return -1;
                }
                int tenant = next / perTenant;
                String key = flagKeys[(tenant + next % perTenant) % flagKeys.length];
                row =
                    environment
                        + '\t'
                        + key
                        + "\tt-"
                        + tenant
                        + '\t'
                        + (next % 2 == 0)
                        + "\tfalse\t\\N\t"
                        + now
                        + "\tjmh\n";
                offset = 0;
                next++;
              }
              int n = Math.min(len, row.length() - offset);
              row.getChars(offset, offset + n, buffer, off);
              offset += n;
              return n;
            }

            @Override
            public void close() {}
          };
      copy.copyIn(
          "COPY tf_overrides (environment, flag_key, tenant_id, enabled, locked, note, updated_at,"
              + " updated_by) FROM STDIN",
          rows);
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE tf_overrides");
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("copying overrides failed: " + e.getMessage(), e);
    }
  }
}
