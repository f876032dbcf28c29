package dev.tenantflags.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells {@link FlagAdminServlet} who is calling. Two implementations ship: {@link
 * ContainerAuthenticator} (the servlet container's principal and roles) and {@link
 * BearerTokenAuthenticator} (tokens from configuration). Write your own as a lambda, e.g. to trust
 * an API gateway:
 *
 * <pre>{@code
 * Authenticator gateway = request -> Optional.ofNullable(request.getHeader("X-Verified-User"))
 *     .map(user -> Caller.of(user, Role.VIEWER));
 * }</pre>
 *
 * <p>An empty result means "not authenticated" and the servlet answers 401. Never derive a {@link
 * Role#TENANT_ADMIN}'s tenant from anything the client controls (a header, a parameter): take it
 * from the authenticated principal.
 *
 * <p>Thread safety: implementations must be safe for concurrent use; the servlet calls one instance
 * from many request threads.
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * Authenticates a request.
   *
   * @param request the request
   * @return the caller, or empty when the request carries no valid credentials
   */
  Optional<Caller> authenticate(HttpServletRequest request);

  /**
   * Returns an authenticator that asks this one first and, when it finds no caller, {@code other}.
   *
   * @param other the fallback
   * @return the combined authenticator
   * @throws NullPointerException if {@code other} is null
   */
  default Authenticator or(Authenticator other) {
    Objects.requireNonNull(other, "other");
    return request -> {
      Optional<Caller> first = authenticate(request);
      return first.isPresent() ? first : other.authenticate(request);
    };
  }
}
