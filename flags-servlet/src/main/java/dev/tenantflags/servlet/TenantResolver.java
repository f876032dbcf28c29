package dev.tenantflags.servlet;

import dev.tenantflags.TenantKey;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;

/**
 * Finds the tenant a request acts for, so {@link FeatureFlagFilter} can evaluate its flag.
 *
 * <p>The default ({@link #defaults()}) reads the request attribute {@value #DEFAULT_ATTRIBUTE} that
 * the application's own authentication sets (a {@link TenantKey}, or a {@code String} tenant id).
 * Resolving from an API key the application already authenticated is a one-liner:
 *
 * <pre>{@code
 * TenantResolver byApiKey = request -> {
 *   ApiKey key = (ApiKey) request.getAttribute("app.apiKey");
 *   return key == null ? null : TenantKey.of(key.id()).with("plan", key.plan());
 * };
 * }</pre>
 *
 * <p>Only trust a header when something in front of the application (a gateway) sets it: a client
 * can send any header it likes.
 *
 * <p>Thread safety: implementations must be safe for concurrent use and should be cheap: the filter
 * calls them on every gated request.
 */
@FunctionalInterface
public interface TenantResolver {

  /**
   * The request attribute the default resolver reads first, and {@link ContainerAuthenticator}
   * reads.
   */
  String DEFAULT_ATTRIBUTE = "dev.tenantflags.tenant";

  /** The header read when the filter trusts it (opt-in). */
  String DEFAULT_HEADER = "X-Tenant-Id";

  /**
   * Resolves the request's tenant.
   *
   * @param request the request
   * @return the tenant, or null when the request has none (the filter then treats the flag as off)
   */
  TenantKey resolve(HttpServletRequest request);

  /**
   * Returns a resolver that asks this one first and {@code next} when this one finds no tenant.
   *
   * @param next the fallback
   * @return the combined resolver
   * @throws NullPointerException if {@code next} is null
   */
  default TenantResolver orElse(TenantResolver next) {
    Objects.requireNonNull(next, "next");
    return request -> {
      TenantKey tenant = resolve(request);
      return tenant != null ? tenant : next.resolve(request);
    };
  }

  /**
   * Returns the default resolver: the {@value #DEFAULT_ATTRIBUTE} request attribute only. The
   * {@value #DEFAULT_HEADER} header is opt-in ({@link FeatureFlagFilter.Builder#trustTenantHeader},
   * init-parameter {@code trust-tenant-header}), because any client can send a header.
   *
   * @return the resolver
   */
  static TenantResolver defaults() {
    return attribute(DEFAULT_ATTRIBUTE);
  }

  /**
   * Returns a resolver reading a request attribute holding a {@link TenantKey} or a {@code String}
   * tenant id.
   *
   * @param name the attribute name
   * @return the resolver
   * @throws NullPointerException if {@code name} is null
   */
  static TenantResolver attribute(String name) {
    Objects.requireNonNull(name, "name");
    return request -> {
      Object value = request.getAttribute(name);
      if (value instanceof TenantKey key) {
        return key;
      }
      return value instanceof String id ? Tenants.keyOrNull(id) : null;
    };
  }

  /**
   * Returns a resolver reading a header holding the tenant id (1 to 256 characters; anything else
   * resolves to no tenant).
   *
   * @param name the header name
   * @return the resolver
   * @throws NullPointerException if {@code name} is null
   */
  static TenantResolver header(String name) {
    Objects.requireNonNull(name, "name");
    return request -> Tenants.keyOrNull(request.getHeader(name));
  }
}
