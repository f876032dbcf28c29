package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class BucketingTest {

  /**
   * The reference: SPEC §3 written with the JDK's own encoder and digest, nothing shared with
   * Bucketing.
   */
  private static int reference(String id, String salt) {
    byte[] hash = sha256((id + ":" + salt).getBytes(StandardCharsets.UTF_8));
    return (int) Long.remainderUnsigned(ByteBuffer.wrap(hash, 0, 8).getLong(), 10_000);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0} / {1} -> {3}")
  @CsvSource({
    "acme,      new_billing_engine, e7f6e2c6245e4577, 4519",
    "globex,    new_billing_engine, 984a10cec83d0d70, 6544",
    "tenant-42, kyc_tiers,          3ea9dca995275df2, 1778",
    "ключ,      gdpr_export_v2,     6a34db5720af704f, 1487",
  })
  void bucket_specVectors_matchExactly(String id, String salt, String hashPrefix, int bucket) {
    String hex =
        HexFormat.of().formatHex(sha256((id + ":" + salt).getBytes(StandardCharsets.UTF_8)));
    assertThat(hex).startsWith(hashPrefix);
    assertThat(Bucketing.bucket(id, salt)).isEqualTo(bucket);
  }

  @Test
  void bucket_randomAsciiUnicodeAndSurrogates_matchesJdkUtf8AndDigest() {
    Random random = new Random(20261121);
    for (int i = 0; i < 20_000; i++) {
      String id = randomString(random, 1 + random.nextInt(i % 100 == 0 ? 400 : 24));
      String salt = randomString(random, random.nextInt(20));
      assertThat(Bucketing.bucket(id, salt))
          .as("id %s salt %s", escape(id), escape(salt))
          .isEqualTo(reference(id, salt));
    }
  }

  @Test
  void bucket_unpairedSurrogates_encodeAsQuestionMarkLikeGetBytes() {
    String[] ids = {
      "\uD800",
      "a\uDC00b",
      "\uDBFF",
      "x\uD83D",
      "\uDE00\uD83D",
      "\uD83D\uDE00",
      "\uD83D\uD83D\uDE00"
    };
    for (String id : ids) {
      assertThat(Bucketing.bucket(id, "s")).as(escape(id)).isEqualTo(reference(id, "s"));
    }
    assertThat(Bucketing.bucket("\uD800", "s")).isEqualTo(Bucketing.bucket("?", "s"));
  }

  @Test
  void bucket_longInputsAfterShortOnes_growTheBufferCorrectly() {
    String big = "€".repeat(5_000);
    assertThat(Bucketing.bucket("a", "b")).isEqualTo(reference("a", "b"));
    assertThat(Bucketing.bucket(big, big)).isEqualTo(reference(big, big));
    assertThat(Bucketing.bucket("a", "b")).isEqualTo(reference("a", "b"));
  }

  @Test
  void bucket_manyThreads_agreeWithTheReference() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 5_000; i++) {
                    String id = randomString(random, 1 + random.nextInt(30));
                    if (Bucketing.bucket(id, "salt") != reference(id, "salt")) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void bucket_emptySalt_isHashedWithTheColon() {
    assertThat(Bucketing.bucket("acme", "")).isEqualTo(reference("acme", ""));
  }

  @Test
  void bucket_nullArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> Bucketing.bucket(null, "s"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tenantId");
    assertThatThrownBy(() -> Bucketing.bucket("t", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("salt");
  }

  @Test
  void bucket_tenThousandIds_coverTheRangeEvenly() {
    int[] deciles = new int[10];
    for (int i = 0; i < 10_000; i++) {
      int b = Bucketing.bucket("tenant-" + i, "calibration");
      assertThat(b).isBetween(0, 9_999);
      deciles[b / 1_000]++;
    }
    for (int count : deciles) {
      // 1000 expected per decile; 4 standard deviations is about ±120.
      assertThat(count).isBetween(850, 1_150);
    }
  }

  @Test
  void rollout_raisingThePercentage_neverDropsATenant() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags = TestFlags.client(store)) {
      FlagAdmin admin = flags.admin("alice");
      admin.create(Flag.of("gradual").withState(FlagState.ROLLOUT), null);
      Set<String> previous = new HashSet<>();
      for (String percent :
          new String[] {"0", "0.01", "1", "5", "12.5", "25", "33.33", "50", "75", "99.99", "100"}) {
        admin.update("gradual", FlagAdmin.ANY_VERSION, f -> f.withRolloutPercent(percent), null);
        Set<String> in = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
          String id = "tenant-" + i;
          if (flags.isEnabled("gradual", TenantKey.of(id))) {
            in.add(id);
          }
        }
        assertThat(in).as("at %s %%", percent).containsAll(previous);
        previous = in;
      }
      assertThat(previous).hasSize(10_000);
    }
  }

  @Test
  void rollout_twentyFivePercent_landsWithinTwoPointsOfAQuarter() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags = TestFlags.client(store)) {
      flags
          .admin("alice")
          .create(Flag.of("quarter").withState(FlagState.ROLLOUT).withRolloutPercent("25"), null);
      int in = 0;
      for (int i = 0; i < 10_000; i++) {
        in += flags.isEnabled("quarter", TenantKey.of("tenant-" + i)) ? 1 : 0;
      }
      assertThat(in).isBetween(2_300, 2_700);
    }
  }

  private static String randomString(Random random, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(6)) {
        case 0 -> sb.append((char) (0x20 + random.nextInt(0x5F)));
        case 1 -> sb.append((char) (0x80 + random.nextInt(0x780)));
        case 2 -> sb.append((char) (0x800 + random.nextInt(0xD000)));
        case 3 -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
        case 4 -> sb.append((char) (0xD800 + random.nextInt(0x800)));
        default -> sb.append((char) (0xE000 + random.nextInt(0x2000)));
      }
    }
    return sb.toString();
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.chars()
        .forEach(
            c ->
                sb.append(
                    c < 0x80 && c >= 0x20
                        ? String.valueOf((char) c)
                        : String.format("\\u%04x", c)));
    return sb.toString();
  }
}
