package dev.tenantflags.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 between a client and a database, for fault tests: it forwards (with
 * optional latency), black-holes (accepts connections and swallows every byte, answering nothing),
 * or resets every connection. Connections that saw a black hole stay dead after {@link #pass()}, as
 * they would behind a real network partition; new ones work.
 */
final class FaultProxy implements AutoCloseable {

  /** What the proxy does to traffic. */
  enum Mode {
    PASS,
    BLACK_HOLE
  }

  private final ServerSocket server;
  private final int targetPort;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.PASS;
  private volatile long latencyMillis;
  private volatile boolean closed;

  /** One proxied connection. */
  private final class Link {
    final Socket client;
    final Socket upstream;
    volatile boolean dead;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      if (upstream == null) {
        // Accepted during a black hole: read and swallow everything, answer nothing.
        daemon(
            () -> {
              swallow(client);
              links.remove(this);
            });
        return;
      }
      daemon(() -> pump(client, upstream));
      daemon(() -> pump(upstream, client));
    }

    private void pump(Socket from, Socket to) {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (mode == Mode.BLACK_HOLE) {
            dead = true;
          }
          if (dead) {
            continue;
          }
          long delay = latencyMillis;
          if (delay > 0) {
            Thread.sleep(delay);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // The link is over.
      } finally {
        // A dead link answers nothing, not even a FIN: only the client's own close ends it.
        if (!dead || from == client) {
          closeQuietly();
        }
      }
    }

    void reset() {
      for (Socket s : new Socket[] {client, upstream}) {
        if (s == null) {
          continue;
        }
        try {
          s.setSoLinger(true, 0);
          s.close();
        } catch (IOException e) {
          // Already gone.
        }
      }
      links.remove(this);
    }

    void closeQuietly() {
      try {
        client.close();
        if (upstream != null) {
          upstream.close();
        }
      } catch (IOException e) {
        // Already gone.
      }
      links.remove(this);
    }
  }

  /**
   * Starts a proxy to {@code 127.0.0.1:targetPort}.
   *
   * @param targetPort the database's port
   */
  FaultProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon(this::acceptLoop);
  }

  /** The port clients connect to. */
  int port() {
    return server.getLocalPort();
  }

  /** Rewrites a JDBC URL's {@code host:port} to point at this proxy. */
  String proxied(String jdbcUrl) {
    return jdbcUrl.replaceFirst("//[^/:]+:\\d+/", "//127.0.0.1:" + port() + "/");
  }

  /** Forwards everything, optionally late. */
  void pass() {
    mode = Mode.PASS;
  }

  /** Accepts and swallows, never answers; current connections go silent for good. */
  void blackHole() {
    mode = Mode.BLACK_HOLE;
  }

  /** Delays every forwarded chunk. */
  void latency(long millis) {
    latencyMillis = millis;
  }

  /** Resets (RST) every current connection; new ones are accepted as the mode says. */
  void resetAll() {
    for (Link link : links) {
      link.reset();
    }
  }

  /** How many connections are open through the proxy. */
  int openLinks() {
    return links.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      Socket upstream = null;
      if (mode == Mode.PASS) {
        try {
          upstream = new Socket();
          upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        } catch (IOException e) {
          try {
            client.close();
          } catch (IOException ignored) {
            // Nothing to tell.
          }
          continue;
        }
      }
      Link link = new Link(client, upstream);
      links.add(link);
      link.start();
    }
  }

  private static void swallow(Socket socket) {
    byte[] buffer = new byte[4096];
    try (InputStream in = socket.getInputStream()) {
      while (in.read(buffer) >= 0) {
        // Swallowed.
      }
    } catch (IOException e) {
      // The client gave up.
    } finally {
      try {
        socket.close();
      } catch (IOException e) {
        // Already gone.
      }
    }
  }

  private static void daemon(Runnable body) {
    Thread t = new Thread(body, "fault-proxy");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    for (Link link : links) {
      link.reset();
    }
  }
}
