package dev.tenantflags.jdbc.internal;

import dev.tenantflags.jdbc.Dialect;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.spi.JdbiPlugin;

/*
 * Concurrency: SQLite has one writer per database file. A deferred transaction that reads and then
 * writes can fail at once with SQLITE_BUSY when another writer committed meanwhile (the busy handler
 * is not consulted for lock upgrades), so writes start with BEGIN IMMEDIATE, which waits for the write
 * lock up to the busy timeout. Within one JVM, writers (and start-up) queue on one ReentrantLock first,
 * so they do not spin in SQLite's busy handler or deadlock switching the journal mode. WAL mode lets readers in this and other processes proceed while one
 * writes.
 */
final class SqliteDialect implements SqlDialect {

  /**
   * Shared by every SQLite store in the JVM: two stores on one file (or a store starting while
   * another migrates) then queue here instead of in SQLite's busy handler. Stores on different
   * files share it too; SQLite writes are short, and admin writes rare.
   */
  private static final ReentrantLock WRITE_LOCK = new ReentrantLock(true);

  /** How long a connection waits for another process's lock before SQLITE_BUSY. */
  private final int busyTimeoutMillis;

  SqliteDialect(Timeouts timeouts) {
    this.busyTimeoutMillis = timeouts.statementSeconds() * 1000;
  }

  @Override
  public Dialect dialect() {
    return Dialect.SQLITE;
  }

  @Override
  public void addDriverProperties(Properties properties) {
    // sqlite-jdbc sets it as each connection opens, before anything (even pool validation) runs on
    // it.
    properties.setProperty("busy_timeout", Integer.toString(busyTimeoutMillis));
  }

  @Override
  public Failure classify(SQLException e) {
    // SQLITE_BUSY (5) after the busy timeout, SQLITE_LOCKED (6): sqlite-jdbc reports no SQLState.
    int primary = e.getErrorCode() & 0xff;
    return primary == 5 || primary == 6 ? Failure.LOCKED : SqlDialect.super.classify(e);
  }

  @Override
  public void configure(Jdbi jdbi) {
    jdbi.installPlugin(
        new JdbiPlugin() {
          @Override
          public Handle customizeHandle(Handle handle) {
            // Per connection, also for DataSources the user configured without it.
            handle.execute("PRAGMA busy_timeout = " + busyTimeoutMillis);
            return handle;
          }
        });
  }

  @Override
  public void prepare(Handle handle) {
    // Persistent in the database file; in-memory databases answer "memory" and that is fine.
    // Several
    // processes opening a brand-new file at once can trip over each other's rollback journal while
    // switching (SQLITE_IOERR_DELETE_NOENT, SQLITE_BUSY); the switch is idempotent, so retry it.
    WRITE_LOCK.lock();
    try {
      switchToWal(handle);
    } finally {
      WRITE_LOCK.unlock();
    }
  }

  private static void switchToWal(Handle handle) {
    for (int attempt = 1; ; attempt++) {
      try {
        String mode =
            handle.createQuery("PRAGMA journal_mode").mapTo(String.class).findFirst().orElse("");
        if (!mode.equalsIgnoreCase("wal")) {
          handle.createQuery("PRAGMA journal_mode = WAL").mapTo(String.class).findFirst();
        }
        return;
      } catch (JdbiException e) {
        if (attempt == 5) {
          throw e;
        }
        try {
          Thread.sleep(20L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  @Override
  public <T> T inWriteTransaction(Jdbi jdbi, HandleCallback<T, RuntimeException> callback) {
    WRITE_LOCK.lock();
    try {
      return jdbi.withHandle(handle -> immediate(handle, callback));
    } finally {
      WRITE_LOCK.unlock();
    }
  }

  @Override
  public void withMigrationLock(Jdbi jdbi, Handle handle, Runnable body) {
    WRITE_LOCK.lock();
    try {
      // The whole migration run is one IMMEDIATE transaction: SQLite DDL is transactional, and a
      // second process waits on the write lock, then sees the schema already current.
      immediate(
          handle,
          h -> {
            body.run();
            return null;
          });
    } finally {
      WRITE_LOCK.unlock();
    }
  }

  private static <T> T immediate(Handle handle, HandleCallback<T, RuntimeException> callback) {
    handle.execute("BEGIN IMMEDIATE");
    boolean committed = false;
    try {
      T result = callback.withHandle(handle);
      handle.execute("COMMIT");
      committed = true;
      return result;
    } finally {
      if (!committed) {
        try {
          handle.execute("ROLLBACK");
        } catch (RuntimeException e) {
          // SQLite already rolled back (e.g. after SQLITE_FULL); nothing left to undo.
        }
      }
    }
  }
}
