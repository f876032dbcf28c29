package dev.tenantflags.jdbc.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the store lets the database take (SPEC §4: every store call has a timeout). The
 * statement timeout bounds each statement in the database (JDBC {@code queryTimeout}, SQLite's busy
 * timeout); the socket timeout, derived from it, bounds silence on the wire so that a database that
 * stopped answering (a dead host, a black-holed connection) cannot hold a thread; the connect
 * timeout bounds opening a connection. Not part of the public API.
 *
 * <p>Thread safety: immutable.
 *
 * @param statement the statement timeout (whole seconds, at least 1)
 * @param connect the connect timeout (whole seconds, at least 1)
 */
public record Timeouts(Duration statement, Duration connect) {

  /** Bulk reads (every override of an environment) get this many statement timeouts. */
  public static final int BULK_FACTOR = 6;

  /** The defaults: 5 s per statement, 5 s to connect. */
  public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));

  /**
   * Checks the durations.
   *
   * @throws IllegalArgumentException if one is shorter than a second
   * @param statement the statement
   * @param connect the connect
   */
  public Timeouts {
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(connect, "connect");
    if (statement.getSeconds() < 1 || connect.getSeconds() < 1) {
      throw new IllegalArgumentException("timeouts must be at least 1 second");
    }
  }

  /**
   * Returns the statement timeout of single-row calls, in whole seconds.
   *
   * @return seconds
   */
  public int statementSeconds() {
    return (int) Math.min(Integer.MAX_VALUE / BULK_FACTOR, statement.getSeconds());
  }

  /**
   * Returns the statement timeout of one operation, in seconds.
   *
   * @param operation the operation
   * @return seconds for {@code Statement.setQueryTimeout}
   */
  public int statementSeconds(Operation operation) {
    return operation.bulk() ? statementSeconds() * BULK_FACTOR : statementSeconds();
  }

  /**
   * Returns the socket timeout: long enough for a bulk read's silence, short enough that a dead
   * connection is given up within seconds.
   *
   * @return seconds of silence after which a connection counts as broken
   */
  public int socketSeconds() {
    return (int) Math.min(Integer.MAX_VALUE, statement.getSeconds() * 2);
  }

  /**
   * Returns the connect timeout in whole seconds.
   *
   * @return seconds
   */
  public int connectSeconds() {
    return (int) Math.min(Integer.MAX_VALUE, connect.getSeconds());
  }
}
