package dev.tenantflags.servlet;

import dev.tenantflags.servlet.relay.ChangeBroadcaster;
import dev.tenantflags.servlet.relay.RelayEndpoints;
import java.io.IOException;

/**
 * {@code GET /snapshot} and {@code GET /stream} (SPEC §10, SDK role) as rows of the admin API's
 * table, served by the relay's {@link RelayEndpoints}. Without a configured broadcaster both are
 * 404. The stream goes async: register the servlet with async support.
 */
final class RelayResource {

  private final EnvironmentClients environments;
  private final RelayEndpoints endpoints;

  /**
   * @param broadcaster the relay's broadcaster, or null when this API serves no relay endpoints
   */
  RelayResource(EnvironmentClients environments, ChangeBroadcaster broadcaster) {
    this.environments = environments;
    this.endpoints = broadcaster == null ? null : new RelayEndpoints(broadcaster);
  }

  void snapshot(ApiCall c) throws IOException {
    served().snapshot(c.request, c.response, environments.resolve(c.query("env")));
  }

  void stream(ApiCall c) throws IOException {
    served().stream(c.request, c.response, environments.resolve(c.query("env")));
  }

  private RelayEndpoints served() {
    if (endpoints == null) {
      throw Problem.notFound("this API serves no relay endpoints (no broadcaster configured)");
    }
    return endpoints;
  }
}
