package dev.tenantflags.servlet;

import dev.tenantflags.servlet.relay.ChangeBroadcaster;
import dev.tenantflags.servlet.relay.RelayEndpoints;
import java.io.IOException;

/**
 * {@code GET /snapshot?env=} and {@code GET /stream?env=} (SDK): the relay of SPEC §10, served by a
 * {@link ChangeBroadcaster} over the default client's store. The broadcaster is the one given to
 * the servlet's builder, or one created on the first relay request and closed with the servlet.
 */
final class RelayResource implements AutoCloseable {

  private final EnvironmentClients environments;
  private final ChangeBroadcaster given;
  private ChangeBroadcaster owned;
  private RelayEndpoints endpoints;
  private boolean closed;

  RelayResource(EnvironmentClients environments, ChangeBroadcaster given) {
    this.environments = environments;
    this.given = given;
  }

  void snapshot(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    endpoints().snapshot(c.request, c.response, env);
  }

  void stream(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    endpoints().stream(c.request, c.response, env);
  }

  private synchronized RelayEndpoints endpoints() {
    if (closed) {
      throw new Problem(503, "unavailable", "Service unavailable", "the server is shutting down")
          .header("Retry-After", "1");
    }
    if (endpoints == null) {
      ChangeBroadcaster b = given;
      if (b == null) {
        owned = ChangeBroadcaster.builder().store(environments.defaultClient().store()).build();
        b = owned;
      }
      endpoints = new RelayEndpoints(b);
    }
    return endpoints;
  }

  /** Closes the broadcaster this resource created (streams end with a retry hint). */
  @Override
  public synchronized void close() {
    closed = true;
    if (owned != null) {
      owned.close();
    }
  }
}
