package dev.tenantflags.openfeature;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.GeneralError;
import dev.tenantflags.Evaluation;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FeatureFlagsListener;
import dev.tenantflags.Status;
import dev.tenantflags.TenantKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An OpenFeature {@link dev.openfeature.sdk.FeatureProvider} backed by a tenantflags {@link
 * FeatureFlags} client (SPEC §9).
 *
 * <pre>{@code
 * OpenFeatureAPI api = OpenFeatureAPI.getInstance();
 * api.setProviderAndWait(TenantFlagsProvider.borrowing(flags));
 * Client client = api.getClient();
 * boolean on = client.getBooleanValue("new_checkout", false, new ImmutableContext("acme"));
 * }</pre>
 *
 * <p>Evaluation: boolean flags only. The context's targeting key is the tenant id; its other string
 * attributes become {@link TenantKey} attributes (other value types are ignored). Reasons: {@code
 * ON} → STATIC; {@code TARGET_MATCH}, {@code OVERRIDE} → TARGETING_MATCH; {@code ROLLOUT_IN},
 * {@code ROLLOUT_OUT} → SPLIT; {@code NO_MATCH}, {@code PREREQUISITE_FAILED} → DEFAULT; {@code OFF}
 * → DISABLED with the value {@code false} (a kill switch means off, whatever the caller's default).
 * Errors, each with the caller's default and reason ERROR: an unknown or archived flag →
 * FLAG_NOT_FOUND; no targeting key → TARGETING_KEY_MISSING; a context tenantflags rejects (id over
 * 256 characters, more than 100 attributes) → INVALID_CONTEXT; any non-boolean type → TYPE_MISMATCH
 * (FLAG_NOT_FOUND if no such flag exists at all); a client that could never load flags → GENERAL.
 * The variant is {@code "on"} or {@code "off"}. Evaluation never throws.
 *
 * <p>Events follow the client: READY → PROVIDER_READY, STALE → PROVIDER_STALE, ERROR →
 * PROVIDER_ERROR (with the client's detail as message), and every refresh that changed flags →
 * PROVIDER_CONFIGURATION_CHANGED naming the changed keys.
 *
 * <p>Life cycle: {@link #borrowing(FeatureFlags)} uses a client the application owns ({@link
 * #shutdown()} leaves it open); {@link #owning(Supplier)} builds the client in {@link
 * #initialize(EvaluationContext)} and closes it in {@link #shutdown()}. {@code initialize} fails
 * (provider status ERROR) when the client is in state ERROR; the provider becomes READY by itself
 * when the client recovers. For domain-scoped use, register one provider per domain ({@code
 * api.setProviderAndWait("billing", provider)}); a provider instance serves one domain.
 *
 * <p>Thread safety: safe for concurrent use; evaluation reads the client's immutable snapshot.
 */
public final class TenantFlagsProvider extends EventProvider {

  /** The provider name reported in {@link #getMetadata()}. */
  public static final String NAME = "tenantflags";

  private static final String ON = "on";
  private static final String OFF = "off";
  private static final Metadata METADATA = () -> NAME;

  private final Supplier<FeatureFlags> factory;
  private final boolean owned;
  private final FeatureFlagsListener listener = new Events();
  private volatile FeatureFlags client;

  private TenantFlagsProvider(FeatureFlags client, Supplier<FeatureFlags> factory, boolean owned) {
    this.client = client;
    this.factory = factory;
    this.owned = owned;
  }

  /**
   * Returns a provider for a client the application owns and closes itself.
   *
   * @param flags the client
   * @return the provider
   * @throws NullPointerException if {@code flags} is null
   */
  public static TenantFlagsProvider borrowing(FeatureFlags flags) {
    Objects.requireNonNull(flags, "flags");
    return new TenantFlagsProvider(flags, null, false);
  }

  /**
   * Returns a provider that builds its client when OpenFeature initializes it and closes it on
   * shutdown, e.g. {@code owning(() ->
   * FeatureFlags.builder().store(store).environment("production") .build())}.
   *
   * @param factory builds the client; called once, from {@link #initialize(EvaluationContext)}
   * @return the provider
   * @throws NullPointerException if {@code factory} is null
   */
  public static TenantFlagsProvider owning(Supplier<FeatureFlags> factory) {
    Objects.requireNonNull(factory, "factory");
    return new TenantFlagsProvider(null, factory, true);
  }

  /**
   * Returns the provider's name, {@value #NAME}.
   *
   * @return the metadata
   */
  @Override
  public Metadata getMetadata() {
    return METADATA;
  }

  /**
   * Builds the client (owning provider), starts listening to it, and reports its state.
   *
   * @param context the global evaluation context (unused)
   * @throws GeneralError if the client is in state ERROR (no flags could be loaded); the provider
   *     turns READY by itself once the client recovers
   */
  @Override
  public void initialize(EvaluationContext context) throws Exception {
    FeatureFlags flags = client;
    if (flags == null) {
      flags = Objects.requireNonNull(factory.get(), "factory returned null");
      client = flags;
    }
    flags.addListener(listener);
    Status status = flags.status();
    if (status.state() == Status.State.ERROR) {
      throw new GeneralError("tenantflags client could not load flags: " + status.detail());
    }
    if (status.state() == Status.State.STALE) {
      emitProviderStale(details(status));
    }
  }

  /** Stops listening to the client and, for an owning provider, closes it. */
  @Override
  public void shutdown() {
    FeatureFlags flags = client;
    if (flags != null) {
      flags.removeListener(listener);
      if (owned) {
        flags.close();
        client = null;
      }
    }
    super.shutdown();
  }

  /**
   * Evaluates a flag for the tenant named by the context's targeting key.
   *
   * @param key the flag key
   * @param defaultValue returned with every error
   * @param context the merged evaluation context
   * @return the evaluation; never null, never thrown
   */
  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(
      String key, Boolean defaultValue, EvaluationContext context) {
    FeatureFlags flags = client;
    if (flags == null) {
      return error(defaultValue, ErrorCode.PROVIDER_NOT_READY, "provider is not initialized");
    }
    String id = context == null ? null : context.getTargetingKey();
    if (id == null || id.isEmpty()) {
      return error(defaultValue, ErrorCode.TARGETING_KEY_MISSING, "no targeting key (tenant id)");
    }
    TenantKey tenant;
    try {
      tenant = tenant(id, context);
    } catch (IllegalArgumentException e) {
      return error(defaultValue, ErrorCode.INVALID_CONTEXT, e.getMessage());
    }
    Evaluation evaluation = flags.evaluate(key, tenant);
    switch (evaluation.reason()) {
      case FLAG_NOT_FOUND:
      case ARCHIVED:
        return error(defaultValue, ErrorCode.FLAG_NOT_FOUND, "no flag " + quote(key));
      case ERROR:
        return error(defaultValue, ErrorCode.GENERAL, "flags unavailable");
      default:
        boolean enabled = evaluation.enabled();
        return ProviderEvaluation.<Boolean>builder()
            .value(enabled)
            .variant(enabled ? ON : OFF)
            .reason(Reasons.of(evaluation.reason()))
            .build();
    }
  }

  /**
   * Answers TYPE_MISMATCH (tenantflags flags are boolean), or FLAG_NOT_FOUND.
   *
   * @param key the flag key
   * @param defaultValue returned
   * @param context ignored
   * @return an error evaluation with the default
   */
  @Override
  public ProviderEvaluation<String> getStringEvaluation(
      String key, String defaultValue, EvaluationContext context) {
    return mismatch(key, defaultValue);
  }

  /**
   * Answers TYPE_MISMATCH (tenantflags flags are boolean), or FLAG_NOT_FOUND.
   *
   * @param key the flag key
   * @param defaultValue returned
   * @param context ignored
   * @return an error evaluation with the default
   */
  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(
      String key, Integer defaultValue, EvaluationContext context) {
    return mismatch(key, defaultValue);
  }

  /**
   * Answers TYPE_MISMATCH (tenantflags flags are boolean), or FLAG_NOT_FOUND.
   *
   * @param key the flag key
   * @param defaultValue returned
   * @param context ignored
   * @return an error evaluation with the default
   */
  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(
      String key, Double defaultValue, EvaluationContext context) {
    return mismatch(key, defaultValue);
  }

  /**
   * Answers TYPE_MISMATCH (tenantflags flags are boolean), or FLAG_NOT_FOUND.
   *
   * @param key the flag key
   * @param defaultValue returned
   * @param context ignored
   * @return an error evaluation with the default
   */
  @Override
  public ProviderEvaluation<Long> getLongEvaluation(
      String key, Long defaultValue, EvaluationContext context) {
    return mismatch(key, defaultValue);
  }

  /**
   * Answers TYPE_MISMATCH (tenantflags flags are boolean), or FLAG_NOT_FOUND.
   *
   * @param key the flag key
   * @param defaultValue returned
   * @param context ignored
   * @return an error evaluation with the default
   */
  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(
      String key, Value defaultValue, EvaluationContext context) {
    return mismatch(key, defaultValue);
  }

  private <T> ProviderEvaluation<T> mismatch(String key, T defaultValue) {
    FeatureFlags flags = client;
    if (flags == null) {
      return error(defaultValue, ErrorCode.PROVIDER_NOT_READY, "provider is not initialized");
    }
    boolean exists;
    try {
      exists = flags.flag(key).filter(f -> !f.archived()).isPresent();
    } catch (RuntimeException e) {
      exists = false;
    }
    return exists
        ? error(defaultValue, ErrorCode.TYPE_MISMATCH, "flag " + quote(key) + " is boolean")
        : error(defaultValue, ErrorCode.FLAG_NOT_FOUND, "no flag " + quote(key));
  }

  private static TenantKey tenant(String id, EvaluationContext context) {
    TenantKey tenant = TenantKey.of(id);
    for (Map.Entry<String, Value> e : context.asMap().entrySet()) {
      String name = e.getKey();
      Value value = e.getValue();
      if (value != null
          && value.isString()
          && !name.equals(EvaluationContext.TARGETING_KEY)
          && !name.equals(TenantKey.TENANT_ATTRIBUTE)) {
        tenant = tenant.with(name, value.asString());
      }
    }
    return tenant;
  }

  private static <T> ProviderEvaluation<T> error(T defaultValue, ErrorCode code, String message) {
    return ProviderEvaluation.<T>builder()
        .value(defaultValue)
        .reason(dev.openfeature.sdk.Reason.ERROR.name())
        .errorCode(code)
        .errorMessage(message)
        .build();
  }

  private static String quote(String value) {
    String v = String.valueOf(value);
    return "'" + (v.length() > 64 ? v.substring(0, 64) + "…" : v) + "'";
  }

  private static ProviderEventDetails details(Status status) {
    return ProviderEventDetails.builder()
        .message(status.detail() == null ? status.state().name() : status.detail())
        .build();
  }

  /** Translates client callbacks into provider events. */
  private final class Events implements FeatureFlagsListener {
    @Override
    public void onStatusChanged(Status previous, Status current) {
      switch (current.state()) {
        case READY -> emitProviderReady(details(current));
        case STALE -> emitProviderStale(details(current));
        case ERROR ->
            emitProviderError(
                ProviderEventDetails.builder()
                    .message(current.detail() == null ? "ERROR" : current.detail())
                    .errorCode(ErrorCode.GENERAL)
                    .build());
        default -> {
          // NOT_READY only precedes the first load; OpenFeature starts NOT_READY by itself.
        }
      }
    }

    @Override
    public void onFlagsChanged(Set<String> changedKeys) {
      emitProviderConfigurationChanged(
          ProviderEventDetails.builder().flagsChanged(List.copyOf(changedKeys)).build());
    }
  }
}
