package dev.tenantflags.remote;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note
 *
 * Keeps one Server-Sent Events connection open to one of the relay servers, forever, without a
 * thread of its own: the JDK HttpClient delivers the body line by line (asynchronously), reconnects
 * are scheduled with CompletableFuture.delayedExecutor, and a watchdog task (also delayed) ends a
 * connection that delivered nothing, not even a heartbeat, for the heartbeat timeout.
 *
 * Each connection attempt is an Attempt with a generation number; only the current attempt may
 * deliver events, so a line still in flight from a cancelled connection is ignored. An attempt ends
 * exactly once (AtomicBoolean): the end schedules the next attempt on the next server of the list,
 * after exponential backoff with jitter (reset once a connection delivered data), or after the
 * server's `retry:` hint when it ended the stream itself (graceful shutdown).
 */
final class EventStream {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

  /** Receives what the stream delivers; called on HttpClient threads, one call at a time. */
  interface Handler {
    /** The id to resume from, or -1 to ask for a snapshot. */
    long resumeFrom();

    /** One complete event; throw to resynchronise (the stream reconnects for a snapshot). */
    void onEvent(String type, String data);

    /** A connection delivered its first bytes. */
    void onConnected();

    /** The connection ended (or a connection attempt failed). */
    void onDisconnected(String why);
  }

  private final HttpClient http;
  private final List<URI> servers;
  private final String environment;
  private final String authorization;
  private final Duration connectTimeout;
  private final Duration heartbeatTimeout;
  private final long minBackoffMillis;
  private final long maxBackoffMillis;
  private final Handler handler;
  private final Object lock = new Object();
  private Attempt current;
  private long generation;
  private int server;
  private int failures;
  private boolean closed;
  private boolean forceSnapshot;

  EventStream(
      HttpClient http,
      List<URI> servers,
      String environment,
      String token,
      Duration connectTimeout,
      Duration heartbeatTimeout,
      Duration minBackoff,
      Duration maxBackoff,
      int firstServer,
      Handler handler) {
    this.http = http;
    this.servers = servers;
    this.environment = environment;
    this.authorization = token == null ? null : "Bearer " + token;
    this.connectTimeout = connectTimeout;
    this.heartbeatTimeout = heartbeatTimeout;
    this.minBackoffMillis = minBackoff.toMillis();
    this.maxBackoffMillis = maxBackoff.toMillis();
    this.server = firstServer;
    this.handler = handler;
  }

  void start() {
    connect();
  }

  void close() {
    Attempt a;
    synchronized (lock) {
      closed = true;
      a = current;
    }
    if (a != null) {
      a.cancel();
    }
  }

