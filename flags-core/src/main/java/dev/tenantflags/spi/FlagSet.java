package dev.tenantflags.spi;

import dev.tenantflags.Flag;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every flag of one environment as of one change version, as returned by {@link
 * FlagStore#loadFlags(String)}.
 *
 * <p>Thread safety: immutable.
 *
 * @param version the environment's change version the flags reflect (see {@link
 *     FlagStore#changeVersion(String)})
 * @param flags every flag of the environment, archived ones included, in key order
 * @param flagsWithOverrides keys of the flags that have at least one tenant override; the client
 *     skips override look-ups for every other flag
 * @param unreadable the flag rows the store could not map to a valid {@link Flag} (SPEC §4); they
 *     are not in {@code flags}
 */
public record FlagSet(
    long version,
    List<Flag> flags,
    Set<String> flagsWithOverrides,
    List<UnreadableRow> unreadable) {

  /**
   * Creates a flag set, copying both collections.
   *
   * @throws NullPointerException if a collection is null
   */
  public FlagSet {
    flags = List.copyOf(Objects.requireNonNull(flags, "flags"));
    flagsWithOverrides =
        Set.copyOf(Objects.requireNonNull(flagsWithOverrides, "flagsWithOverrides"));
    unreadable = List.copyOf(Objects.requireNonNull(unreadable, "unreadable"));
  }

  /**
   * Creates a flag set in which every row was readable.
   *
   * @param version the change version
   * @param flags the flags
   * @param flagsWithOverrides keys of the flags that have overrides
   */
  public FlagSet(long version, List<Flag> flags, Set<String> flagsWithOverrides) {
    this(version, flags, flagsWithOverrides, List.of());
  }
}
