package dev.tenantflags.jdbc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A second process for {@link ClientFaultTest}: holds {@code BEGIN EXCLUSIVE} on a SQLite file
 * until its standard input closes (or 60 s pass), then rolls back and exits. Prints {@code locked}
 * once it holds the lock.
 */
final class SqliteLocker {
  private SqliteLocker() {}

  public static void main(String[] args) throws SQLException, IOException, InterruptedException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
      s.execute("BEGIN EXCLUSIVE");
      // Write something so the lock is a real write lock in WAL mode too.
      s.execute("UPDATE tf_environments SET change_version = change_version WHERE 1 = 0");
      System.out.println("locked");
      System.out.flush();
      Thread watchdog =
          new Thread(
              () -> {
                try {
                  Thread.sleep(60_000);
                } catch (InterruptedException e) {
                  return;
                }
                System.exit(3);
              });
      watchdog.setDaemon(true);
      watchdog.start();
      while (System.in.read() >= 0) {
        // Wait for the parent to close our input.
      }
      s.execute("ROLLBACK");
    }
  }
}
