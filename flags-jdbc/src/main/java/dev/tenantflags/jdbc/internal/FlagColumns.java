package dev.tenantflags.jdbc.internal;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagFields;

/**
 * The column values of one {@code tf_flags} row, for binding by name ({@code :flagKey} etc.).
 *
 * <p>Thread safety: immutable.
 *
 * @param environment the environment
 * @param flagKey the key
 * @param description the description
 * @param module the module, or null
 * @param state the state name
 * @param rolloutBp basis points
 * @param rolloutSalt the salt, or null
 * @param scope JSON object of attribute to values
 * @param prerequisites JSON array of keys, in order
 * @param tenantEditable whether tenant-editable
 * @param tags JSON array of tags
 * @param archived whether archived
 * @param version the flag version
 * @param updatedAt epoch milliseconds, or null
 * @param updatedBy the actor, or null
 */
public record FlagColumns(
    String environment,
    String flagKey,
    String description,
    String module,
    String state,
    int rolloutBp,
    String rolloutSalt,
    String scope,
    String prerequisites,
    boolean tenantEditable,
    String tags,
    boolean archived,
    long version,
    Long updatedAt,
    String updatedBy) {

  /**
   * Extracts the columns of a flag.
   *
   * @param environment the environment
   * @param f the flag
   */
  public FlagColumns(String environment, Flag f) {
    this(
        environment,
        f.key(),
        f.description(),
        f.module(),
        f.state().name(),
        f.rolloutBasisPoints(),
        f.rolloutSalt(),
        FlagFields.scopeToJson(f.scope()),
        FlagFields.stringsToJson(f.prerequisites()),
        f.tenantEditable(),
        FlagFields.stringsToJson(f.tags()),
        f.archived(),
        f.version(),
        f.updatedAt() == null ? null : f.updatedAt().toEpochMilli(),
        f.updatedBy());
  }
}