  private void connect() {
    Attempt a;
    URI uri;
    long resume;
    synchronized (lock) {
      if (closed) {
        return;
      }
      a = new Attempt(++generation);
      current = a;
      uri = endpoint(servers.get(server));
      resume = forceSnapshot ? -1 : handler.resumeFrom();
      forceSnapshot = false;
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .GET()
            .timeout(connectTimeout)
            .header("Accept", "text/event-stream");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (resume >= 0) {
      request.header("Last-Event-ID", Long.toString(resume));
    }
    http.sendAsync(request.build(), a)
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                a.end(error.getClass().getSimpleName(), -1, true);
              } else if (a.status != 200) {
                a.end("status " + a.status, -1, true);
              } else {
                a.end("stream ended by the server", a.retryMillis, false);
              }
            });
    watch(a);
  }

  private URI endpoint(URI base) {
    return endpoint(base, "stream", environment);
  }

  /** {@code <base>/api/<what>?env=<environment>}. */
  static URI endpoint(URI base, String what, String environment) {
    String root = base.toString();
    return URI.create(
        (root.endsWith("/") ? root : root + "/")
            + "api/"
            + what
            + "?env="
            + URLEncoder.encode(environment, StandardCharsets.UTF_8));
  }

  /** The outcome of {@link #snapshot}: the body, or why there is none. */
  record Fetched(String body, String problem) {}

  /**
   * Reads {@code GET /api/snapshot} from the servers in turn, starting at {@code first}, within the
   * connect timeout in all.
   */
  Fetched snapshot(int first) {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    String problem = "no server answered";
    for (int n = 0; n < servers.size() && System.nanoTime() < deadline; n++) {
      URI base = servers.get((first + n) % servers.size());
      try {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(endpoint(base, "snapshot", environment))
                .GET()
                .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                .header("Accept", "application/json");
        if (authorization != null) {
          request.header("Authorization", authorization);
        }
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() == 200) {
          return new Fetched(response.body(), null);
        }
        problem = base + " answered " + response.statusCode();
      } catch (IOException | RuntimeException e) {
        problem = base + ": " + e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return new Fetched(null, problem);
  }

  private void watch(Attempt a) {
    long period = Math.max(10, heartbeatTimeout.toMillis() / 4);
    CompletableFuture.delayedExecutor(period, TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (a.ended.get()) {
                return;
              }
              if (System.nanoTime() - a.lastActivity > heartbeatTimeout.toNanos()) {
                a.end("no data or heartbeat for " + heartbeatTimeout, -1, true);
              } else {
                watch(a);
              }
            });
  }

  private void scheduleReconnect(long hintMillis, boolean failed) {
    long delay;
    synchronized (lock) {
      if (closed) {
        return;
      }
      server = (server + 1) % servers.size();
      if (hintMillis >= 0) {
        delay = hintMillis;
      } else {
        int n = failed ? failures++ : 0;
        long base = Math.min(maxBackoffMillis, minBackoffMillis << Math.min(n, 20));
        // Half fixed, half random: spreads a crowd of reconnecting clients over time.
        delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
      }
    }
    CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(this::connect);
  }

  /** One connection: its response handler, line subscriber and SSE parser. */
  private final class Attempt implements HttpResponse.BodyHandler<Void>, Flow.Subscriber<String> {
    final long id;
    final AtomicBoolean ended = new AtomicBoolean();
    volatile long lastActivity = System.nanoTime();
    volatile int status;
    volatile long retryMillis = -1;
    private volatile Flow.Subscription subscription;
    private volatile boolean delivered;
    private String event;
    private StringBuilder data;

    Attempt(long id) {
      this.id = id;
    }

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
      status = info.statusCode();
      if (status != 200) {
        return HttpResponse.BodySubscribers.discarding();
      }
      return HttpResponse.BodySubscribers.fromLineSubscriber(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (ended.get()) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      lastActivity = System.nanoTime();
      if (ended.get() || !isCurrent()) {
        return;
      }
      if (!delivered) {
        delivered = true;
        synchronized (lock) {
          failures = 0;
        }
        handler.onConnected();
      }
      if (line.isEmpty()) {
        dispatch();
        return;
      }
      if (line.charAt(0) == ':') {
        return; // comment: heartbeat
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> event = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        case "retry" -> {
          try {
            retryMillis = Math.max(0, Math.min(Long.parseLong(value.trim()), 60_000));
          } catch (NumberFormatException e) {
            // ignored, as the SSE specification says
          }
        }
        default -> {
          // "id" is implied by the event's version; unknown fields are ignored
        }
      }
    }

    private void dispatch() {
      String type = event == null ? "message" : event;
      StringBuilder body = data;
      event = null;
      data = null;
      if (body == null) {
        return;
      }
      try {
        handler.onEvent(type, body.toString());
      } catch (RuntimeException e) {
        LOG.warn("relay event could not be applied; asking for a snapshot: {}", e.toString());
        synchronized (lock) {
          forceSnapshot = true;
        }
        end("unreadable event", 0, false);
      }
    }

    private boolean isCurrent() {
      synchronized (lock) {
        return current == this;
      }
    }

    @Override
    public void onError(Throwable t) {
      end(t.getClass().getSimpleName(), -1, true);
    }

    @Override
    public void onComplete() {
      end("stream ended by the server", retryMillis, false);
    }

    void cancel() {
      ended.set(true);
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    /** Ends this attempt once and schedules the next; hint -1 = back off. */
    void end(String why, long hintMillis, boolean failed) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      if (!isCurrent()) {
        return;
      }
      handler.onDisconnected(why);
      scheduleReconnect(hintMillis, failed || !delivered);
    }
  }
}
