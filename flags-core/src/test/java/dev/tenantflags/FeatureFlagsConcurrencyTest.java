package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Eight threads evaluate while a ninth writes through the same client for about three seconds. The
 * writer only ever moves between eight known configurations, so every answer a reader sees must be
 * the answer of one of them: computed beforehand, by separate clients, one per configuration.
 */
final class FeatureFlagsConcurrencyTest {
  private static final int READERS = 8;
  private static final Duration RUN = Duration.ofSeconds(3);
  private static final List<String> FLAGS = List.of("module", "dependent", "gradual");
  private static final List<TenantKey> TENANTS = new ArrayList<>();

  static {
    for (int i = 0; i < 50; i++) {
      TENANTS.add(TenantKey.of("t" + i));
    }
  }

  /** One configuration the writer can leave the store in. */
  private record Config(boolean moduleOn, boolean overrideSet, String gradualPercent) {}

  private static void setUp(FlagAdmin admin) {
    admin.create(Flag.of("module").withState(FlagState.ON), null);
    admin.create(
        Flag.of("dependent").withState(FlagState.ON).withPrerequisites(List.of("module")), null);
    admin.create(Flag.of("gradual").withState(FlagState.ROLLOUT).withRolloutPercent("30"), null);
    // t1 has an override on another flag throughout, so its cache entry is rebuilt on every change.
    admin.setOverride("gradual", "t1", true, false, null, null);
  }

  private static void apply(FlagAdmin admin, Config config) {
    admin.update(
        "module",
        FlagAdmin.ANY_VERSION,
        f -> f.withState(config.moduleOn() ? FlagState.ON : FlagState.OFF),
        null);
    if (config.overrideSet()) {
      admin.setOverride("dependent", "t0", false, false, null, null);
    }
    admin.update(
        "gradual", FlagAdmin.ANY_VERSION, f -> f.withRolloutPercent(config.gradualPercent()), null);
  }

  @Test
  void evaluate_eightReadersOneWriter_everyAnswerIsOneSomeConfigurationGives() throws Exception {
    List<Config> configs = new ArrayList<>();
    for (boolean moduleOn : new boolean[] {true, false}) {
      for (boolean overrideSet : new boolean[] {false, true}) {
        for (String percent : new String[] {"30", "70"}) {
          configs.add(new Config(moduleOn, overrideSet, percent));
        }
      }
    }
    // Expected answers, per configuration, from clients that see only that configuration.
    Map<Config, Map<String, Evaluation>> expected = new HashMap<>();
    Map<String, Set<Evaluation>> allowed = new HashMap<>();
    Map<String, Set<Map<String, Boolean>>> allowedAll = new HashMap<>();
    for (Config config : configs) {
      try (FeatureFlags reference = TestFlags.client(new InMemoryFlagStore())) {
        FlagAdmin admin = reference.admin("reference");
        setUp(admin);
        apply(admin, config);
        Map<String, Evaluation> answers = new HashMap<>();
        for (TenantKey tenant : TENANTS) {
          for (String flag : FLAGS) {
            Evaluation e = reference.evaluate(flag, tenant);
            answers.put(flag + "/" + tenant.id(), e);
            allowed.computeIfAbsent(flag + "/" + tenant.id(), k -> new HashSet<>()).add(e);
          }
          allowedAll
              .computeIfAbsent(tenant.id(), k -> new HashSet<>())
              .add(reference.evaluateAll(tenant));
        }
        expected.put(config, answers);
      }
    }
    // The test can fail: across configurations the answers really differ.
    assertThat(allowed.get("dependent/t0")).hasSizeGreaterThan(1);
    assertThat(allowed.values())
        .anySatisfy(
            set ->
                assertThat(set)
                    .extracting(Evaluation::reason)
                    .contains(Reason.ROLLOUT_IN, Reason.ROLLOUT_OUT));

    try (FeatureFlags flags = TestFlags.client(new InMemoryFlagStore())) {
      FlagAdmin admin = flags.admin("writer");
      setUp(admin);
      Queue<String> violations = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong evaluations = new AtomicLong();
      CountDownLatch started = new CountDownLatch(READERS);
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        Thread reader =
            new Thread(
                () -> {
                  started.countDown();
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  long n = 0;
                  try {
                    while (!stop.get()) {
                      TenantKey tenant = TENANTS.get(random.nextInt(TENANTS.size()));
                      if (++n % 50 == 0) {
                        Map<String, Boolean> all = flags.evaluateAll(tenant);
                        if (!allowedAll.get(tenant.id()).contains(all)) {
                          violations.add("evaluateAll " + tenant.id() + " = " + all);
                        }
                      } else {
                        String flag = FLAGS.get(random.nextInt(FLAGS.size()));
                        Evaluation e = flags.evaluate(flag, tenant);
                        if (!allowed.get(flag + "/" + tenant.id()).contains(e)) {
                          violations.add(flag + "/" + tenant.id() + " = " + e);
                        }
                      }
                    }
                  } catch (Throwable t) {
                    violations.add("reader threw " + t);
                  }
                  evaluations.addAndGet(n);
                },
                "reader-" + r);
        reader.start();
        readers.add(reader);
      }
      started.await();
      long deadline = System.nanoTime() + RUN.toNanos();
      int writes = 0;
      Config last = configs.get(0);
      while (System.nanoTime() < deadline) {
        Config next = configs.get(writes % configs.size());
        if (last.overrideSet() && !next.overrideSet()) {
          admin.clearOverride("dependent", "t0", null);
        }
        apply(admin, next);
        last = next;
        writes++;
      }
      stop.set(true);
      for (Thread reader : readers) {
        reader.join(TestFlags.PATIENCE.toMillis());
      }

      assertThat(violations).isEmpty();
      assertThat(writes).isGreaterThan(configs.size());
      assertThat(evaluations.get()).isGreaterThan(10_000L);
      // Read-your-writes: after the last write, every answer is the last configuration's.
      Map<String, Evaluation> finalAnswers = expected.get(last);
      for (TenantKey tenant : TENANTS) {
        for (String flag : FLAGS) {
          assertThat(flags.evaluate(flag, tenant))
              .as(flag + "/" + tenant.id())
              .isEqualTo(finalAnswers.get(flag + "/" + tenant.id()));
        }
      }
    }
  }
}
