package dev.tenantflags.servlet;

import java.util.Objects;

/**
 * An authenticated caller of {@link FlagAdminServlet}: the name recorded as the audit actor, the
 * role, and for {@link Role#TENANT_ADMIN} the one tenant it is bound to.
 *
 * <p>Thread safety: immutable.
 *
 * @param name who the caller is; recorded as the actor of every change; 1 to 256 characters
 * @param role what the caller may do
 * @param tenant the tenant id a {@link Role#TENANT_ADMIN} is bound to; null for every other role
 */
public record Caller(String name, Role role, String tenant) {

  /**
   * Creates a caller.
   *
   * @throws IllegalArgumentException if the name is empty or longer than 256 characters, or the
   *     tenant is missing for a TENANT_ADMIN, or given for another role
   * @throws NullPointerException if name or role is null
   */
  public Caller {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    if (name.isBlank() || name.length() > 256) {
      throw new IllegalArgumentException("name must be 1 to 256 characters: " + name.length());
    }
    if (role == Role.TENANT_ADMIN) {
      if (tenant == null || tenant.isEmpty() || tenant.length() > 256) {
        throw new IllegalArgumentException(
            "tenant must be 1 to 256 characters for role TENANT_ADMIN");
      }
    } else if (tenant != null) {
      throw new IllegalArgumentException(
          "tenant must be null for role " + role + ": '" + tenant + "'");
    }
  }

  /**
   * Returns a caller with a role of the EVALUATOR &lt; SDK &lt; VIEWER &lt; DEVELOPER &lt; ADMIN
   * order.
   *
   * @param name the caller's name
   * @param role the role; not TENANT_ADMIN
   * @return the caller
   * @throws IllegalArgumentException if {@code role} is TENANT_ADMIN
   */
  public static Caller of(String name, Role role) {
    return new Caller(name, role, null);
  }

  /**
   * Returns a tenant admin bound to one tenant.
   *
   * @param name the caller's name
   * @param tenant the tenant id
   * @return the caller
   */
  public static Caller tenantAdmin(String name, String tenant) {
    return new Caller(name, Role.TENANT_ADMIN, tenant);
  }
}
