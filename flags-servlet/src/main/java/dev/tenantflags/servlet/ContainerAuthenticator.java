package dev.tenantflags.servlet;

import dev.tenantflags.TenantKey;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates with the servlet container's own security ({@code getUserPrincipal()} and {@code
 * isUserInRole}), so {@link FlagAdminServlet} can sit behind whatever login the application already
 * has (form, OIDC, mTLS, Spring Security).
 *
 * <p>The caller's name is the principal's name. Its role is the highest container role it holds of
 * {@code flags-admin}, {@code flags-developer}, {@code flags-viewer}, {@code flags-sdk}, {@code
 * flags-evaluator}; failing those, {@code flags-tenant-admin}, whose tenant is read from a request
 * attribute that the application's authentication sets (default {@value
 * TenantResolver#DEFAULT_ATTRIBUTE}; a {@code String} tenant id or a {@link TenantKey}). A
 * principal with none of these roles, or a tenant admin without a tenant attribute, is not
 * authenticated (401).
 *
 * <p>Thread safety: immutable.
 */
public final class ContainerAuthenticator implements Authenticator {

  private static final Role[] ORDER = {
    Role.ADMIN, Role.DEVELOPER, Role.VIEWER, Role.SDK, Role.EVALUATOR
  };

  private final String tenantAttribute;

  /**
   * Creates an authenticator reading a tenant admin's tenant from {@value
   * TenantResolver#DEFAULT_ATTRIBUTE}.
   */
  public ContainerAuthenticator() {
    this(TenantResolver.DEFAULT_ATTRIBUTE);
  }

  /**
   * Creates an authenticator reading a tenant admin's tenant from the named request attribute.
   *
   * @param tenantAttribute the request attribute holding the tenant id (String) or {@link
   *     TenantKey}
   * @throws NullPointerException if null
   */
  public ContainerAuthenticator(String tenantAttribute) {
    this.tenantAttribute = Objects.requireNonNull(tenantAttribute, "tenantAttribute");
  }

  @Override
  public Optional<Caller> authenticate(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
      return Optional.empty();
    }
    String name = principal.getName();
    if (name.length() > 256) {
      return Optional.empty();
    }
    for (Role role : ORDER) {
      if (request.isUserInRole(role.containerRole())) {
        return Optional.of(Caller.of(name, role));
      }
    }
    if (request.isUserInRole(Role.TENANT_ADMIN.containerRole())) {
      Object tenant = request.getAttribute(tenantAttribute);
      String id =
          tenant instanceof TenantKey key ? key.id() : tenant instanceof String s ? s : null;
      if (id != null && !id.isEmpty() && id.length() <= 256) {
        return Optional.of(Caller.tenantAdmin(name, id));
      }
    }
    return Optional.empty();
  }
}
