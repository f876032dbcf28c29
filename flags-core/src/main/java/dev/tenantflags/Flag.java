package dev.tenantflags;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * One flag's configuration in one environment (SPEC §2).
 *
 * <p>Create with {@link #of(String)} or {@link #builder(String)}, change with {@link #toBuilder()}
 * (or the one-field {@code withX} shortcuts, which go through the builder). Every field is
 * validated at once, so an invalid flag cannot exist; the canonical constructor is public only
 * because records require it, and code outside this class does not call it. {@code version}, {@code
 * updatedAt} and {@code updatedBy} are assigned by {@link FlagAdmin} when a change is stored. The
 * JSON form of each field is defined once, in {@link FlagFields}.
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

  /** The most prerequisites a flag may have. */
  public static final int MAX_PREREQUISITES = 50;

  /** The most tags a flag may have. */
  public static final int MAX_TAGS = 50;

  /**
   * Creates a flag; prefer {@link #builder(String)}.
   *
   * @throws FlagValidationException naming the first invalid field
   */
  public Flag {
    Checks.flagKey("key", key);
    description = Checks.description(description);
    module = Checks.module(module);
    Checks.notNull("state", state);
    Checks.basisPoints(rolloutBasisPoints);
    rolloutSalt = Checks.optionalName("rolloutSalt", rolloutSalt, Checks.MAX_NAME);
    Checks.notNull("scope", scope);
    prerequisites = Checks.prerequisites(prerequisites);
    if (prerequisites.contains(key)) {
      throw new FlagValidationException(
          "prerequisites", "prerequisites must not contain the flag itself: " + Checks.quote(key));
    }
    tags = Checks.tags(tags);
    Checks.version(version);
    updatedAt = Checks.millis(updatedAt);
    updatedBy = Checks.optionalName("updatedBy", updatedBy, Checks.MAX_NAME);
  }

  /**
   * Returns a new, unstored flag: {@code OFF}, no description, 0 %, empty scope.
   *
   * @param key the flag key
   * @return the flag
   * @throws FlagValidationException if the key does not match the key pattern
   */
  public static Flag of(String key) {
    return builder(key).build();
  }

  /**
   * Returns a builder for a new, unstored flag with the defaults of {@link #of(String)}.
   *
   * @param key the flag key
   * @return a new builder
   * @throws FlagValidationException if the key does not match the key pattern
   */
  public static Builder builder(String key) {
    return new Builder(Checks.flagKey("key", key));
  }

  /**
   * Returns a builder holding every field of this flag.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(key);
    b.description = description;
    b.module = module;
    b.state = state;
    b.rolloutBasisPoints = rolloutBasisPoints;
    b.rolloutSalt = rolloutSalt;
    b.scope = scope;
    b.prerequisites = prerequisites;
    b.tenantEditable = tenantEditable;
    b.tags = tags;
    b.archived = archived;
    b.version = version;
    b.updatedAt = updatedAt;
    b.updatedBy = updatedBy;
    return b;
  }

  /**
   * Converts a percentage such as {@code 25.5} to basis points, rejecting values out of range or
   * with more than two decimals. The number is judged by its sign, magnitude and scale before any
   * arithmetic, so {@code 1e999999999} or a value with a million digits fails in microseconds.
   *
   * @param percent the percentage, 0 to 100 with at most two decimals
   * @return basis points, 0 to 10000
   * @throws FlagValidationException naming {@code rolloutPercent}
   */
  public static int basisPoints(BigDecimal percent) {
    return Checks.percent(percent);
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

  /** The salt bucketing uses: the rollout salt or, when unset, the key (for the evaluator). */
  String effectiveSalt() {
    return rolloutSalt == null ? key : rolloutSalt;
  }

  /**
   * Returns a copy with this description.
   *
   * @param description at most 1000 characters; null for none
   * @return the copy
   * @throws FlagValidationException naming {@code description}
   */
  public Flag withDescription(String description) {
    return toBuilder().description(description).build();
  }

  /**
   * Returns a copy with this module.
   *
   * @param module at most 64 characters; null or blank for none
   * @return the copy
   * @throws FlagValidationException naming {@code module}
   */
  public Flag withModule(String module) {
    return toBuilder().module(module).build();
  }

  /**
   * Returns a copy in this state.
   *
   * @param state the state
   * @return the copy
   * @throws FlagValidationException if the state is null
   */
  public Flag withState(FlagState state) {
    return toBuilder().state(state).build();
  }

  /**
   * Returns a copy with this rollout percentage.
   *
   * @param percent 0 to 100, at most two decimals
   * @return the copy
   * @throws FlagValidationException naming {@code rolloutPercent}
   */
  public Flag withRolloutPercent(BigDecimal percent) {
    return toBuilder().rolloutPercent(percent).build();
  }

  /**
   * Returns a copy with this rollout percentage given as a decimal string such as {@code "25.5"}.
   *
   * @param percent 0 to 100, at most two decimals
   * @return the copy
   * @throws FlagValidationException naming {@code rolloutPercent}
   */
  public Flag withRolloutPercent(String percent) {
    return toBuilder().rolloutPercent(percent).build();
  }

  /**
   * Returns a copy with this rollout in basis points.
   *
   * @param basisPoints 0 to 10000
   * @return the copy
   * @throws FlagValidationException naming {@code rolloutPercent}
   */
  public Flag withRolloutBasisPoints(int basisPoints) {
    return toBuilder().rolloutBasisPoints(basisPoints).build();
  }

  /**
   * Returns a copy with this bucketing salt.
   *
   * @param salt 1 to 256 characters, or null to use the key
   * @return the copy
   * @throws FlagValidationException naming {@code rolloutSalt}
   */
  public Flag withRolloutSalt(String salt) {
    return toBuilder().rolloutSalt(salt).build();
  }

  /**
   * Returns a copy with this scope.
   *
   * @param scope the scope
   * @return the copy
   * @throws FlagValidationException if the scope is null
   */
  public Flag withScope(Scope scope) {
    return toBuilder().scope(scope).build();
  }

  /**
   * Returns a copy with these prerequisites.
   *
   * @param prerequisites flag keys, at most 50, no repeats, not this flag's key
   * @return the copy
   * @throws FlagValidationException naming {@code prerequisites}
   */
  public Flag withPrerequisites(Collection<String> prerequisites) {
    return toBuilder().prerequisites(prerequisites).build();
  }

  /**
   * Returns a copy with tenant admins allowed (or not) to set their own override.
   *
   * @param tenantEditable whether tenant admins may
   * @return the copy
   */
  public Flag withTenantEditable(boolean tenantEditable) {
    return toBuilder().tenantEditable(tenantEditable).build();
  }

  /**
   * Returns a copy with these tags.
   *
   * @param tags at most 50 labels of 1 to 64 characters
   * @return the copy
   * @throws FlagValidationException naming {@code tags}
   */
  public Flag withTags(Collection<String> tags) {
    return toBuilder().tags(tags).build();
  }

  /**
   * Returns a copy archived (or restored).
   *
   * @param archived whether archived
   * @return the copy
   */
  public Flag withArchived(boolean archived) {
    return toBuilder().archived(archived).build();
  }

  /**
   * Returns a copy stamped with this version and change metadata; used when a change is stored.
   *
   * @param version the version, not negative
   * @param updatedAt when, or null
   * @param updatedBy who, or null
   * @return the copy
   * @throws FlagValidationException naming {@code version} or {@code updatedBy}
   */
  public Flag withVersion(long version, Instant updatedAt, String updatedBy) {
    return toBuilder().version(version).updatedAt(updatedAt).updatedBy(updatedBy).build();
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

  /**
   * Builds a {@link Flag}. Each setter validates its value at once and names the field when it
   * fails; {@link #build()} checks what spans fields (a flag may not be its own prerequisite). A
   * setter may be called again: the last value wins.
   *
   * <p>Thread safety: not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    private final String key;
    private String description = "";
    private String module;
    private FlagState state = FlagState.OFF;
    private int rolloutBasisPoints;
    private String rolloutSalt;
    private Scope scope = Scope.EMPTY;
    private List<String> prerequisites = List.of();
    private boolean tenantEditable;
    private Set<String> tags = Set.of();
    private boolean archived;
    private long version;
    private Instant updatedAt;
    private String updatedBy;

    private Builder(String key) {
      this.key = key;
    }

    /**
     * Returns the key of the flag being built (it cannot change).
     *
     * @return the key
     */
    public String key() {
      return key;
    }

    /**
     * Sets the description.
     *
     * @param description at most 1000 characters, no control characters but tab and newline; null
     *     for none
     * @return this builder
     * @throws FlagValidationException naming {@code description}
     */
    public Builder description(String description) {
      this.description = Checks.description(description);
      return this;
    }

    /**
     * Sets the module label.
     *
     * @param module at most 64 characters; null or blank for none
     * @return this builder
     * @throws FlagValidationException naming {@code module}
     */
    public Builder module(String module) {
      this.module = Checks.module(module);
      return this;
    }

    /**
     * Sets the state.
     *
     * @param state the state
     * @return this builder
     * @throws FlagValidationException if the state is null
     */
    public Builder state(FlagState state) {
      this.state = Checks.notNull("state", state);
      return this;
    }

    /**
     * Sets the rollout percentage.
     *
     * @param percent 0 to 100, at most two decimals
     * @return this builder
     * @throws FlagValidationException naming {@code rolloutPercent}
     */
    public Builder rolloutPercent(BigDecimal percent) {
      this.rolloutBasisPoints = Checks.percent(percent);
      return this;
    }

    /**
     * Sets the rollout percentage from a decimal string such as {@code "25.5"}.
     *
     * @param percent 0 to 100, at most two decimals
     * @return this builder
     * @throws FlagValidationException naming {@code rolloutPercent}
     */
    public Builder rolloutPercent(String percent) {
      this.rolloutBasisPoints = Checks.parsePercent(percent);
      return this;
    }

    /**
     * Sets the rollout in basis points.
     *
     * @param basisPoints 0 to 10000
     * @return this builder
     * @throws FlagValidationException naming {@code rolloutPercent}
     */
    public Builder rolloutBasisPoints(int basisPoints) {
      this.rolloutBasisPoints = Checks.basisPoints(basisPoints);
      return this;
    }

    /**
     * Sets the bucketing salt.
     *
     * @param salt 1 to 256 characters without control characters, or null to use the key
     * @return this builder
     * @throws FlagValidationException naming {@code rolloutSalt}
     */
    public Builder rolloutSalt(String salt) {
      this.rolloutSalt = Checks.optionalName("rolloutSalt", salt, Checks.MAX_NAME);
      return this;
    }

    /**
     * Sets the scope.
     *
     * @param scope the scope
     * @return this builder
     * @throws FlagValidationException if the scope is null
     */
    public Builder scope(Scope scope) {
      this.scope = Checks.notNull("scope", scope);
      return this;
    }

    /**
     * Sets the prerequisites.
     *
     * @param prerequisites flag keys, at most 50, no repeats
     * @return this builder
     * @throws FlagValidationException naming {@code prerequisites}
     */
    public Builder prerequisites(Collection<String> prerequisites) {
      this.prerequisites = Checks.prerequisites(prerequisites);
      return this;
    }

    /**
     * Sets whether tenant admins may set their own tenant's override.
     *
     * @param tenantEditable whether they may
     * @return this builder
     */
    public Builder tenantEditable(boolean tenantEditable) {
      this.tenantEditable = tenantEditable;
      return this;
    }

    /**
     * Sets the tags.
     *
     * @param tags at most 50 labels of 1 to 64 characters without control characters
     * @return this builder
     * @throws FlagValidationException naming {@code tags}
     */
    public Builder tags(Collection<String> tags) {
      this.tags = Checks.tags(tags);
      return this;
    }

    /**
     * Sets whether the flag is archived.
     *
     * @param archived whether archived
     * @return this builder
     */
    public Builder archived(boolean archived) {
      this.archived = archived;
      return this;
    }

    /**
     * Sets the stored version.
     *
     * @param version not negative
     * @return this builder
     * @throws FlagValidationException naming {@code version}
     */
    public Builder version(long version) {
      this.version = Checks.version(version);
      return this;
    }

    /**
     * Sets when the flag was last changed.
     *
     * @param updatedAt the instant, or null
     * @return this builder
     */
    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    /**
     * Sets who last changed the flag.
     *
     * @param updatedBy at most 256 characters without control characters, or null
     * @return this builder
     * @throws FlagValidationException naming {@code updatedBy}
     */
    public Builder updatedBy(String updatedBy) {
      this.updatedBy = Checks.optionalName("updatedBy", updatedBy, Checks.MAX_NAME);
      return this;
    }

    /**
     * Builds the flag.
     *
     * @return the flag
     * @throws FlagValidationException if the flag names itself as a prerequisite
     */
    public Flag build() {
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
  }
}
