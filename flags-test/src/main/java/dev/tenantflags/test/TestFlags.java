package dev.tenantflags.test;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Scope;
import dev.tenantflags.TenantOverride;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets flags of an in-memory {@link FeatureFlags} client from a test, fluently: {@code
 * testFlags.on("new_checkout").offFor("kyc_tiers", "acme")}. Every change is visible to the
 * client's next evaluation.
 *
 * <p>Model: {@link #on(String)} makes a flag {@code ON}; {@link #off(String)} makes it {@code
 * TARGETED} with an empty scope, so it is off for everyone except tenants with an override; {@link
 * #onFor} and {@link #offFor} set tenant overrides, which win over both; {@link #kill(String)} sets
 * {@code OFF}, which beats every override (SPEC §3 rule 2). A flag is created on first use.
 *
 * <p>Obtain one as a test method parameter under {@link TenantFlagsExtension}, or wrap a client of
 * your own with {@link #of(FeatureFlags)}. Thread safety: safe for concurrent use (each change is
 * one store write), though tests normally use it from one thread.
 */
public final class TestFlags implements AutoCloseable {

  /** The environment of clients created by {@link #create()}. */
  public static final String ENVIRONMENT = "test";

  /** The actor recorded in the audit log for every change made through this class. */
  public static final String ACTOR = "tenantflags-test";

  private final FeatureFlags client;
  private final FlagAdmin admin;
  private final boolean owned;

  private TestFlags(FeatureFlags client, boolean owned) {
    this.client = client;
    this.admin = client.admin(ACTOR);
    this.owned = owned;
  }

  /**
   * Creates a new client on a new, empty {@link InMemoryFlagStore} (environment {@value
   * #ENVIRONMENT}); {@link #close()} closes it.
   *
   * @return the test flags
   */
  public static TestFlags create() {
    FeatureFlags client =
        FeatureFlags.builder()
            .store(new InMemoryFlagStore())
            .environment(ENVIRONMENT)
            .pollInterval(Duration.ofMillis(50))
            .build();
    return new TestFlags(client, true);
  }

  /**
   * Wraps an existing client; {@link #close()} leaves it open. Use only with a client whose store
   * is disposable (an in-memory store): every change is written to it.
   *
   * @param client the client
   * @return the test flags
   * @throws NullPointerException if {@code client} is null
   */
  public static TestFlags of(FeatureFlags client) {
    return new TestFlags(Objects.requireNonNull(client, "client"), false);
  }

  /**
   * Returns the client these flags are set on.
   *
   * @return the client
   */
  public FeatureFlags client() {
    return client;
  }

  /**
   * Returns the admin used for changes, for anything this class does not cover (rollouts, scopes,
   * prerequisites).
   *
   * @return the admin, acting as {@value #ACTOR}
   */
  public FlagAdmin admin() {
    return admin;
  }

  /**
   * Switches a flag on for every tenant without an override saying otherwise ({@code ON}).
   *
   * @param key the flag key
   * @return this
   * @throws dev.tenantflags.FlagValidationException if the key is not a valid flag key
   */
  public TestFlags on(String key) {
    return state(key, FlagState.ON);
  }

  /**
   * Switches a flag off for every tenant without an override saying otherwise ({@code TARGETED}
   * with an empty scope).
   *
   * @param key the flag key
   * @return this
   * @throws dev.tenantflags.FlagValidationException if the key is not a valid flag key
   */
  public TestFlags off(String key) {
    return state(key, FlagState.TARGETED);
  }

  /**
   * Kills a flag ({@code OFF}): off for every tenant, overrides included.
   *
   * @param key the flag key
   * @return this
   * @throws dev.tenantflags.FlagValidationException if the key is not a valid flag key
   */
  public TestFlags kill(String key) {
    return state(key, FlagState.OFF);
  }

  /**
   * Switches a flag on for the named tenants (tenant overrides). A killed flag is revived as
   * off-for-everyone-else, since a kill beats overrides.
   *
   * @param key the flag key
   * @param tenants the tenant ids
   * @return this
   * @throws dev.tenantflags.FlagValidationException if the key is not a valid flag key
   * @throws IllegalArgumentException if a tenant id is empty or longer than 256 characters
   */
  public TestFlags onFor(String key, String... tenants) {
    return overrides(key, true, tenants);
  }

  /**
   * Switches a flag off for the named tenants (tenant overrides).
   *
   * @param key the flag key
   * @param tenants the tenant ids
   * @return this
   * @throws dev.tenantflags.FlagValidationException if the key is not a valid flag key
   * @throws IllegalArgumentException if a tenant id is empty or longer than 256 characters
   */
  public TestFlags offFor(String key, String... tenants) {
    return overrides(key, false, tenants);
  }

  /**
   * Stores a flag as given (creating or replacing its configuration), for full control.
   *
   * @param flag the flag
   * @return this
   * @throws NullPointerException if {@code flag} is null
   */
  public TestFlags define(Flag flag) {
    Objects.requireNonNull(flag, "flag");
    Optional<Flag> current = admin.flag(flag.key());
    if (current.isEmpty()) {
      admin.create(flag, null);
      return this;
    }
    if (current.get().archived()) {
      admin.restore(flag.key(), null);
    }
    admin.update(flag.key(), FlagAdmin.ANY_VERSION, stored -> copy(flag, stored), null);
    return this;
  }

  /**
   * Archives every flag and clears every override, so the client answers as if empty ({@code
   * ARCHIVED} instead of {@code FLAG_NOT_FOUND} for flags set before).
   */
  public void reset() {
    for (Flag flag : admin.flags()) {
      for (TenantOverride override : admin.overrides(flag.key())) {
        admin.clearOverride(flag.key(), override.tenantId(), null);
      }
      if (!flag.archived()) {
        admin.archive(flag.key(), null);
      }
    }
  }

  /** Closes the client if {@link #create()} made it; a wrapped client stays open. */
  @Override
  public void close() {
    if (owned) {
      client.close();
    }
  }

  private TestFlags state(String key, FlagState state) {
    Flag flag = ensure(key);
    if (flag.state() != state) {
      admin.update(key, FlagAdmin.ANY_VERSION, f -> f.withState(state), null);
    }
    return this;
  }

  private TestFlags overrides(String key, boolean enabled, String... tenants) {
    Objects.requireNonNull(tenants, "tenants");
    Flag flag = ensure(key);
    if (flag.state() == FlagState.OFF) {
      admin.update(key, FlagAdmin.ANY_VERSION, f -> f.withState(FlagState.TARGETED), null);
    }
    for (String tenant : tenants) {
      admin.setOverride(key, tenant, enabled, false, null, null);
    }
    return this;
  }

  /** Returns the live flag, creating it off-for-everyone or restoring it from the archive. */
  private Flag ensure(String key) {
    Optional<Flag> current = admin.flag(key);
    if (current.isEmpty()) {
      return admin.create(Flag.of(key).withState(FlagState.TARGETED).withScope(Scope.EMPTY), null);
    }
    if (current.get().archived()) {
      admin.restore(key, null);
      return admin.update(
          key,
          FlagAdmin.ANY_VERSION,
          f -> f.withState(FlagState.TARGETED).withScope(Scope.EMPTY),
          null);
    }
    return current.get();
  }

  private static Flag copy(Flag wanted, Flag stored) {
    return stored
        .withDescription(wanted.description())
        .withModule(wanted.module())
        .withState(wanted.state())
        .withRolloutBasisPoints(wanted.rolloutBasisPoints())
        .withRolloutSalt(wanted.rolloutSalt())
        .withScope(wanted.scope())
        .withPrerequisites(wanted.prerequisites())
        .withTenantEditable(wanted.tenantEditable())
        .withTags(wanted.tags());
  }
}
