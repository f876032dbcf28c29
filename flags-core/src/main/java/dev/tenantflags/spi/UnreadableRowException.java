package dev.tenantflags.spi;

import java.util.Objects;

/**
 * Thrown by {@link FlagStore#loadFlag} when the flag's stored row cannot be read (SPEC §4:
 * malformed JSON, an unknown state, a value that breaks a rule). It carries the row's problem and
 * its stored version, so a caller can replace the row with {@link FlagStore#updateFlag}, which
 * checks the version column only.
 *
 * <p>Thread safety: immutable after construction.
 */
public class UnreadableRowException extends FlagStoreException {
  private static final long serialVersionUID = 1L;

  private final transient UnreadableRow row;
  private final long version;

  /**
   * Creates the exception.
   *
   * @param row the unreadable row
   * @param version the row's stored version
   * @throws NullPointerException if {@code row} is null
   */
  public UnreadableRowException(UnreadableRow row, long version) {
    super(
        "the stored row of flag '"
            + Objects.requireNonNull(row, "row").flagKey()
            + "' is unreadable: "
            + row.problem());
    this.row = row;
    this.version = version;
  }

  /**
   * Returns the unreadable row.
   *
   * @return the row, naming its flag and problem
   */
  public UnreadableRow row() {
    return row;
  }

  /**
   * Returns the row's stored version, the expected version for a replacement.
   *
   * @return the version
   */
  public long version() {
    return version;
  }
}
