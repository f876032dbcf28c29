package dev.tenantflags;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One flag's configuration in one environment (SPEC §2).
 *
 * <p>Create with {@link #of(String)} and derive with the {@code withX} methods; every constructor
 * argument is validated at once, so an invalid flag cannot exist. {@code version}, {@code
 * updatedAt} and {@code updatedBy} are assigned by {@link FlagAdmin} when a change is stored.
 *
 * <p>Thread safety: immutable.
 *
 * @param key unique per environment, {@code ^[a-z][a-z0-9_.-]{0,63}$}, immutable
 * @param description free text, at most 1000 characters, never null (empty by default)
 * @param module an optional grouping label shown in the console, or null
 * @param state the switch position
 * @param rolloutBasisPoints the rollout percentage in basis points, 0 to 10000 (25.5 % = 2550)
 * @param rolloutSalt the bucketing salt, or null to use the key
 * @param scope who a targeted or rollout flag applies to
 * @param prerequisites keys of flags that must all evaluate true first
 * @param tenantEditable whether a tenant admin may set their own tenant's override
 * @param tags free labels such as {@code beta}
 * @param archived whether the flag is soft-deleted
 * @param version incremented on every stored change; 0 for a flag not yet stored
 * @param updatedAt when the flag was last changed, or null before it is stored
 * @param updatedBy who last changed the flag, or null before it is stored
 */
public record Flag(
    String key,
    String description,
    String module,
    FlagState state,
    int rolloutBasisPoints,
    String rolloutSalt,
    Scope scope,
    List<String> prerequisites,
    boolean tenantEditable,
    Set<String> tags,
    boolean archived,
    long version,
    Instant updatedAt,
    String updatedBy) {

  /** Basis points in 100 %. */
  public static final int MAX_BASIS_POINTS = 10_000;

  private static final int MAX_TAGS = 50;
  private static final int MAX_PREREQUISITES = 50;
  private static final int MAX_LABEL = 64;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  /**
   * Creates a flag.
   *
   * @throws FlagValidationException naming the first invalid field
   */
  public Flag {
    Checks.flagKey("key", key);
    description =
        description == null ? "" : Checks.text("description", description, Checks.MAX_DESCRIPTION);
    if (module != null) {
      if (module.isBlank()) {
        module = null;
      } else {
        Checks.text("module", module, MAX_LABEL);
      }
    }
    Checks.notNull("state", state);
    if (rolloutBasisPoints < 0 || rolloutBasisPoints > MAX_BASIS_POINTS) {
      throw new FlagValidationException(
          "rolloutPercent",
          "rolloutPercent must be between 0 and 100: "
              + BigDecimal.valueOf(rolloutBasisPoints, 2).stripTrailingZeros().toPlainString());
    }
    if (rolloutSalt != null && (rolloutSalt.isEmpty() || rolloutSalt.length() > Checks.MAX_NAME)) {
      throw new FlagValidationException(
          "rolloutSalt", "rolloutSalt must be 1 to 256 characters: " + rolloutSalt.length());
    }
    Checks.notNull("scope", scope);
    Checks.notNull("prerequisites", prerequisites);
    Set<String> seen = new LinkedHashSet<>();
    for (String prerequisite : prerequisites) {
      Checks.flagKey("prerequisites", prerequisite);
      if (prerequisite.equals(key)) {
        throw new FlagValidationException(
            "prerequisites",
            "prerequisites must not contain the flag itself: " + Checks.quote(key));
      }
      if (!seen.add(prerequisite)) {
        throw new FlagValidationException(
            "prerequisites", "prerequisites must not repeat a key: " + Checks.quote(prerequisite));
      }
    }
    if (seen.size() > MAX_PREREQUISITES) {
      throw new FlagValidationException(
          "prerequisites",
          "prerequisites must hold at most " + MAX_PREREQUISITES + " keys: " + seen.size());
    }
    prerequisites = List.copyOf(seen);
    Checks.notNull("tags", tags);
    Set<String> sortedTags = new TreeSet<>();
    for (String tag : tags) {
      if (tag == null || tag.isBlank() || tag.length() > MAX_LABEL) {
        throw new FlagValidationException(
            "tags",
            "tags must be 1 to 64 characters: " + (tag == null ? "null" : Checks.quote(tag)));
      }
      sortedTags.add(tag);
    }
    if (sortedTags.size() > MAX_TAGS) {
      throw new FlagValidationException(
          "tags", "tags must hold at most " + MAX_TAGS + " tags: " + sortedTags.size());
    }
    tags = Collections.unmodifiableSet(sortedTags);
    if (version < 0) {
      throw new FlagValidationException("version", "version must not be negative: " + version);
    }
    Checks.text("updatedBy", updatedBy, Checks.MAX_NAME);
  }

  /**
   * Returns a new, unstored flag: {@code OFF}, no description, 0 %, empty scope.
   *
   * @param key the flag key
   * @return the flag
   * @throws FlagValidationException if the key does not match the key pattern
   */
  public static Flag of(String key) {
    return new Flag(
        key,
        "",
        null,
        FlagState.OFF,
        0,
        null,
        Scope.EMPTY,
        List.of(),
        false,
        Set.of(),
        false,
        0,
        null,
        null);
  }

  /**
   * Converts a percentage such as {@code 25.5} to basis points, rejecting values out of range or
   * with more than two decimals.
   *
   * @param percent the percentage, 0 to 100 with at most two decimals
   * @return basis points, 0 to 10000
   * @throws FlagValidationException naming {@code rolloutPercent}
   */
  public static int basisPoints(BigDecimal percent) {
    Checks.notNull("rolloutPercent", percent);
    if (percent.signum() < 0 || percent.compareTo(HUNDRED) > 0) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must be between 0 and 100: " + percent.toPlainString());
    }
    if (percent.stripTrailingZeros().scale() > 2) {
      throw new FlagValidationException(
          "rolloutPercent",
          "rolloutPercent must have at most 2 decimals: " + percent.toPlainString());
    }
    return percent.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).intValueExact();
  }

  /**
   * Returns the rollout percentage, e.g. {@code 25.5}.
   *
   * @return the percentage with at most two decimals
   */
  public BigDecimal rolloutPercent() {
    BigDecimal percent = BigDecimal.valueOf(rolloutBasisPoints, 2).stripTrailingZeros();
    return percent.scale() < 0 ? percent.setScale(0) : percent;
  }

  /**
   * Returns the salt bucketing uses: {@link #rolloutSalt()} or, when unset, the key.
   *
   * @return the effective salt
   */
  public String effectiveSalt() {
    return rolloutSalt == null ? key : rolloutSalt;
  }

  /**
   * @return a copy with this description
   */
  public Flag withDescription(String description) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy with this module (null for none)
   */
  public Flag withModule(String module) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy in this state
   */
  public Flag withState(FlagState state) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * Returns a copy with this rollout percentage.
   *
   * @param percent 0 to 100, at most two decimals
   * @return the copy
   * @throws FlagValidationException naming {@code rolloutPercent}
   */
  public Flag withRolloutPercent(BigDecimal percent) {
    return withRolloutBasisPoints(basisPoints(percent));
  }

  /**
   * Returns a copy with this rollout percentage given as a decimal string such as {@code "25.5"}.
   *
   * @param percent 0 to 100, at most two decimals
   * @return the copy
   * @throws FlagValidationException naming {@code rolloutPercent}
   */
  public Flag withRolloutPercent(String percent) {
    Checks.notNull("rolloutPercent", percent);
    try {
      return withRolloutPercent(new BigDecimal(percent.trim()));
    } catch (NumberFormatException e) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must be a number: " + Checks.quote(percent));
    }
  }

  /**
   * @return a copy with this rollout in basis points (0 to 10000)
   */
  public Flag withRolloutBasisPoints(int basisPoints) {
    return new Flag(
        key,
        description,
        module,
        state,
        basisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy with this bucketing salt (null to use the key)
   */
  public Flag withRolloutSalt(String salt) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        salt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy with this scope
   */
  public Flag withScope(Scope scope) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy with these prerequisites
   */
  public Flag withPrerequisites(Collection<String> prerequisites) {
    // ArrayList, not List.copyOf: a null element must reach the constructor's check, not throw NPE
    // here.
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        new ArrayList<>(Checks.notNull("prerequisites", prerequisites)),
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy with tenant admins allowed (or not) to set their own override
   */
  public Flag withTenantEditable(boolean tenantEditable) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy with these tags
   */
  public Flag withTags(Collection<String> tags) {
    // LinkedHashSet, not Set.copyOf: a null element must reach the constructor's check, not throw
    // NPE here.
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        new LinkedHashSet<>(Checks.notNull("tags", tags)),
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy archived (or restored)
   */
  public Flag withArchived(boolean archived) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * @return a copy stamped with this version and change metadata; used when a change is stored
   */
  public Flag withVersion(long version, Instant updatedAt, String updatedBy) {
    return new Flag(
        key,
        description,
        module,
        state,
        rolloutBasisPoints,
        rolloutSalt,
        scope,
        prerequisites,
        tenantEditable,
        tags,
        archived,
        version,
        updatedAt,
        updatedBy);
  }

  /**
   * Returns whether two flags configure the same behaviour, ignoring version and change metadata.
   *
   * @param other the other flag
   * @return true when everything but {@code version}, {@code updatedAt} and {@code updatedBy} is
   *     equal
   */
  public boolean sameConfiguration(Flag other) {
    return withVersion(0, null, null).equals(other.withVersion(0, null, null));
  }
}
