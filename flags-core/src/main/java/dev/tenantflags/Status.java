package dev.tenantflags;

import java.time.Instant;
import java.util.Objects;

/**
 * The health of a {@link FeatureFlags} client (SPEC §4).
 *
 * <p>Thread safety: immutable.
 *
 * @param state the client's state
 * @param lastRefresh when flags were last loaded from the store successfully, or null if never
 * @param version the change version of the flags being served (-1 when none)
 * @param detail a short explanation of the last failure (exception type and message, no tenant
 *     data), or null when healthy
 */
public record Status(State state, Instant lastRefresh, long version, String detail) {

  /** The states of SPEC §4. */
  public enum State {
    /** Starting: no flags loaded yet. */
    NOT_READY,
    /** Serving flags loaded from the store, which is reachable. */
    READY,
    /** Serving the last good flags (or a bootstrap file) because the store is unreachable. */
    STALE,
    /** Serving callers' defaults: no flags could ever be loaded and no bootstrap was configured. */
    ERROR
  }

  /**
   * Creates a status.
   *
   * @throws NullPointerException if {@code state} is null
   */
  public Status {
    Objects.requireNonNull(state, "state");
  }
}
