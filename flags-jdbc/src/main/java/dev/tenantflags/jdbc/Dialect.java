package dev.tenantflags.jdbc;

import java.util.Locale;

/**
 * The SQL databases {@link JdbiFlagStore} supports. The store detects the dialect once, from the
 * database product name the JDBC driver reports; {@link JdbiFlagStore.Builder#dialect(Dialect)}
 * forces one (e.g. for a driver that reports an unusual name).
 *
 * <p>Thread safety: enum constants are immutable.
 */
public enum Dialect {
  /** SQLite 3.35 or newer (through {@code org.xerial:sqlite-jdbc}). */
  SQLITE("sqlite"),
  /** PostgreSQL 12 or newer; the only dialect that pushes changes ({@code LISTEN/NOTIFY}). */
  POSTGRESQL("postgresql"),
  /** H2 2.x, embedded or in-memory. */
  H2("h2"),
  /** MariaDB 10.5+ or MySQL 8+ (InnoDB, utf8mb4). */
  MYSQL("mysql");

  private final String directory;

  Dialect(String directory) {
    this.directory = directory;
  }

  /**
   * Returns the folder name of this dialect's migrations under {@code
   * dev/tenantflags/jdbc/schema/}.
   *
   * @return e.g. {@code postgresql}
   */
  public String directory() {
    return directory;
  }

  /**
   * Maps a JDBC {@code DatabaseMetaData.getDatabaseProductName()} to a dialect.
   *
   * @param productName the product name, e.g. {@code PostgreSQL}, {@code MariaDB}
   * @return the dialect
   * @throws IllegalArgumentException if the product is not supported
   */
  public static Dialect fromProductName(String productName) {
    String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (name.contains("sqlite")) {
      return SQLITE;
    }
    if (name.contains("postgres")) {
      return POSTGRESQL;
    }
    if (name.equals("h2") || name.startsWith("h2 ")) {
      return H2;
    }
    if (name.contains("mariadb") || name.contains("mysql")) {
      return MYSQL;
    }
    throw new IllegalArgumentException(
        "productName is not a supported database (SQLite, PostgreSQL, H2, MariaDB, MySQL): '"
            + productName
            + "'");
  }

  /**
   * Parses a dialect name, case-insensitively; {@code mariadb} means {@link #MYSQL}.
   *
   * @param name e.g. {@code postgresql}
   * @return the dialect
   * @throws IllegalArgumentException if unknown
   */
  public static Dialect parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "sqlite" -> SQLITE;
      case "postgresql", "postgres", "pg" -> POSTGRESQL;
      case "h2" -> H2;
      case "mysql", "mariadb" -> MYSQL;
      default ->
          throw new IllegalArgumentException(
              "dialect must be one of sqlite, postgresql, h2, mysql: '" + name + "'");
    };
  }
}
