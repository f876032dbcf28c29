package dev.tenantflags;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who a {@link FlagState#TARGETED} or {@link FlagState#ROLLOUT} flag applies to: attribute name to
 * a set of accepted values, e.g. {@code {"tenant":["acme"], "plan":["pro","enterprise"]}}.
 *
 * <p>A scope holds data only: what matching means is decided by the evaluator (SPEC §3: for every
 * axis, the tenant's value of that attribute is in the axis's set; a missing attribute does not
 * match). Axes with no values are dropped, so {@link #isEmpty()} means "no axis". The attribute
 * {@code tenant} is the tenant id. A scope holds at most {@value #MAX_VALUES} values in all. Axes
 * and values are kept sorted.
 *
 * <p>Thread safety: immutable.
 *
 * @param axes attribute name to accepted values; copied
 */
public record Scope(Map<String, Set<String>> axes) {

  /** The most values a scope may hold, summed over its axes. */
  public static final int MAX_VALUES = 10_000;

  /** The scope with no axes. */
  public static final Scope EMPTY = new Scope(Map.of());

  /**
   * Creates a scope, validating each value once and stopping as soon as the scope is too large.
   *
   * @throws FlagValidationException if an attribute name is invalid, a value is null, empty, longer
   *     than 256 characters or holds a control character, or there are more than {@value
   *     #MAX_VALUES} values in all
   */
  public Scope {
    Checks.notNull("scope", axes);
    SortedMap<String, Set<String>> copy = new TreeMap<>();
    int count = 0;
    for (Map.Entry<String, ? extends Collection<String>> axis : axes.entrySet()) {
      String name = Checks.attributeName("scope", "scope attribute", axis.getKey());
      Collection<String> values = Checks.notNull("scope", axis.getValue());
      count += values.size();
      if (count > MAX_VALUES) {
        throw new FlagValidationException(
            "scope", "scope must hold at most " + MAX_VALUES + " values in all: " + count);
      }
      SortedSet<String> sorted = new TreeSet<>();
      for (String value : values) {
        if (value == null || value.isEmpty() || value.length() > Checks.MAX_NAME) {
          throw new FlagValidationException(
              "scope",
              "scope value of "
                  + Checks.quote(name)
                  + " must be 1 to 256 characters: "
                  + Checks.quote(value));
        }
        Checks.name("scope", value, Checks.MAX_NAME);
        sorted.add(value);
      }
      if (!sorted.isEmpty()) {
        copy.put(name, Collections.unmodifiableSortedSet(sorted));
      }
    }
    axes = Collections.unmodifiableSortedMap(copy);
  }

  /**
   * Returns a scope of these axes; the value collections may be lists or sets (repeats collapse).
   *
   * @param axes attribute name to accepted values
   * @return the scope
   * @throws FlagValidationException as the constructor
   */
  public static Scope of(Map<String, ? extends Collection<String>> axes) {
    Checks.notNull("scope", axes);
    Map<String, Set<String>> sets = new HashMap<>();
    for (Map.Entry<String, ? extends Collection<String>> axis : axes.entrySet()) {
      // HashSet accepts what the constructor rejects (a null value), so it can name the field.
      sets.put(axis.getKey(), new HashSet<>(Checks.notNull("scope", axis.getValue())));
    }
    return new Scope(sets);
  }

  /**
   * Returns a scope with one axis.
   *
   * @param attribute the attribute, e.g. {@code plan} or {@code tenant}
   * @param values the accepted values
   * @return the scope
   * @throws FlagValidationException as the constructor
   */
  public static Scope of(String attribute, String... values) {
    return EMPTY.with(attribute, Arrays.asList(values));
  }

  /**
   * Returns a copy with one axis replaced (an empty collection removes it).
   *
   * @param attribute the attribute name
   * @param values the accepted values
   * @return a new scope
   * @throws FlagValidationException as the constructor
   */
  public Scope with(String attribute, Collection<String> values) {
    Checks.notNull("scope", attribute);
    // HashMap/HashSet accept what the constructor rejects (a null value), so it can name the field.
    Map<String, Set<String>> copy = new HashMap<>(axes);
    copy.put(attribute, new HashSet<>(Checks.notNull("scope", values)));
    return new Scope(copy);
  }

  /**
   * Returns whether the scope has no axis.
   *
   * @return true when empty
   */
  public boolean isEmpty() {
    return axes.isEmpty();
  }

  /**
   * Returns the number of values summed over all axes.
   *
   * @return the value count
   */
  public int valueCount() {
    int count = 0;
    for (Set<String> values : axes.values()) {
      count += values.size();
    }
    return count;
  }
}
