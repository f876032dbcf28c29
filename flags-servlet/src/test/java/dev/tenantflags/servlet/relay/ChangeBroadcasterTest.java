package dev.tenantflags.servlet.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import dev.tenantflags.servlet.BearerTokenAuthenticator;
import dev.tenantflags.servlet.Role;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class ChangeBroadcasterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TOKEN = "relay-test-token";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private CountingStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;
  private ChangeBroadcaster broadcaster;
  private Server jetty;
  private ServerConnector connector;

  @BeforeEach
  void setUp() {
    store = new CountingStore();
    flags = FeatureFlags.builder().store(store).environment("production").build();
    admin = flags.admin("test");
    admin.create(Flag.of("checkout"), null);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
    broadcaster.close();
    jetty.stop();
    flags.close();
  }

  private void start(Consumer<ChangeBroadcaster.Builder> config, int sendBuffer) throws Exception {
    ChangeBroadcaster.Builder b =
        ChangeBroadcaster.builder().store(store).pollInterval(Duration.ofMillis(100));
    config.accept(b);
    broadcaster = b.build();
    jetty = new Server();
    connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    if (sendBuffer > 0) {
      connector.setAcceptedSendBufferSize(sendBuffer);
    }
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder holder =
        new ServletHolder(
            RelayServlet.builder()
                .broadcaster(broadcaster)
                .authenticator(
                    BearerTokenAuthenticator.builder().token("sdk", Role.SDK, null, TOKEN).build())
                .build());
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/api/*");
    jetty.setHandler(context);
    jetty.start();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
  }

  private SseClient stream() throws Exception {
    SseClient c = new SseClient(http, uri("/api/stream?env=production"), TOKEN, null);
    closeLater.add(c);
    return c;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void stream_manyClients_oneSubscriptionAndOneReadPerChange() throws Exception {
    int clientSubscriptions = store.subscriptions.get(); // the FeatureFlags client's own
    start(b -> b.pollInterval(Duration.ofSeconds(10)), 0);
    List<SseClient> clients = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      SseClient c = stream();
      assertThat(c.next(WAIT).type()).isEqualTo("snapshot");
      clients.add(c);
    }
    int loadsBefore = store.flagLoads.get();
    admin.kill("checkout", null);
    String id = Long.toString(store.changeVersion("production"));
    for (SseClient c : clients) {
      SseClient.Event e = c.next(WAIT);
      assertThat(e.type()).isEqualTo("change");
      assertThat(e.id()).isEqualTo(id);
    }
    assertThat(store.subscriptions.get() - clientSubscriptions).isEqualTo(1);
    // The relay read the flags once for the change (the writing client refreshed once too).
    assertThat(store.flagLoads.get() - loadsBefore).isLessThanOrEqualTo(2);
    assertThat(broadcaster.stats().openStreams()).isEqualTo(40);
    assertThat(broadcaster.stats().environments()).isEqualTo(1);
  }

  @Test
  void stream_clientDoesNotRead_isDroppedAndCounted_othersKeepStreaming() throws Exception {
    start(b -> b.clientBuffer(4, 64 * 1024), 8192);
    Set<String> tenants = new TreeSet<>();
    for (int i = 0; i < 10_000; i++) {
      tenants.add("tenant-" + i);
    }
    admin.create(
        Flag.of("big")
            .withState(FlagState.TARGETED)
            .withScope(new Scope(Map.of("tenant", tenants))),
        null);
    SseClient reader = stream();
    assertThat(reader.next(WAIT).type()).isEqualTo("snapshot");
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()));
      OutputStream out = slow.getOutputStream();
      out.write(
          ("GET /api/stream?env=production HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await(() -> broadcaster.stats().openStreams() == 2);
      for (int i = 0; i < 60 && broadcaster.stats().slowConsumersDropped() == 0; i++) {
        admin.update("big", i + 1, f -> f.withDescription("change " + System.nanoTime()), null);
        Thread.sleep(20);
      }
      await(() -> broadcaster.stats().slowConsumersDropped() == 1);
      assertThat(broadcaster.stats().openStreams()).isEqualTo(1);
      // The slow client, reading at last, finds its stream ended: it would reconnect and resume.
      InputStream in = slow.getInputStream();
      slow.setSoTimeout((int) WAIT.toMillis());
      byte[] buffer = new byte[65536];
      while (in.read(buffer) >= 0) {
        // drain to the end of the response
      }
    }
    // The reading client got every change.
    String last = Long.toString(store.changeVersion("production"));
    String seen = null;
    while (!last.equals(seen)) {
      SseClient.Event e = reader.next(WAIT);
      assertThat(e).isNotNull().isNotEqualTo(SseClient.END);
      seen = e.id();
    }
  }

  @Test
  void close_endsStreamsWithRetryHint() throws Exception {
    start(b -> b.retryHint(Duration.ofMillis(200)), 0);
    SseClient c = stream();
    assertThat(c.next(WAIT).type()).isEqualTo("snapshot");
    c.events.clear();
    broadcaster.close();
    SseClient.Event retry =
        c.events.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    assertThat(retry.type()).isEqualTo("retry");
    assertThat(Long.parseLong(retry.data())).isBetween(100L, 300L);
    assertThat(c.next(WAIT)).isEqualTo(SseClient.END);
  }

  @Test
  void stream_overConnectionLimit_is503WithRetryAfter() throws Exception {
    start(b -> b.maxConnections(1), 0);
    SseClient first = stream();
    assertThat(first.status).isEqualTo(200);
    SseClient second = stream();
    assertThat(second.status).isEqualTo(503);
  }

  @Test
  void stream_idle_getsHeartbeatComments() throws Exception {
    start(b -> b.heartbeatInterval(Duration.ofMillis(50)), 0);
    SseClient c = stream();
    assertThat(c.next(WAIT).type()).isEqualTo("snapshot");
    int comments = 0;
    while (comments < 3) {
      SseClient.Event e =
          c.events.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      assertThat(e).isNotNull();
      if (e.type().equals(":")) {
        comments++;
      }
    }
  }

  @Test
  void stream_unknownEnvironment_is404() throws Exception {
    start(b -> {}, 0);
    SseClient c = new SseClient(http, uri("/api/stream?env=nope"), TOKEN, null);
    closeLater.add(c);
    assertThat(c.status).isEqualTo(404);
  }
}
