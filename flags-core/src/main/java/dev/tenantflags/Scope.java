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
 * <p>A scope matches a tenant when, for every axis, the tenant's value of that attribute is in the
 * axis's set; a tenant without the attribute does not match. Axes with no values are dropped, so
 * {@link #isEmpty()} means "no axis". The attribute {@code tenant} is the tenant id. A scope holds
 * at most {@value #MAX_VALUES} values in all. Axes and values are kept sorted.
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
   * Creates a scope.
   *
   * @throws FlagValidationException if an attribute name is invalid, a value is null, empty or
   *     longer than 256 characters, or there are more than {@value #MAX_VALUES} values in all
   */
  public Scope {
    Checks.notNull("scope", axes);
    SortedMap<String, Set<String>> copy = new TreeMap<>();
    int count = 0;
    for (Map.Entry<String, Set<String>> axis : axes.entrySet()) {
      String name = axis.getKey();
      if (name == null || !Checks.ATTRIBUTE.matcher(name).matches()) {
        throw new FlagValidationException(
            "scope",
            "scope attribute must match ^[A-Za-z_][A-Za-z0-9_.-]{0,63}$: "
                + (name == null ? "null" : Checks.quote(name)));
      }
      Set<String> values = Checks.notNull("scope", axis.getValue());
      SortedSet<String> sorted = new TreeSet<>();
      for (String value : values) {
        if (value == null || value.isEmpty() || value.length() > Checks.MAX_NAME) {
          throw new FlagValidationException(
              "scope",
              "scope value of "
                  + Checks.quote(name)
                  + " must be 1 to 256 characters: "
                  + (value == null ? "null" : Checks.quote(value)));
        }
        sorted.add(value);
      }
      count += sorted.size();
      if (!sorted.isEmpty()) {
        copy.put(name, Collections.unmodifiableSortedSet(sorted));
      }
    }
    if (count > MAX_VALUES) {
      throw new FlagValidationException(
          "scope", "scope must hold at most " + MAX_VALUES + " values in all: " + count);
    }
    axes = Collections.unmodifiableSortedMap(copy);
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

  /**
   * Returns whether every axis accepts the tenant's value of its attribute. An empty scope returns
   * {@code true} here; {@link FlagState#TARGETED} treats an empty scope as matching nobody.
   *
   * @param tenant the tenant
   * @return whether the scope matches
   */
  public boolean matches(TenantKey tenant) {
    for (Map.Entry<String, Set<String>> axis : axes.entrySet()) {
      String value = tenant.attribute(axis.getKey());
      if (value == null || !axis.getValue().contains(value)) {
        return false;
      }
    }
    return true;
  }
}
