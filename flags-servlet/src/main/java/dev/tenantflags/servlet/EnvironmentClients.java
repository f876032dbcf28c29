package dev.tenantflags.servlet;

import dev.tenantflags.Environment;
import dev.tenantflags.FeatureFlags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client of each environment the API serves: the default client (never closed here) and clients
 * of other environments, made on first use by the factory and closed on {@link #close()} or when
 * their environment is deleted.
 *
 * <p>Thread safety: safe for concurrent use (a ConcurrentHashMap of clients).
 */
final class EnvironmentClients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnvironmentClients.class);

  /** An environment's name (SPEC §2), compiled once rather than on every request. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");

  private final FeatureFlags defaultClient;
  private final Function<String, FeatureFlags> factory;
  private final Map<String, FeatureFlags> clients = new ConcurrentHashMap<>();

  /**
   * @param factory makes the client of another environment; null means {@link
   *     FeatureFlags#forEnvironment}
   */
  EnvironmentClients(FeatureFlags defaultClient, Function<String, FeatureFlags> factory) {
    this.defaultClient = defaultClient;
    this.factory = factory;
  }

  String defaultName() {
    return defaultClient.environment();
  }

  FeatureFlags defaultClient() {
    return defaultClient;
  }

  /** The environments that exist, the default one always included. */
  Map<String, Environment> all() {
    Map<String, Environment> out = new LinkedHashMap<>();
    for (Environment e : defaultClient.admin("api").environments()) {
      out.put(e.name(), e);
    }
    out.putIfAbsent(defaultName(), Environment.implicit(defaultName()));
    return out;
  }

  boolean isProtected(String env) {
    Environment e = all().get(env);
    return e != null && e.isProtected();
  }

  /** The request's environment ({@code env}, else the default), which must exist: else 404. */
  String resolve(String requested) {
    if (requested == null || requested.isEmpty() || requested.equals(defaultName())) {
      return defaultName();
    }
    checkName(requested, "env");
    if (!all().containsKey(requested)) {
      throw Problem.notFound("environment '" + requested + "' does not exist");
    }
    return requested;
  }

  static void checkName(String env, String field) {
    if (!NAME.matcher(env).matches()) {
      throw Problem.badRequest(
          field, field + " must match ^[a-z0-9_-]{1,32}$: " + RequestBody.quote(env));
    }
  }

  FeatureFlags client(String env) {
    if (env.equals(defaultName())) {
      return defaultClient;
    }
    return clients.computeIfAbsent(env, this::create);
  }

  private FeatureFlags create(String env) {
    FeatureFlags created = factory != null ? factory.apply(env) : defaultClient.forEnvironment(env);
    if (!created.environment().equals(env)) {
      throw new IllegalStateException(
          "client factory returned a client of environment '"
              + created.environment()
              + "' for '"
              + env
              + "'");
    }
    return created;
  }

  /** Forgets (and closes) the client of a deleted environment. */
  void deleted(String env) {
    FeatureFlags removed = clients.remove(env);
    if (removed != null) {
      removed.close();
    }
  }

  @Override
  public void close() {
    for (FeatureFlags client : clients.values()) {
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a client failed", e);
      }
    }
    clients.clear();
  }
}
