package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Creates, lists and revokes the API tokens kept in the store (SPEC §6), on behalf of one actor.
 * Tokens are global; each change is audited ({@code TOKEN_CREATED}, {@code TOKEN_REVOKED}) in the
 * environment of the {@link FlagAdmin} that returned this handle. Secrets are never seen here: only
 * their SHA-256. Obtain one with {@link FlagAdmin#apiTokens()}.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class TokenAdmin {
  private final FlagStore store;
  private final String environment;
  private final String actor;
  private final Clock clock;

  TokenAdmin(FlagStore store, String environment, String actor, Clock clock) {
    this.store = store;
    this.environment = environment;
    this.actor = actor;
    this.clock = clock;
  }

  /**
   * Lists the tokens (never their secrets).
   *
   * @return the tokens by name
   * @throws UnsupportedOperationException if the store keeps no tokens
   */
  public List<ApiToken> list() {
    return store.tokens();
  }

  /**
   * Stores a new token.
   *
   * @param token the token (its SHA-256 only)
   * @param comment why, or null
   * @return the stored audit entry
   * @throws FlagConflictException {@code ALREADY_EXISTS} if the name is taken
   * @throws FlagValidationException if the comment is too long
   * @throws UnsupportedOperationException if the store keeps no tokens
   */
  public AuditEntry create(ApiToken token, String comment) {
    Checks.notNull("token", token);
    return store.createToken(
        token, entry(AuditAction.TOKEN_CREATED, null, AuditJson.of(token), comment));
  }

  /**
   * Revokes a token; effective on every instance once they see the new {@link #version()}.
   *
   * @param name the token's name
   * @param comment why, or null
   * @return the stored audit entry
   * @throws FlagNotFoundException if there is no such token
   * @throws FlagValidationException if the comment is too long
   * @throws UnsupportedOperationException if the store keeps no tokens
   */
  public AuditEntry revoke(String name, String comment) {
    Checks.notNull("name", name);
    ApiToken existing =
        store.tokens().stream()
            .filter(t -> t.name().equals(name))
            .findFirst()
            .orElseThrow(
                () -> new FlagNotFoundException("token " + Checks.quote(name) + " does not exist"));
    return store.revokeToken(
        name, entry(AuditAction.TOKEN_REVOKED, AuditJson.of(existing), null, comment));
  }

  /**
   * Records when tokens were last used, in one batch (never once per request).
   *
   * @param lastUsed token name to last-use time
   * @throws UnsupportedOperationException if the store keeps no tokens
   */
  public void touch(Map<String, Instant> lastUsed) {
    store.touchTokens(lastUsed);
  }

  /**
   * Returns the store's token version, which increases when a token is created or revoked; poll it
   * to notice revocations cheaply.
   *
   * @return the token version
   * @throws UnsupportedOperationException if the store keeps no tokens
   */
  public long version() {
    return store.tokenVersion();
  }

  private AuditEntry entry(AuditAction action, String before, String after, String comment) {
    Checks.text("comment", comment, Checks.MAX_TEXT);
    return new AuditEntry(
        0, clock.instant(), actor, action, environment, null, null, before, after, comment);
  }
}
