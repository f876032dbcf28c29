package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing on a warm tenant (SPEC §4, STYLE "no allocation"). This counts the
 * bytes the evaluating thread allocates, a functional property, not a timing; flags-jmh measures
 * speed. The bound is a few hundred bytes, not zero, to absorb the measuring call itself; one
 * allocation per evaluation would be at least 1.6 MB over the 100,000 evaluations.
 */
final class FeatureFlagsAllocationTest {
  private static final int EVALUATIONS = 100_000;

  private FeatureFlags flags;
  private com.sun.management.ThreadMXBean threads;

  @BeforeEach
  void start() {
    assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "HotSpot thread MXBean");
    threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counting supported");
    threads.setThreadAllocatedMemoryEnabled(true);
    flags = TestFlags.client(new InMemoryFlagStore());
    FlagAdmin admin = flags.admin("alice");
    admin.create(
        Flag.of("module").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")), null);
    admin.create(
        Flag.of("billing").withState(FlagState.ON).withPrerequisites(List.of("module")), null);
    admin.create(Flag.of("gradual").withState(FlagState.ROLLOUT).withRolloutPercent("50"), null);
    admin.create(Flag.of("plain").withState(FlagState.ON), null);
    admin.create(Flag.of("mid").withState(FlagState.ON).withPrerequisites(List.of("plain")), null);
    // A prerequisite with prerequisites of its own: evaluated with the per-call memo.
    admin.create(Flag.of("deep").withState(FlagState.ON).withPrerequisites(List.of("mid")), null);
    admin.setOverride("billing", "acme", false, false, null, null);
  }

  @AfterEach
  void stop() {
    if (flags != null) {
      flags.close();
    }
  }

  private long allocatedBy(Runnable evaluations) {
    evaluations.run(); // warm: JIT, tenant cache, Bucketing's per-thread buffers
    evaluations.run();
    long before = threads.getCurrentThreadAllocatedBytes();
    evaluations.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  @Test
  void isEnabled_warmTenant_allocatesNothing() {
    TenantKey acme = TenantKey.of("acme").with("plan", "pro");
    TenantKey globex = TenantKey.of("globex").with("plan", "pro");
    String[] keys = {"module", "billing", "gradual", "plain", "missing", "deep"};
    boolean[] sink = new boolean[1];
    long bytes =
        allocatedBy(
            () -> {
              for (int i = 0; i < EVALUATIONS; i++) {
                String key = keys[i % keys.length];
                sink[0] ^= flags.isEnabled(key, (i & 1) == 0 ? acme : globex);
                sink[0] ^= flags.evaluate(key, acme).enabled();
              }
            });
    assertThat(bytes).as("bytes allocated by %s evaluations", 2 * EVALUATIONS).isLessThan(1_024);
    // Keep the results alive so no evaluation is optimised away.
    assertThat(sink[0]).isIn(true, false);
  }

  @Test
  void isEnabled_idOnlyOverloadWithCountingOn_allocatesNothing() {
    String[] keys = {"module", "billing", "gradual", "plain", "missing", "deep"};
    String[] tenants = {"acme", "globex", "initech"};
    boolean[] sink = new boolean[1];
    long bytes =
        allocatedBy(
            () -> {
              for (int i = 0; i < EVALUATIONS; i++) {
                sink[0] ^= flags.isEnabled(keys[i % keys.length], tenants[i % tenants.length]);
                flags.recordRefusal(keys[i % keys.length]);
              }
            });
    assertThat(bytes).as("bytes allocated by %s evaluations", EVALUATIONS).isLessThan(1_024);
    assertThat(sink[0]).isIn(true, false);
    // Counting was on: the evaluations above were counted.
    assertThat(flags.refresherUsageTrueCount("plain")).isPositive();
  }

  @Test
  void measurement_seesAllocations_evaluateAllBuildsAMap() {
    // The control: if the counter saw nothing, the test above would pass vacuously.
    TenantKey acme = TenantKey.of("acme").with("plan", "pro");
    int[] sizes = new int[1];
    long bytes =
        allocatedBy(
            () -> {
              for (int i = 0; i < 1_000; i++) {
                sizes[0] += flags.evaluateAll(acme).size();
              }
            });
    assertThat(bytes).isGreaterThan(16_000);
    assertThat(sizes[0]).isPositive();
  }
}
