package dev.tenantflags.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Scope;
import dev.tenantflags.spi.FailingFlagStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class TenantFlagsProviderTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
  private final String domain = "test-" + UUID.randomUUID();
  private FailingFlagStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;
  private Client client;

  @BeforeEach
  void start() {
    store = new FailingFlagStore(new InMemoryFlagStore());
    flags =
        FeatureFlags.builder()
            .store(store)
            .environment("test")
            .pollInterval(Duration.ofMillis(20))
            .build();
    admin = flags.admin("alice");
    admin.create(Flag.of("on_flag").withState(FlagState.ON), null);
    admin.create(Flag.of("off_flag").withState(FlagState.OFF), null);
    admin.create(
        Flag.of("pro_only").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")), null);
    admin.create(Flag.of("half").withState(FlagState.ROLLOUT).withRolloutPercent("50"), null);
    admin.create(Flag.of("nobody").withState(FlagState.TARGETED), null);
    api.setProviderAndWait(domain, TenantFlagsProvider.borrowing(flags));
    client = api.getClient(domain);
  }

  @AfterEach
  void stop() {
    api.setProviderAndWait(domain, new dev.openfeature.sdk.NoOpProvider());
    flags.close();
  }

  private FlagEvaluationDetails<Boolean> eval(String key, boolean def, ImmutableContext ctx) {
    return client.getBooleanDetails(key, def, ctx);
  }

  private static ImmutableContext tenant(String id) {
    return new ImmutableContext(id);
  }

  @Test
  void getBooleanDetails_onFlag_isTrueStaticVariantOn() {
    FlagEvaluationDetails<Boolean> d = eval("on_flag", false, tenant("acme"));
    assertThat(d.getValue()).isTrue();
    assertThat(d.getReason()).isEqualTo("STATIC");
    assertThat(d.getVariant()).isEqualTo("on");
    assertThat(d.getErrorCode()).isNull();
  }

  @Test
  void getBooleanDetails_killedFlagWithOverrideAndDefaultTrue_isFalseDisabled() {
    admin.update("off_flag", FlagAdmin.ANY_VERSION, f -> f.withState(FlagState.ON), null);
    admin.setOverride("off_flag", "acme", true, false, null, null);
    admin.kill("off_flag", null);
    FlagEvaluationDetails<Boolean> d = eval("off_flag", true, tenant("acme"));
    assertThat(d.getValue()).isFalse();
    assertThat(d.getReason()).isEqualTo("DISABLED");
    assertThat(d.getVariant()).isEqualTo("off");
  }

  @Test
  void getBooleanDetails_stringAttributeMatchesScope_isTargetingMatch() {
    ImmutableContext pro = new ImmutableContext("acme", Map.of("plan", new Value("pro")));
    ImmutableContext free = new ImmutableContext("acme", Map.of("plan", new Value("free")));
    assertThat(eval("pro_only", false, pro).getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(eval("pro_only", false, pro).getValue()).isTrue();
    assertThat(eval("pro_only", true, free).getReason()).isEqualTo("DEFAULT");
    assertThat(eval("pro_only", true, free).getValue()).isFalse();
  }

  @Test
  void getBooleanDetails_nonStringAttribute_isIgnored() {
    ImmutableContext numeric = new ImmutableContext("acme", Map.of("plan", new Value(3)));
    assertThat(eval("pro_only", false, numeric).getReason()).isEqualTo("DEFAULT");
  }

  @Test
  void getBooleanDetails_override_isTargetingMatchWithOverrideValue() {
    admin.setOverride("nobody", "acme", true, false, null, null);
    FlagEvaluationDetails<Boolean> d = eval("nobody", false, tenant("acme"));
    assertThat(d.getValue()).isTrue();
    assertThat(d.getReason()).isEqualTo("TARGETING_MATCH");
  }

  @Test
  void getBooleanDetails_rollout_isSplitEitherWay() {
    for (String id : List.of("acme", "globex", "tenant-42", "initech")) {
      FlagEvaluationDetails<Boolean> d = eval("half", false, tenant(id));
      assertThat(d.getReason()).isEqualTo("SPLIT");
      assertThat(d.getValue()).isEqualTo(flags.isEnabled("half", dev.tenantflags.TenantKey.of(id)));
    }
  }

  @Test
  void getBooleanDetails_prerequisiteFailed_isDefault() {
    admin.create(
        Flag.of("needs_nobody").withState(FlagState.ON).withPrerequisites(List.of("nobody")), null);
    FlagEvaluationDetails<Boolean> d = eval("needs_nobody", true, tenant("acme"));
    assertThat(d.getValue()).isFalse();
    assertThat(d.getReason()).isEqualTo("DEFAULT");
  }

  @Test
  void getBooleanDetails_unknownOrArchivedFlag_isDefaultFlagNotFound() {
    admin.archive("nobody", null);
    for (String key : List.of("no_such_flag", "nobody")) {
      FlagEvaluationDetails<Boolean> d = eval(key, true, tenant("acme"));
      assertThat(d.getValue()).isTrue();
      assertThat(d.getReason()).isEqualTo("ERROR");
      assertThat(d.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    }
  }

  @Test
  void getBooleanDetails_noTargetingKey_isDefaultTargetingKeyMissing() {
    FlagEvaluationDetails<Boolean> d = eval("on_flag", false, new ImmutableContext());
    assertThat(d.getValue()).isFalse();
    assertThat(d.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
  }

  @Test
  void getBooleanDetails_tenantIdTooLong_isDefaultInvalidContext() {
    FlagEvaluationDetails<Boolean> d = eval("on_flag", false, tenant("x".repeat(300)));
    assertThat(d.getValue()).isFalse();
    assertThat(d.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
  }

  @Test
  void getOtherTypes_booleanFlag_isDefaultTypeMismatch() {
    ImmutableContext acme = tenant("acme");
    assertThat(client.getStringDetails("on_flag", "x", acme).getErrorCode())
        .isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(client.getIntegerDetails("on_flag", 7, acme).getValue()).isEqualTo(7);
    assertThat(client.getDoubleDetails("on_flag", 0.5, acme).getErrorCode())
        .isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(client.getObjectDetails("on_flag", new Value("d"), acme).getErrorCode())
        .isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(client.getStringDetails("no_such_flag", "x", acme).getErrorCode())
        .isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }

  @Test
  void events_flagChangedByAdmin_configurationChangedWithKey() throws Exception {
    BlockingQueue<EventDetails> changes = new LinkedBlockingQueue<>();
    client.onProviderConfigurationChanged(changes::add);
    admin.update("on_flag", FlagAdmin.ANY_VERSION, f -> f.withDescription("changed"), null);
    EventDetails details = poll(changes, d -> d.getFlagsChanged().contains("on_flag"));
    assertThat(details.getFlagsChanged()).contains("on_flag");
  }

  @Test
  void events_storeLostAndBack_staleThenReady() throws Exception {
    BlockingQueue<ProviderEvent> events = new LinkedBlockingQueue<>();
    client.onProviderStale(d -> events.add(ProviderEvent.PROVIDER_STALE));
    client.onProviderReady(d -> events.add(ProviderEvent.PROVIDER_READY));
    events.clear();
    store.failing(true);
    assertThat(poll(events, e -> e == ProviderEvent.PROVIDER_STALE))
        .isEqualTo(ProviderEvent.PROVIDER_STALE);
    assertThat(client.getProviderState()).isEqualTo(ProviderState.STALE);
    // Serving the last good flags while stale.
    assertThat(eval("on_flag", false, tenant("acme")).getValue()).isTrue();
    store.failing(false);
    assertThat(poll(events, e -> e == ProviderEvent.PROVIDER_READY))
        .isEqualTo(ProviderEvent.PROVIDER_READY);
    assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
  }

  @Test
  void shutdown_owningProvider_closesItsClientAndBorrowingDoesNot() throws Exception {
    InMemoryFlagStore shared = new InMemoryFlagStore();
    FeatureFlags[] built = new FeatureFlags[1];
    TenantFlagsProvider owning =
        TenantFlagsProvider.owning(
            () ->
                built[0] =
                    FeatureFlags.builder()
                        .store(shared)
                        .environment("test")
                        .pollInterval(Duration.ofMillis(20))
                        .build());
    String ownDomain = domain + "-own";
    api.setProviderAndWait(ownDomain, owning);
    assertThat(api.getClient(ownDomain).getProviderState()).isEqualTo(ProviderState.READY);
    api.setProviderAndWait(ownDomain, new dev.openfeature.sdk.NoOpProvider());
    api.setProviderAndWait(domain, new dev.openfeature.sdk.NoOpProvider());

    try (FeatureFlags writer = FeatureFlags.builder().store(shared).environment("test").build()) {
      writer.admin("bob").create(Flag.of("late").withState(FlagState.ON), null);
    }
    admin.create(Flag.of("late").withState(FlagState.ON), null);
    // The borrowed client still refreshes; the owned one was closed and stopped polling.
    assertThat(flags.flag("late")).isPresent();
    Thread.sleep(500);
    assertThat(built[0].flag("late")).isEmpty();
  }

  @Test
  void getMetadata_name_isTenantflags() {
    assertThat(TenantFlagsProvider.borrowing(flags).getMetadata().getName())
        .isEqualTo("tenantflags");
  }

  private static <T> T poll(BlockingQueue<T> queue, java.util.function.Predicate<T> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      T next = queue.poll(50, TimeUnit.MILLISECONDS);
      if (next != null && wanted.test(next)) {
        return next;
      }
    }
    throw new AssertionError("no matching event within " + PATIENCE);
  }
}
