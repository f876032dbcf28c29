package dev.tenantflags.servlet.relay;

import dev.tenantflags.servlet.Authenticator;
import dev.tenantflags.servlet.Caller;
import dev.tenantflags.servlet.Role;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A servlet serving only the relay endpoints of SPEC §10 ({@code .../snapshot} and {@code
 * .../stream}, any prefix), for deployments that mount them apart from the admin API. flags-server
 * serves them through the admin API itself.
 *
 * <p>Callers are authenticated by the given {@link Authenticator} (401 without credentials) and
 * need the SDK role or above (403). The environment is the {@code env} query parameter, default the
 * configured one. Register it with async support.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class RelayServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9_-]{1,32}");

  private final transient RelayEndpoints endpoints;
  private final transient Authenticator authenticator;
  private final String defaultEnvironment;

  private RelayServlet(Builder b) {
    this.endpoints = new RelayEndpoints(b.broadcaster);
    this.authenticator = b.authenticator;
    this.defaultEnvironment = b.defaultEnvironment;
  }

  /**
   * Starts building a servlet.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Caller caller = authenticator.authenticate(request).orElse(null);
    if (caller == null) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"tenantflags\"");
      RelayEndpoints.problem(
          response, 401, "unauthorized", "Unauthorized", "authentication is required");
      return;
    }
    if (!caller.role().includes(Role.SDK)) {
      RelayEndpoints.problem(
          response,
          403,
          "forbidden",
          "Forbidden",
          "the relay endpoints need role " + Role.SDK + " or above");
      return;
    }
    String path = request.getRequestURI();
    boolean snapshot = path.endsWith("/snapshot");
    boolean stream = path.endsWith("/stream");
    if (!snapshot && !stream) {
      RelayEndpoints.problem(response, 404, "not-found", "Not found", "no such resource");
      return;
    }
    if (!"GET".equals(request.getMethod())) {
      response.setHeader("Allow", "GET");
      RelayEndpoints.problem(
          response, 405, "method-not-allowed", "Method not allowed", "only GET is allowed here");
      return;
    }
    String env = request.getParameter("env");
    if (env == null || env.isEmpty()) {
      env = defaultEnvironment;
    }
    if (!ENVIRONMENT.matcher(env).matches()) {
      RelayEndpoints.problem(
          response, 400, "invalid-request", "Invalid request", "env must match ^[a-z0-9_-]{1,32}$");
      return;
    }
    if (snapshot) {
      endpoints.snapshot(request, response, env);
    } else {
      endpoints.stream(request, response, env);
    }
  }

  /**
   * Configures a {@link RelayServlet}.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private ChangeBroadcaster broadcaster;
    private Authenticator authenticator;
    private String defaultEnvironment = "production";

    private Builder() {}

    /**
     * Sets the broadcaster to serve (required).
     *
     * @param broadcaster the broadcaster
     * @return this builder
     */
    public Builder broadcaster(ChangeBroadcaster broadcaster) {
      this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
      return this;
    }

    /**
     * Sets who may call (required).
     *
     * @param authenticator the authenticator
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Sets the environment served when a request names none (default {@code production}).
     *
     * @param environment the environment name
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid
     */
    public Builder defaultEnvironment(String environment) {
      Objects.requireNonNull(environment, "environment");
      if (!ENVIRONMENT.matcher(environment).matches()) {
        throw new IllegalArgumentException(
            "environment must match [a-z0-9_-]{1,32}: '" + environment + "'");
      }
      this.defaultEnvironment = environment;
      return this;
    }

    /**
     * Builds the servlet.
     *
     * @return the servlet
     * @throws IllegalStateException if the broadcaster or the authenticator is missing
     */
    public RelayServlet build() {
      if (broadcaster == null || authenticator == null) {
        throw new IllegalStateException("broadcaster and authenticator must be set");
      }
      return new RelayServlet(this);
    }
  }
}
