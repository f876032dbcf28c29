package dev.tenantflags.servlet.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A plain SSE reader for tests: collects complete events (comments as type ":"). Shared with
 * flags-remote's tests through this module's test-jar.
 */
public final class SseClient implements AutoCloseable {
  /** One event: its type, id and data. */
  public record Event(String type, String id, String data) {}

  /** Added when the stream ends. */
  public static final Event END = new Event("end", null, null);

  /** Every event received, comments and retry lines included. */
  public final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  /** The response status. */
  public final int status;

  private final Thread reader;
  private final HttpResponse<Stream<String>> response;

  /** Opens the stream and starts reading it on a daemon thread. */
  public SseClient(HttpClient http, URI uri, String token, Long lastEventId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId.toString());
    }
    CompletableFuture<HttpResponse<Stream<String>>> f =
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
    response = f.get(10, TimeUnit.SECONDS);
    status = response.statusCode();
    reader =
        new Thread(
            () -> {
              String type = null;
              String id = null;
              StringBuilder data = null;
              try {
                for (String line : (Iterable<String>) response.body()::iterator) {
                  if (line.isEmpty()) {
                    if (data != null || type != null) {
                      events.add(
                          new Event(
                              type == null ? "message" : type,
                              id,
                              data == null ? null : data.toString()));
                    }
                    type = null;
                    data = null;
                  } else if (line.startsWith(":")) {
                    events.add(new Event(":", null, line));
                  } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                  } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                  } else if (line.startsWith("retry: ")) {
                    events.add(new Event("retry", null, line.substring(7)));
                  } else if (line.startsWith("data: ")) {
                    data =
                        data == null
                            ? new StringBuilder(line.substring(6))
                            : data.append('\n').append(line.substring(6));
                  }
                }
              } catch (RuntimeException e) {
                // stream closed
              }
              events.add(END);
            });
    reader.setDaemon(true);
    reader.start();
  }

  /** The next event that is not a comment or retry line, or null after the timeout. */
  public Event next(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Event e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null || (!e.type().equals(":") && !e.type().equals("retry"))) {
        return e;
      }
    }
  }

  @Override
  public void close() {
    if (status == 200) {
      response.body().close();
    }
    reader.interrupt();
  }
}
