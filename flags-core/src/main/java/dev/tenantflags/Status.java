package dev.tenantflags;

import dev.tenantflags.spi.UnreadableRow;
import java.time.Instant;
import java.util.List;
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
 * @param unreadable the stored rows the client could not read (SPEC §4), flags and overrides; each
 *     such flag keeps its last good definition if the client had one, else evaluates to the
 *     caller's default with reason {@link Reason#ERROR}
 * @param overrideMode how overrides are held
 * @param overrideCount the overrides held in memory ({@link OverrideMode#ALL_IN_MEMORY}), or the
 *     store's count when lazy mode was chosen; -1 before the first load
 */
public record Status(
    State state,
    Instant lastRefresh,
    long version,
    String detail,
    List<UnreadableRow> unreadable,
    OverrideMode overrideMode,
    long overrideCount) {

  /** The states of SPEC §4. */
  public enum State {
    /** Starting: no flags loaded yet. */
    NOT_READY,
    /** Serving flags loaded from the store, which is reachable. */
    READY,
    /**
     * Serving the last good flags (or a bootstrap file) because the store is unreachable or slow.
     */
    STALE,
    /**
     * No flags could ever be loaded and no bootstrap was configured (callers get their defaults),
     * or the last refresh failed unexpectedly (a bug, an {@link Error}); the last good flags, if
     * any, are still served and the client keeps retrying.
     */
    ERROR
  }

  /** How a client holds tenant overrides (SPEC §4). */
  public enum OverrideMode {
    /** Every override of the environment is in memory; evaluation never does I/O. */
    ALL_IN_MEMORY,
    /** Too many overrides to hold: tenants are loaded on first use, waiting at most briefly. */
    LAZY
  }

  /**
   * Creates a status, copying the unreadable rows.
   *
   * @throws NullPointerException if {@code state}, {@code unreadable} or {@code overrideMode} is
   *     null
   */
  public Status {
    Objects.requireNonNull(state, "state");
    unreadable = List.copyOf(Objects.requireNonNull(unreadable, "unreadable"));
    Objects.requireNonNull(overrideMode, "overrideMode");
  }

  /**
   * Creates a status with no unreadable rows, overrides in memory, count unknown.
   *
   * @param state the client's state
   * @param lastRefresh the last good refresh, or null
   * @param version the change version served
   * @param detail the last failure, or null
   */
  public Status(State state, Instant lastRefresh, long version, String detail) {
    this(state, lastRefresh, version, detail, List.of(), OverrideMode.ALL_IN_MEMORY, -1);
  }
}
