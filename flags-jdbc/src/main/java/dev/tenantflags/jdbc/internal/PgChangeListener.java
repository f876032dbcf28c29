package dev.tenantflags.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * Concurrency: one daemon thread owns one dedicated connection (never one from the user's pool: it is
 * held for ever and is in LISTEN state). Subscribers live in a concurrent map of environment to
 * listeners; subscribing and unsubscribing never touch the connection, because LISTEN is per channel,
 * not per environment. The thread starts with the first subscription and stops with close().
 *
 * Failure handling: notifications sent while the connection is down are lost, so after every
 * (re)connect and LISTEN the thread reads each subscribed environment's change version and calls its
 * listeners: clients then compare versions and resynchronise. Reconnects back off from 100 ms to 5 s.
 * A connection that delivered nothing for a while is checked with isValid(), so a silently dropped
 * TCP connection is noticed. Outage and recovery are logged once each.
 */
/**
 * Delivers tenantflags' PostgreSQL notifications ({@link PgNotify}) to subscribers. Not part of the
 * public API.
 *
 * <p>Thread safety: safe for concurrent use; one daemon thread owns the connection.
 */
public final class PgChangeListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgChangeListener.class);
  private static final int POLL_MILLIS = 250;
  private static final long VALIDATE_AFTER_MILLIS = 10_000;
  private static final long MIN_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** Opens the dedicated connection. */
  @FunctionalInterface
  public interface ConnectionFactory {
    /**
     * Opens a new connection.
     *
     * @return the connection
     * @throws SQLException if it cannot be opened
     */
    Connection open() throws SQLException;
  }

  private final ConnectionFactory factory;
  private final Map<String, List<LongConsumer>> subscribers = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private Thread thread;
  private volatile Connection connection;
  private volatile boolean closed;

  /**
   * Creates a listener; its thread starts with the first subscription.
   *
   * @param factory opens the dedicated connection
   */
  public PgChangeListener(ConnectionFactory factory) {
    this.factory = factory;
  }

  /**
   * Adds a listener for one environment and starts the thread if needed.
   *
   * @param environment the environment
   * @param listener receives new change versions
   * @return closes the subscription
   */
  public AutoCloseable subscribe(String environment, LongConsumer listener) {
    subscribers.computeIfAbsent(environment, e -> new CopyOnWriteArrayList<>()).add(listener);
    synchronized (lifecycle) {
      if (!closed && thread == null) {
        thread = new Thread(this::run, "tenantflags-pg-listener");
        thread.setDaemon(true);
        thread.start();
      }
    }
    return () -> {
      List<LongConsumer> list = subscribers.get(environment);
      if (list != null) {
        list.remove(listener);
      }
    };
  }

  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      closed = true;
      t = thread;
    }
    if (t == null) {
      return;
    }
    t.interrupt();
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // Closing to wake the thread; it is going away either way.
      }
    }
    try {
      t.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = MIN_BACKOFF_MILLIS;
    boolean down = false;
    while (!closed) {
      try (Connection c = factory.open()) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + PgNotify.CHANNEL);
        }
        if (down) {
          LOG.info("change notifications restored");
          down = false;
        }
        backoff = MIN_BACKOFF_MILLIS;
        resynchronise(c);
        listen(c);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        if (!down) {
          LOG.warn(
              "change notification connection lost; reconnecting with backoff: {}", e.toString());
          down = true;
        }
      } finally {
        connection = null;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        break;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private void listen(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long lastTraffic = System.currentTimeMillis();
    while (!closed) {
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      long now = System.currentTimeMillis();
      if (notifications != null && notifications.length > 0) {
        lastTraffic = now;
        for (PGNotification n : notifications) {
          dispatch(n.getParameter());
        }
      } else if (now - lastTraffic > VALIDATE_AFTER_MILLIS) {
        if (!c.isValid(2)) {
          throw new SQLException("listener connection is no longer valid", "08006");
        }
        lastTraffic = now;
      }
    }
  }

  /** Tells every subscriber the current version, covering notifications lost while disconnected. */
  private void resynchronise(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT change_version FROM tf_environments WHERE name = ?")) {
      for (Map.Entry<String, List<LongConsumer>> e : subscribers.entrySet()) {
        if (e.getValue().isEmpty()) {
          continue;
        }
        ps.setString(1, e.getKey());
        long version = 0;
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            version = rs.getLong(1);
          }
        }
        deliver(e.getValue(), version);
      }
    }
  }

  private void dispatch(String payload) {
    PgNotify.parse(payload)
        .ifPresent(
            change -> {
              List<LongConsumer> listeners = subscribers.get(change.environment());
              if (listeners != null) {
                deliver(listeners, change.version());
              }
            });
  }

  private static void deliver(List<LongConsumer> listeners, long version) {
    for (LongConsumer listener : listeners) {
      try {
        listener.accept(version);
      } catch (RuntimeException e) {
        LOG.warn("change listener failed", e);
      }
    }
  }
}
