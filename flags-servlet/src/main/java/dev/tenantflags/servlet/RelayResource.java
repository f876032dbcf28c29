package dev.tenantflags.servlet;

import dev.tenantflags.servlet.relay.ChangeBroadcaster;
import dev.tenantflags.servlet.relay.RelayEndpoints;
import java.io.IOException;

/**
 * {@code GET /snapshot?env=} and {@code GET /stream?env=} (SDK): the relay of SPEC §10, served by
 * the {@link ChangeBroadcaster} given to the servlet's builder. Without one the relay is off and
 * both answer 404 saying so: a relay holds threads and connections, so it is opted into.
 */
final class RelayResource {

  private final EnvironmentClients environments;
  private final RelayEndpoints endpoints;

  RelayResource(EnvironmentClients environments, ChangeBroadcaster broadcaster) {
    this.environments = environments;
    this.endpoints = broadcaster == null ? null : new RelayEndpoints(broadcaster);
  }

  void snapshot(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    endpoints().snapshot(c.request, c.response, env);
  }

  void stream(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    endpoints().stream(c.request, c.response, env);
  }

  private RelayEndpoints endpoints() {
    if (endpoints == null) {
      throw Problem.notFound(
          "the relay endpoints are not enabled on this server (FlagAdminServlet.Builder.relay)");
    }
    return endpoints;
  }
}
