package dev.tenantflags.spring;

import dev.tenantflags.TenantKey;
import dev.tenantflags.servlet.Authenticator;
import dev.tenantflags.servlet.Caller;
import dev.tenantflags.servlet.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates admin API callers from the request's principal and roles, as Spring Security (or
 * any servlet container security) exposes them through {@code getUserPrincipal()} and {@code
 * isUserInRole(...)}, with a configurable mapping from application roles to tenantflags roles
 * ({@code tenantflags.admin.roles}). The highest mapped role of ADMIN, DEVELOPER, VIEWER, EVALUATOR
 * wins; failing those, TENANT_ADMIN, bound to the tenant in a request attribute the application's
 * security sets. Anything else is not authenticated (401).
 *
 * <p>Thread safety: immutable.
 */
public final class RoleMappingAuthenticator implements Authenticator {

  private static final Role[] ORDER = {
    Role.ADMIN, Role.DEVELOPER, Role.VIEWER, Role.EVALUATOR, Role.TENANT_ADMIN
  };

  private final Map<Role, String> roles = new EnumMap<>(Role.class);
  private final String tenantAttribute;

  /**
   * Creates an authenticator.
   *
   * @param mapping tenantflags role name ({@code admin}, {@code developer}, {@code viewer}, {@code
   *     evaluator}, {@code tenant-admin}, case-insensitive) to the application role granting it
   * @param tenantAttribute the request attribute holding a tenant admin's tenant id or {@link
   *     TenantKey}
   * @throws IllegalArgumentException naming an unknown tenantflags role
   * @throws NullPointerException if an argument is null
   */
  public RoleMappingAuthenticator(Map<String, String> mapping, String tenantAttribute) {
    Objects.requireNonNull(mapping, "mapping");
    this.tenantAttribute = Objects.requireNonNull(tenantAttribute, "tenantAttribute");
    mapping.forEach(
        (name, appRole) -> {
          Role role;
          try {
            role = Role.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "tenantflags.admin.roles has an unknown role: '" + truncate(name) + "'", e);
          }
          if (appRole != null && !appRole.isBlank()) {
            roles.put(role, appRole.trim());
          }
        });
  }

  @Override
  public Optional<Caller> authenticate(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    String name = principal == null ? null : principal.getName();
    if (name == null || name.isBlank() || name.length() > 256) {
      return Optional.empty();
    }
    for (Role role : ORDER) {
      String appRole = roles.get(role);
      if (appRole == null || !request.isUserInRole(appRole)) {
        continue;
      }
      if (role != Role.TENANT_ADMIN) {
        return Optional.of(Caller.of(name, role));
      }
      Object tenant = request.getAttribute(tenantAttribute);
      String id = tenant instanceof TenantKey key ? key.id() : (String) tenantOrNull(tenant);
      if (id != null && !id.isEmpty() && id.length() <= 256) {
        return Optional.of(Caller.tenantAdmin(name, id));
      }
    }
    return Optional.empty();
  }

  private static Object tenantOrNull(Object tenant) {
    return tenant instanceof String ? tenant : null;
  }

  private static String truncate(String value) {
    return value.length() > 64 ? value.substring(0, 64) : value;
  }
}
