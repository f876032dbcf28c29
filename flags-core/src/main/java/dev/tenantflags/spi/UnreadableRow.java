package dev.tenantflags.spi;

import java.util.Objects;

/**
 * A stored row that a store could not turn into a valid value (malformed JSON, an unknown state, a
 * value that breaks a rule of SPEC §2). Stores report such rows instead of failing the whole read
 * (SPEC §4): the client keeps the flag's last good definition and names the row in its status.
 *
 * <p>Thread safety: immutable.
 *
 * @param kind {@code "flag"} or {@code "override"}
 * @param flagKey the row's flag key as stored
 * @param tenantId the row's tenant id for an override row, else null
 * @param problem what is wrong, in words, naming the column (never the full value)
 */
public record UnreadableRow(String kind, String flagKey, String tenantId, String problem) {

  /**
   * Creates a description of an unreadable row.
   *
   * @throws NullPointerException if {@code kind}, {@code flagKey} or {@code problem} is null
   */
  public UnreadableRow {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(problem, "problem");
  }
}
