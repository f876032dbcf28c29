package dev.tenantflags.servlet;

import dev.tenantflags.Evaluation;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.TenantKey;
import jakarta.servlet.ServletRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The flags of the tenant a request acts for, as {@link FeatureFlagFilter} resolved it: downstream
 * servlets and controllers read it instead of resolving the tenant again.
 *
 * <pre>{@code
 * RequestFlags flags = RequestFlags.of(request).orElseThrow();
 * if (flags.isEnabled("dispute_composer")) { ... }
 * Map<String, Boolean> all = flags.all();   // evaluated on first call, then kept
 * }</pre>
 *
 * <p>The filter stores it under {@link #ATTRIBUTE} on every request whose tenant it resolved (gated
 * or not); requests without a tenant carry none. Evaluations are live: each {@link #isEnabled} call
 * reads the client's current snapshot, except {@link #all()}, which is evaluated once per request.
 *
 * <p>Thread safety: safe for concurrent use (an async request may read it from other threads);
 * {@link #all()} may be computed more than once under a race, with equal results.
 */
public final class RequestFlags {

  /**
   * The request attribute holding the {@code RequestFlags}: {@code
   * dev.tenantflags.servlet.RequestFlags}.
   */
  public static final String ATTRIBUTE = RequestFlags.class.getName();

  private final FeatureFlags flags;
  private final TenantKey tenant;
  private volatile Map<String, Boolean> all;

  /**
   * Creates the view; normally the filter does.
   *
   * @param flags the client
   * @param tenant the request's tenant
   * @throws NullPointerException if either is null
   */
  public RequestFlags(FeatureFlags flags, TenantKey tenant) {
    this.flags = Objects.requireNonNull(flags, "flags");
    this.tenant = Objects.requireNonNull(tenant, "tenant");
  }

  /**
   * Returns the view the filter stored on a request.
   *
   * @param request the request
   * @return the view, or empty when the filter did not run or resolved no tenant
   */
  public static Optional<RequestFlags> of(ServletRequest request) {
    Object value = request.getAttribute(ATTRIBUTE);
    return value instanceof RequestFlags f ? Optional.of(f) : Optional.empty();
  }

  /**
   * Returns the request's tenant.
   *
   * @return the tenant
   */
  public TenantKey tenant() {
    return tenant;
  }

  /**
   * Returns whether a flag is on for the request's tenant; never throws.
   *
   * @param flagKey the flag key
   * @return whether the feature is on
   */
  public boolean isEnabled(String flagKey) {
    return flags.isEnabled(flagKey, tenant);
  }

  /**
   * Evaluates a flag for the request's tenant and says why; never throws.
   *
   * @param flagKey the flag key
   * @return the evaluation
   */
  public Evaluation evaluate(String flagKey) {
    return flags.evaluate(flagKey, tenant);
  }

  /**
   * Returns every non-archived flag's value for the tenant, evaluated on the first call of this
   * request and then kept, so one request sees one consistent answer.
   *
   * @return flag key to value, in key order
   */
  public Map<String, Boolean> all() {
    Map<String, Boolean> result = all;
    if (result == null) {
      result = flags.evaluateAll(tenant);
      all = result;
    }
    return result;
  }
}
