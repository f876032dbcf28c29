package dev.tenantflags.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real databases for tests: one shared embedded PostgreSQL, and a fresh schema or database per
 * test.
 */
final class TestDatabases {
  /** External PostgreSQL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. */
  static final String PG_URL = System.getenv("FLAGS_TEST_PG_URL");

  /** External MariaDB/MySQL, e.g. {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}. */
  static final String MYSQL_URL = System.getenv("FLAGS_TEST_MYSQL_URL");

  private static EmbeddedPostgres shared;

  private TestDatabases() {}

  /** A database that exists for one test; {@link #close()} drops it. */
  interface TestDb extends AutoCloseable {
    String url();

    @Override
    void close();
  }

  /** Starts (once per JVM) and returns the shared embedded PostgreSQL's base URL. */
  static synchronized String embeddedPostgresUrl() {
    if (shared == null) {
      shared = startEmbedded(null, 0);
      EmbeddedPostgres pg = shared;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException e) {
                      // JVM is exiting.
                    }
                  }));
    }
    return "jdbc:postgresql://127.0.0.1:" + shared.getPort() + "/postgres?user=postgres";
  }

  /**
   * Starts an embedded PostgreSQL bound to 127.0.0.1; a data directory and port make it
   * restartable.
   */
  static EmbeddedPostgres startEmbedded(Path dataDirectory, int port) {
    try {
      EmbeddedPostgres.Builder b =
          EmbeddedPostgres.builder()
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off");
      if (dataDirectory != null) {
        b.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      if (port > 0) {
        b.setPort(port);
      }
      return b.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A fresh PostgreSQL schema on the server of {@code baseUrl}, selected through {@code
   * currentSchema}.
   */
  static TestDb freshPostgres(String baseUrl) {
    String schema = "tf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(baseUrl, "CREATE SCHEMA " + schema);
    String url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new TestDb() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void close() {
        execute(baseUrl, "DROP SCHEMA " + schema + " CASCADE");
      }
    };
  }

  /**
   * A fresh MariaDB/MySQL database (utf8mb4, binary collation) on the server of {@code baseUrl}.
   */
  static TestDb freshMysql(String baseUrl) {
    String database = "tf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(baseUrl, "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    Matcher m = Pattern.compile("^(jdbc:[a-z]+://[^/]+/)([^?]*)(.*)$").matcher(baseUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "FLAGS_TEST_MYSQL_URL must look like jdbc:mariadb://host:port/db?...: " + baseUrl);
    }
    String url = m.group(1) + database + m.group(3);
    return new TestDb() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void close() {
        execute(baseUrl, "DROP DATABASE " + database);
      }
    };
  }

  static String sqliteUrl(Path dir) {
    return "jdbc:sqlite:" + dir.resolve("flags.db");
  }

  static String h2Url(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("flags").toAbsolutePath();
  }

  static void execute(String url, String... statements) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "test setup statement failed on " + url.toLowerCase(Locale.ROOT), e);
    }
  }
}
