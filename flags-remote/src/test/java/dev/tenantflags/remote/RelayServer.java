package dev.tenantflags.remote;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.servlet.BearerTokenAuthenticator;
import dev.tenantflags.servlet.FlagAdminServlet;
import dev.tenantflags.servlet.Role;
import dev.tenantflags.servlet.relay.ChangeBroadcaster;
import dev.tenantflags.spi.FlagStore;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 on 127.0.0.1 serving the admin API, relay endpoints included, over one store, as
 * flags-server does. Stoppable and restartable on the same port.
 */
final class RelayServer implements AutoCloseable {
  static final String SDK_TOKEN = "sdk-secret-token";
  static final String ADMIN_TOKEN = "admin-secret-token";
  static final String EVALUATOR_TOKEN = "evaluator-secret-token";

  final FlagStore store;
  final FeatureFlags flags;
  final ChangeBroadcaster broadcaster;
  private final Server jetty;
  private final ServerConnector connector;

  private RelayServer(
      FlagStore store,
      FeatureFlags flags,
      int port,
      int sendBuffer,
      Consumer<ChangeBroadcaster.Builder> config)
      throws Exception {
    this.store = store;
    this.flags = flags;
    ChangeBroadcaster.Builder b =
        ChangeBroadcaster.builder().store(store).pollInterval(java.time.Duration.ofMillis(100));
    config.accept(b);
    this.broadcaster = b.build();
    BearerTokenAuthenticator auth =
        BearerTokenAuthenticator.builder()
            .token("sdk", Role.SDK, null, SDK_TOKEN)
            .token("evaluator", Role.EVALUATOR, null, EVALUATOR_TOKEN)
            .token("admin", Role.ADMIN, null, ADMIN_TOKEN)
            .build();
    jetty = new Server();
    connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    if (sendBuffer > 0) {
      connector.setAcceptedSendBufferSize(sendBuffer);
    }
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    add(
        context,
        FlagAdminServlet.builder().flags(flags).authenticator(auth).relay(broadcaster).build(),
        "/api/*");
    jetty.setHandler(context);
    jetty.start();
  }

  private static void add(ServletContextHandler context, HttpServlet servlet, String path) {
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, path);
  }

  static RelayServer start(FlagStore store, FeatureFlags flags) throws Exception {
    return new RelayServer(store, flags, 0, 0, b -> {});
  }

  static RelayServer start(
      FlagStore store, FeatureFlags flags, int port, Consumer<ChangeBroadcaster.Builder> config)
      throws Exception {
    return new RelayServer(store, flags, port, 0, config);
  }

  static RelayServer startWithSmallSendBuffer(
      FlagStore store, FeatureFlags flags, Consumer<ChangeBroadcaster.Builder> config)
      throws Exception {
    return new RelayServer(store, flags, 0, 8192, config);
  }

  int port() {
    return connector.getLocalPort();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port() + "/");
  }

  /** Graceful stop: streams end with a retry hint, then Jetty stops. */
  @Override
  public void close() {
    broadcaster.close();
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping Jetty failed", e);
    }
  }
}
