package dev.tenantflags;

import java.time.Instant;

/**
 * An API token as the store keeps it (SPEC §6): a name, a role, for a tenant admin the tenant, and
 * the SHA-256 of the secret. The secret itself is never stored.
 *
 * <p>Thread safety: immutable.
 *
 * @param name unique name, {@code [A-Za-z0-9_.@-]{1,64}}
 * @param role the role name ({@code EVALUATOR}, {@code SDK}, {@code VIEWER}, {@code DEVELOPER},
 *     {@code ADMIN} or {@code TENANT_ADMIN}); the servlet module interprets it
 * @param tenant the tenant a {@code TENANT_ADMIN} token is bound to, else null
 * @param sha256 the lower-case hex SHA-256 of the secret (64 characters)
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param lastUsedAt when it was last used (recorded in batches), or null
 */
public record ApiToken(
    String name,
    String role,
    String tenant,
    String sha256,
    Instant createdAt,
    String createdBy,
    Instant lastUsedAt) {

  /**
   * Creates a token record.
   *
   * @throws FlagValidationException naming the first invalid field
   */
  public ApiToken {
    if (name == null || !name.matches("[A-Za-z0-9_.@-]{1,64}")) {
      throw new FlagValidationException(
          "name", "name must match [A-Za-z0-9_.@-]{1,64}: " + Checks.quote(name));
    }
    Checks.notNull("role", role);
    if (tenant != null) {
      Checks.tenantId("tenant", tenant);
    }
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new FlagValidationException("sha256", "sha256 must be 64 lower-case hex digits");
    }
    createdAt = Checks.millis(Checks.notNull("createdAt", createdAt));
    lastUsedAt = Checks.millis(lastUsedAt);
    Checks.optionalName("createdBy", createdBy, Checks.MAX_NAME);
  }

  /**
   * Returns this token with another last-used time.
   *
   * @param lastUsedAt when it was last used, or null
   * @return the copy
   */
  public ApiToken withLastUsedAt(Instant lastUsedAt) {
    return new ApiToken(name, role, tenant, sha256, createdAt, createdBy, lastUsedAt);
  }
}
