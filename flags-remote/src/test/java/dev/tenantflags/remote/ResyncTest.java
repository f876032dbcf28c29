package dev.tenantflags.remote;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * A relay that misbehaves on purpose (a real Jetty serving hand-written responses): the client must
 * resynchronise from a snapshot instead of applying what it cannot trust.
 */
final class ResyncTest {

  private static String snapshot(long version, String description) {
    return "{\"environment\":\"production\",\"version\":"
        + version
        + ",\"flags\":[{\"key\":\"checkout\",\"state\":\"ON\",\"description\":\""
        + description
        + "\",\"version\":"
        + version
        + "}],\"overrides\":[]}";
  }

  /** Serves a snapshot at v1; the first stream sends a change that skips versions. */
  private static final class GappyRelay extends HttpServlet {
    private static final long serialVersionUID = 1L;
    final List<String> lastEventIds = new CopyOnWriteArrayList<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (req.getRequestURI().endsWith("/snapshot")) {
        resp.setContentType("application/json");
        resp.getOutputStream().write(snapshot(1, "one").getBytes(StandardCharsets.UTF_8));
        return;
      }
      String id = req.getHeader("Last-Event-ID");
      lastEventIds.add(String.valueOf(id));
      resp.setContentType("text/event-stream");
      String body =
          id != null
              // previous 5 > the client's 1: versions 2..5 were never sent to it
              ? "id: 6\nevent: change\ndata: {\"version\":6,\"previous\":5,\"flags\":[],"
                  + "\"overrides\":{}}\n\n"
              : "id: 7\nevent: snapshot\ndata: " + snapshot(7, "seven") + "\n\n";
      resp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      resp.flushBuffer();
      if (id == null) {
        try {
          Thread.sleep(2_000); // keep the good stream open a while
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void changeEvent_skippingVersions_resynchronisesFromASnapshot() throws Exception {
    GappyRelay relay = new GappyRelay();
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(relay), "/api/*");
    jetty.setHandler(context);
    jetty.start();
    try (RemoteFlagStore store =
        RemoteFlagStore.builder()
            .servers(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"))
            .environment("production")
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .build()) {
      assertThat(store.changeVersion("production")).isEqualTo(1);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (store.changeVersion("production") != 7) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(10);
      }
      assertThat(store.loadFlag("production", "checkout").orElseThrow().description())
          .isEqualTo("seven");
      // Resumed from 1, got a gap, then asked for a snapshot (no Last-Event-ID).
      assertThat(relay.lastEventIds).startsWith("1", "null");
      assertThat(store.changesSince("production", 1).complete()).isTrue();
    } finally {
      jetty.stop();
    }
  }
}
