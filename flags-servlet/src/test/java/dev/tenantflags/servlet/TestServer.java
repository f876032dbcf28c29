package dev.tenantflags.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 (ee10) on 127.0.0.1 and a random port, for real HTTP tests. Built, then
 * {@link #start()}ed, then {@link #close()}d by the test class.
 */
final class TestServer implements AutoCloseable {

  private final Server server = new Server();
  private final ServerConnector connector;
  private final ServletContextHandler context = new ServletContextHandler();
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param strictUris Jetty's default URI compliance (rejects ambiguous paths such as {@code %2F}
   *     itself); false relaxes it so that the servlet under test sees such paths and answers them
   */
  TestServer(boolean strictUris) {
    HttpConfiguration http = new HttpConfiguration();
    if (!strictUris) {
      http.setUriCompliance(UriCompliance.LEGACY);
    }
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    context.setContextPath("/");
    if (!strictUris) {
      context.getServletHandler().setDecodeAmbiguousURIs(true);
    }
    server.setHandler(context);
  }

  TestServer servlet(HttpServlet servlet, String mapping) {
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, mapping);
    return this;
  }

  TestServer filter(Filter filter, String mapping) {
    FilterHolder holder = new FilterHolder(filter);
    holder.setAsyncSupported(true);
    context.addFilter(holder, mapping, EnumSet.of(DispatcherType.REQUEST));
    return this;
  }

  ServletContextHandler context() {
    return context;
  }

  TestServer start() throws Exception {
    server.start();
    return this;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
