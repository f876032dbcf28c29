package dev.tenantflags;

import java.util.HashMap;
import java.util.Map;

/**
 * Who a flag is evaluated for: a tenant id (an API key id, a customer, an infrastructure) and
 * string attributes such as {@code plan} or {@code partner} that a {@link Scope} can target.
 *
 * <p>The scope attribute {@code tenant} always means {@link #id()}; an attribute of that name
 * cannot be set. Create keys once per request (or cache them): {@code
 * TenantKey.of("acme").with("plan", "pro")}.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the tenant id; non-empty, at most 256 characters
 * @param attributes attribute name to value; copied
 */
public record TenantKey(String id, Map<String, String> attributes) {

  /** The scope attribute that always denotes the tenant id. */
  public static final String TENANT_ATTRIBUTE = "tenant";

  /**
   * Creates a tenant key.
   *
   * @throws FlagValidationException if the id is empty or longer than 256 characters, or an
   *     attribute name is invalid, or is {@code tenant}, or a value is null
   */
  public TenantKey {
    Checks.tenantId("tenant", id);
    Checks.notNull("attributes", attributes);
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      checkAttribute(e.getKey(), e.getValue());
    }
    attributes = Map.copyOf(attributes);
  }

  /**
   * Returns a key with this id and no attributes.
   *
   * @param id the tenant id
   * @return the key
   * @throws FlagValidationException if the id is empty or too long
   */
  public static TenantKey of(String id) {
    return new TenantKey(id, Map.of());
  }

  /**
   * Returns a copy of this key with one attribute set (replacing any earlier value).
   *
   * @param name the attribute name, e.g. {@code plan}
   * @param value the value, e.g. {@code pro}
   * @return a new key
   * @throws FlagValidationException if the name is invalid or {@code tenant}, or the value is null
   */
  public TenantKey with(String name, String value) {
    checkAttribute(name, value);
    Map<String, String> copy = new HashMap<>(attributes);
    copy.put(name, value);
    return new TenantKey(id, copy);
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

  private static void checkAttribute(String name, String value) {
    if (name == null || !Checks.ATTRIBUTE.matcher(name).matches()) {
      throw new FlagValidationException(
          "attributes",
          "attribute name must match ^[A-Za-z_][A-Za-z0-9_.-]{0,63}$: "
              + (name == null ? "null" : Checks.quote(name)));
    }
    if (TENANT_ATTRIBUTE.equals(name)) {
      throw new FlagValidationException(
          "attributes", "attribute 'tenant' is reserved for the tenant id");
    }
    if (value == null) {
      throw new FlagValidationException(
          "attributes", "attribute " + Checks.quote(name) + " must not be null");
    }
  }
}
