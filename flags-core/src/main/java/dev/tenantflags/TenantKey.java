package dev.tenantflags;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who a flag is evaluated for: a tenant id (an API key id, a customer, an infrastructure) and
 * string attributes such as {@code plan} or {@code partner} that a {@link Scope} can target.
 *
 * <p>The scope attribute {@code tenant} always means {@link #id()}; an attribute of that name
 * cannot be set. Limits (SPEC §4): an id of 1 to {@value #MAX_ID} characters, at most {@value
 * #MAX_ATTRIBUTES} attributes, names matching {@code ^[A-Za-z_][A-Za-z0-9_.-]{0,63}$}, values of at
 * most {@value #MAX_VALUE} characters, no control characters other than tab and newline in the id
 * or a value. A key is built in time linear in its attributes: {@link #of(String, Map)} and {@link
 * Builder} check each attribute once, and {@link #with(String, String)} checks only the one it
 * adds. Create keys once per request (or cache them): {@code TenantKey.of("acme").with("plan",
 * "pro")}.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the tenant id; non-empty, at most 256 characters
 * @param attributes attribute name to value; copied, unmodifiable
 */
public record TenantKey(String id, Map<String, String> attributes) {

  /** The scope attribute that always denotes the tenant id. */
  public static final String TENANT_ATTRIBUTE = "tenant";

  /** The longest tenant id, in characters. */
  public static final int MAX_ID = 256;

  /** The most attributes a key may hold. */
  public static final int MAX_ATTRIBUTES = 100;

  /** The longest attribute value, in characters. */
  public static final int MAX_VALUE = 1024;

  /**
   * Creates a tenant key.
   *
   * @throws FlagValidationException naming {@code tenant} or {@code attributes} if the id is empty,
   *     too long or holds a control character, or there are too many attributes, or a name is
   *     invalid or {@code tenant}, or a value is null, too long or holds a control character
   */
  public TenantKey {
    Checks.tenantId("tenant", id);
    Checks.notNull("attributes", attributes);
    if (!(attributes instanceof Attributes)) {
      attributes = Attributes.copyOf(attributes);
    }
  }

  /**
   * Returns a key with this id and no attributes.
   *
   * @param id the tenant id
   * @return the key
   * @throws FlagValidationException if the id is empty, too long or holds a control character
   */
  public static TenantKey of(String id) {
    return new TenantKey(id, Attributes.EMPTY);
  }

  /**
   * Returns a key with this id and these attributes, each checked once.
   *
   * @param id the tenant id
   * @param attributes attribute name to value
   * @return the key
   * @throws FlagValidationException as the constructor
   */
  public static TenantKey of(String id, Map<String, String> attributes) {
    return new TenantKey(id, attributes);
  }

  /**
   * Returns a builder for a key with this id.
   *
   * @param id the tenant id
   * @return a new builder
   * @throws FlagValidationException if the id is empty, too long or holds a control character
   */
  public static Builder builder(String id) {
    return new Builder(Checks.tenantId("tenant", id));
  }

  /**
   * Returns a copy of this key with one attribute set (replacing any earlier value). Only the new
   * attribute is checked.
   *
   * @param name the attribute name, e.g. {@code plan}
   * @param value the value, e.g. {@code pro}
   * @return a new key
   * @throws FlagValidationException if the name is invalid or {@code tenant}, the value is null or
   *     invalid, or the key would hold more than {@value #MAX_ATTRIBUTES} attributes
   */
  public TenantKey with(String name, String value) {
    checkAttribute(name, value);
    Map<String, String> copy = new HashMap<>(attributes);
    copy.put(name, value);
    checkCount(copy.size());
    return new TenantKey(id, new Attributes(Map.copyOf(copy)));
  }

  /**
   * Returns the value of an attribute as scope matching sees it: {@code tenant} is the id.
   *
   * @param name the attribute name
   * @return the value, or null when the tenant has no such attribute
   */
  public String attribute(String name) {
    return TENANT_ATTRIBUTE.equals(name) ? id : attributes.get(name);
  }

  private static void checkCount(int count) {
    if (count > MAX_ATTRIBUTES) {
      throw new FlagValidationException(
          "attributes", "attributes must hold at most " + MAX_ATTRIBUTES + " entries: " + count);
    }
  }

  private static void checkAttribute(String name, String value) {
    Checks.attributeName("attributes", "attribute name", name);
    if (TENANT_ATTRIBUTE.equals(name)) {
      throw new FlagValidationException(
          "attributes", "attribute 'tenant' is reserved for the tenant id");
    }
    if (value == null) {
      throw new FlagValidationException(
          "attributes", "attribute " + Checks.quote(name) + " must not be null");
    }
    if (value.length() > MAX_VALUE) {
      throw new FlagValidationException(
          "attributes",
          "attribute "
              + Checks.quote(name)
              + " must be at most "
              + MAX_VALUE
              + " characters: "
              + value.length());
    }
    int bad = Checks.firstControl(value, true);
    if (bad >= 0) {
      throw new FlagValidationException(
          "attributes",
          "attribute "
              + Checks.quote(name)
              + " must not contain control characters: "
              + String.format("U+%04X", (int) value.charAt(bad))
              + " at index "
              + bad);
    }
  }

  /**
   * The validated, immutable attribute map. The constructor trusts an instance of this class (only
   * this file can create one), which is how {@link #with} avoids checking every attribute again.
   */
  private static final class Attributes extends AbstractMap<String, String> {
    static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<String, String> map;

    private Attributes(Map<String, String> map) {
      this.map = map;
    }

    static Attributes copyOf(Map<String, String> attributes) {
      // Judge the size before touching any entry: 5,000 attributes fail in constant time.
      checkCount(attributes.size());
      for (Map.Entry<String, String> e : attributes.entrySet()) {
        checkAttribute(e.getKey(), e.getValue());
      }
      return attributes.isEmpty() ? EMPTY : new Attributes(Map.copyOf(attributes));
    }

    @Override
    public String get(Object key) {
      return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return map.containsKey(key);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return map.entrySet();
    }
  }

  /**
   * Builds a {@link TenantKey}, checking each attribute once as it is added.
   *
   * <p>Thread safety: not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    private final String id;
    private final Map<String, String> attributes = new HashMap<>();

    private Builder(String id) {
      this.id = id;
    }

    /**
     * Sets one attribute (replacing any earlier value).
     *
     * @param name the attribute name
     * @param value the value
     * @return this builder
     * @throws FlagValidationException if the attribute is invalid or would be one too many
     */
    public Builder attribute(String name, String value) {
      checkAttribute(name, value);
      if (!attributes.containsKey(name)) {
        checkCount(attributes.size() + 1);
      }
      attributes.put(name, value);
      return this;
    }

    /**
     * Sets every attribute of a map.
     *
     * @param attributes attribute name to value
     * @return this builder
     * @throws FlagValidationException if an attribute is invalid or there would be too many
     */
    public Builder attributes(Map<String, String> attributes) {
      Checks.notNull("attributes", attributes);
      checkCount(attributes.size());
      attributes.forEach(this::attribute);
      return this;
    }

    /**
     * Builds the key.
     *
     * @return the key
     */
    public TenantKey build() {
      return new TenantKey(id, new Attributes(Map.copyOf(attributes)));
    }
  }
}
