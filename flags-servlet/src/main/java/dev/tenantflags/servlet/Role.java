package dev.tenantflags.servlet;

/**
 * What a caller of {@link FlagAdminServlet} may do (SPEC §6).
 *
 * <p>{@link #EVALUATOR} &lt; {@link #SDK} &lt; {@link #VIEWER} &lt; {@link #DEVELOPER} &lt; {@link
 * #ADMIN}: each includes the ones before it. {@link #TENANT_ADMIN} stands apart: it is bound to one
 * tenant (see {@link Caller#tenant()}) and may only read and change what belongs to that tenant.
 *
 * <p>Thread safety: enum constants are immutable.
 */
public enum Role {
  /** May evaluate flags ({@code /api/evaluate}). */
  EVALUATOR(1, "flags-evaluator"),
  /**
   * May also read an environment's snapshot and change stream (SPEC §10), for server-side SDKs and
   * relays.
   */
  SDK(2, "flags-sdk"),
  /** May also read flags, overrides, history, audit, usage, status and environments. */
  VIEWER(3, "flags-viewer"),
  /**
   * May also create and change flags and overrides, and kill flags, in unprotected environments.
   */
  DEVELOPER(4, "flags-developer"),
  /** May do everything, in every environment, including locked overrides. */
  ADMIN(5, "flags-admin"),
  /**
   * May read its own tenant's effective flags and overrides, evaluate for its own tenant, and set
   * or clear its own tenant's override of a {@code tenantEditable} flag when that override is not
   * locked.
   */
  TENANT_ADMIN(0, "flags-tenant-admin");

  private final int level;
  private final String containerRole;

  Role(int level, String containerRole) {
    this.level = level;
    this.containerRole = containerRole;
  }

  /**
   * Returns the servlet-container role name that {@link ContainerAuthenticator} maps to this role,
   * e.g. {@code flags-admin}.
   *
   * @return the container role name
   */
  public String containerRole() {
    return containerRole;
  }

  /**
   * Tells whether this role includes {@code least} in the EVALUATOR &lt; SDK &lt; VIEWER &lt;
   * DEVELOPER &lt; ADMIN order. {@link #TENANT_ADMIN} includes no role of that order, and only
   * itself.
   *
   * @param least the least role an operation needs
   * @return whether this role suffices
   */
  public boolean includes(Role least) {
    if (this == TENANT_ADMIN || least == TENANT_ADMIN) {
      return this == least;
    }
    return level >= least.level;
  }
}
