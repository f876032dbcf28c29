package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 and SPEC §4, §6: numbers judged without expansion, control characters rejected in text,
 * error messages quoting at most 64 characters. Time bounds here are liveness bounds (nothing may
 * expand a billion digits), generous enough for a loaded machine.
 */
final class HostileInputTest {
  private static final Duration LIVENESS = Duration.ofSeconds(5);

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1e999999999           | rolloutPercent must be between 0 and 100: 1E+999999999",
        "-1e999999999          | rolloutPercent must be between 0 and 100: -1E+999999999",
        "1e-999999999          | rolloutPercent must have at most 2 decimals: 1E-999999999",
        "100.001               | rolloutPercent must be between 0 and 100: 100.001",
        "100.01                | rolloutPercent must be between 0 and 100: 100.01",
        "25.555                | rolloutPercent must have at most 2 decimals: 25.555",
        "0.001                 | rolloutPercent must have at most 2 decimals: 0.001",
        "-0.5                  | rolloutPercent must be between 0 and 100: -0.5",
        "1000                  | rolloutPercent must be between 0 and 100: 1000",
      })
  void rolloutPercent_hostileOrInvalid_isRejectedInMicrosecondsNamingTheField(
      String json, String message) {
    String body = "[{\"key\": \"f\", \"rolloutPercent\": " + json + "}]";
    assertTimeoutPreemptively(
        LIVENESS,
        () ->
            assertThatThrownBy(() -> FlagExport.parse(body, "test"))
                .isInstanceOf(FlagValidationException.class)
                .hasMessage(message)
                .satisfies(
                    e ->
                        assertThat(((FlagValidationException) e).field())
                            .isEqualTo("rolloutPercent")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "25.50     | 2550",
        "2.5E1     | 2500",
        "2.55e+1   | 2550",
        "-0        | 0",
        "0.00      | 0",
        "100       | 10000",
        "100.000   | 10000",
        "1E+2      | 10000",
        "0.01      | 1",
        "33.33     | 3333",
      })
  void rolloutPercent_validInAnyNotation_isAccepted(String json, int basisPoints) {
    String body = "[{\"key\": \"f\", \"rolloutPercent\": " + json + "}]";
    assertThat(FlagExport.parse(body, "test").flags().get(0).rolloutBasisPoints())
        .isEqualTo(basisPoints);
    assertThat(Flag.of("f").withRolloutPercent(json).rolloutBasisPoints()).isEqualTo(basisPoints);
  }

  @Test
  void rolloutPercent_hugeDigitStrings_areRejectedWithoutWaiting() {
    String digits = "1" + "0".repeat(999); // 1000 characters: the most the parser reads
    String zeros = "25." + "0".repeat(990);
    String tiny = "0." + "0".repeat(990) + "1";
    assertTimeoutPreemptively(
        LIVENESS,
        () -> {
          assertThatThrownBy(() -> Flag.basisPoints(new BigDecimal(digits)))
              .hasMessage("rolloutPercent must be between 0 and 100: a number of 1000 digits");
          assertThatThrownBy(() -> Flag.basisPoints(new BigDecimal(zeros)))
              .hasMessage("rolloutPercent must have at most 2 decimals: a number of 992 digits");
          assertThatThrownBy(() -> Flag.basisPoints(new BigDecimal(tiny)))
              .hasMessageStartingWith("rolloutPercent must have at most 2 decimals");
          assertThatThrownBy(
                  () ->
                      FlagExport.parse("[{\"key\":\"f\",\"rolloutPercent\":" + digits + "0}]", "t"))
              .hasMessageContaining("number longer than 1000 characters");
          assertThatThrownBy(() -> Flag.of("f").withRolloutPercent(zeros))
              .hasMessageStartingWith("rolloutPercent must be a number: '25.000");
        });
  }

  @Test
  void rolloutPercent_throughTheBuilderAndPatch_usesTheSameJudgement() {
    BigDecimal huge = new BigDecimal("1e999999999");
    assertTimeoutPreemptively(
        LIVENESS,
        () -> {
          assertThatThrownBy(() -> Flag.builder("f").rolloutPercent(huge))
              .hasMessage("rolloutPercent must be between 0 and 100: 1E+999999999");
          assertThatThrownBy(() -> FlagFields.patch(Flag.of("f"), Map.of("rolloutPercent", huge)))
              .hasMessage("rolloutPercent must be between 0 and 100: 1E+999999999");
          assertThatThrownBy(() -> Flag.of("f").withRolloutPercent("1e999999999"))
              .hasMessage("rolloutPercent must be between 0 and 100: 1E+999999999");
          assertThatThrownBy(() -> Flag.of("f").withRolloutPercent("1e9999999999"))
              .hasMessage("rolloutPercent must be a number: '1e9999999999'");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e999999999", "1e-999999999", "-1e999999999", "1e19", "0.5"})
  void versionAndTimestamps_hostileNumbers_areRejectedWithoutWaiting(String json) {
    assertTimeoutPreemptively(
        LIVENESS,
        () -> {
          assertThatThrownBy(() -> FlagExport.parse("{\"version\": " + json + "}", "t"))
              .isInstanceOf(FlagValidationException.class)
              .hasMessageStartingWith("version ");
          assertThatThrownBy(
                  () -> FlagExport.parse("[{\"key\":\"f\",\"updatedAt\": " + json + "}]", "t"))
              .hasMessageStartingWith("updatedAt ");
        });
  }

  @Test
  void wholeNumber_inRange_isExact() {
    assertThat(Checks.wholeNumber("n", new BigDecimal("1.0E+3"))).isEqualTo(1000);
    assertThat(Checks.wholeNumber("n", new BigDecimal("-0"))).isZero();
    assertThat(Checks.wholeNumber("n", BigDecimal.valueOf(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> Checks.wholeNumber("n", new BigDecimal("9.3e18")))
        .hasMessage("n must be a whole number in range: 9300000000000000000");
  }

  @Test
  void json_writer_neverExpandsANumber() {
    assertTimeoutPreemptively(
        LIVENESS,
        () -> {
          assertThat(Json.write(new BigDecimal("1e999999999"))).isEqualTo("1E+999999999");
          assertThat(Json.write(new BigDecimal("1e-999999999"))).isEqualTo("1E-999999999");
        });
    assertThat(Json.write(new BigDecimal("25.50"))).isEqualTo("25.50");
    assertThat(Json.write(List.of(7, 8L, (short) 9))).isEqualTo("[7,8,9]");
  }

  @Test
  void json_oversizeStringOrNumber_isRejectedNamingJson() {
    String longString = "\"" + "x".repeat(Json.MAX_STRING + 1) + "\"";
    assertThatThrownBy(() -> Json.parse(longString))
        .hasMessageContaining("string longer than 1000000 characters");
    assertThat((String) Json.parse("\"" + "x".repeat(Json.MAX_STRING) + "\"")).hasSize(1_000_000);
    String longKey = "k".repeat(100_000);
    assertThatThrownBy(() -> Json.parse("{\"" + longKey + "\":1,\"" + longKey + "\":2}"))
        .hasMessageEndingWith("duplicate field '" + "k".repeat(64) + "…'");
    assertThatThrownBy(() -> Json.parse("[\u0001]"))
        .hasMessage("json is malformed at offset 1: unexpected character '\\u0001'");
    assertThatThrownBy(() -> Json.parse("1" + "0".repeat(1000)))
        .hasMessage("json is malformed at offset 0: number longer than 1000 characters");
  }

  // ---- control characters --------------------------------------------------------------------

  private static void rejectsControl(String field, Consumer<String> set) {
    for (String bad : List.of("a\u0000b", "a\rb", "a\u001bb", "a\u007fb", "a\u0085b")) {
      assertThatThrownBy(() -> set.accept(bad))
          .as("%s with %s", field, bad)
          .isInstanceOf(FlagValidationException.class)
          .hasMessageStartingWith(field + " must not contain control characters: U+")
          .hasMessageEndingWith(" at index 1")
          .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo(field));
    }
  }

  @Test
  void freeText_controlCharacters_areRejectedButTabAndNewlineAllowed() {
    Instant now = Instant.now();
    rejectsControl("description", v -> Flag.of("f").withDescription(v));
    rejectsControl("note", v -> new TenantOverride("f", "acme", true, false, v, null, null));
    rejectsControl(
        "comment",
        v ->
            new AuditEntry(
                0, now, "alice", AuditAction.FLAG_CREATED, "test", "f", null, null, null, v));
    assertThat(Flag.of("f").withDescription("line one\n\tline two").description())
        .isEqualTo("line one\n\tline two");
    assertThat(new TenantOverride("f", "acme", true, false, "a\tb\nc", null, null).note())
        .isEqualTo("a\tb\nc");
  }

  @Test
  void text_unpairedSurrogates_areRejectedButPairsAllowed() {
    for (String bad : List.of("x\ud800y", "x\udc00", "\ud800", "ab\udfff")) {
      assertThatThrownBy(() -> Flag.of("f").withDescription(bad))
          .isInstanceOf(FlagValidationException.class)
          .hasMessageContaining("description must be valid unicode text: unpaired surrogate");
      assertThatThrownBy(() -> Scope.of("tenant", bad)).isInstanceOf(FlagValidationException.class);
      assertThatThrownBy(() -> new TenantOverride("f", bad, true, false, null, null, null))
          .isInstanceOf(FlagValidationException.class)
          .hasMessageContaining("unpaired surrogate");
    }
    String emoji = "rocket \ud83d\ude80";
    assertThat(Flag.of("f").withDescription(emoji).description()).isEqualTo(emoji);
    assertThat(new TenantOverride("f", emoji, true, false, null, null, null).tenantId())
        .isEqualTo(emoji);
  }

  @Test
  void namesAndLabels_controlCharacters_areRejectedButTabAndNewlineAllowed() {
    Instant now = Instant.now();
    rejectsControl("module", v -> Flag.of("f").withModule(v));
    rejectsControl("tags", v -> Flag.of("f").withTags(List.of(v)));
    rejectsControl("rolloutSalt", v -> Flag.of("f").withRolloutSalt(v));
    rejectsControl("updatedBy", v -> Flag.of("f").withVersion(1, now, v));
    rejectsControl("tenantId", v -> new TenantOverride("f", v, true, false, null, null, null));
    rejectsControl("updatedBy", v -> new TenantOverride("f", "acme", true, false, null, null, v));
    rejectsControl("tenant", TenantKey::of);
    rejectsControl("scope", v -> Scope.of("tenant", v));
    rejectsControl(
        "actor",
        v ->
            new AuditEntry(
                0, now, v, AuditAction.FLAG_CREATED, "test", "f", null, null, null, null));
    rejectsControl(
        "createdBy", v -> new ApiToken("t", "ADMIN", null, "0".repeat(64), now, v, null));
    rejectsControl("tenant", v -> new ApiToken("t", "ADMIN", v, "0".repeat(64), now, "a", null));
    assertThat(Flag.of("f").withTags(List.of("a\tb")).tags()).containsExactly("a\tb");
    assertThat(new TenantOverride("f", "tab\there", true, false, null, null, null).tenantId())
        .isEqualTo("tab\there");
  }

  // ---- quoting --------------------------------------------------------------------------------

  @Test
  void quote_longValue_showsAtMost64CharactersAndEscapesControls() {
    String quoted = Checks.quote("k".repeat(1_000_000));
    assertThat(quoted).isEqualTo("'" + "k".repeat(64) + "…'");
    assertThat(Checks.quote("k".repeat(64))).isEqualTo("'" + "k".repeat(64) + "'");
    assertThat(Checks.quote("a\u0000b\nc")).isEqualTo("'a\\u0000b\\u000ac'");
    assertThat(Checks.quote(null)).isEqualTo("null");
    // A surrogate pair is never cut in half.
    String emoji = "k".repeat(63) + "\uD83D\uDE80" + "tail";
    assertThat(Checks.quote(emoji)).isEqualTo("'" + "k".repeat(63) + "…'");
  }

  @Test
  void errorMessages_quoteAtMost64CharactersOfAnyValue() {
    String hostile = "Z".repeat(100_000);
    for (Runnable r :
        List.<Runnable>of(
            () -> Flag.of(hostile),
            () -> Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of(hostile)),
            () -> FlagFields.patch(Flag.of("f"), Map.of("state", hostile)),
            () -> FlagFields.patch(Flag.of("f"), Map.of(hostile, 1)),
            () -> Flag.of("f").withRolloutPercent(hostile),
            () -> Scope.of(hostile, "x"),
            () -> TenantKey.of("acme").with(hostile, "x"),
            () -> new Environment(hostile, false),
            () -> new ApiToken(hostile, "ADMIN", null, "0".repeat(64), Instant.now(), "a", null))) {
      assertThatThrownBy(r::run)
          .isInstanceOf(FlagValidationException.class)
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).contains("Z".repeat(64)))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Z".repeat(65)));
    }
  }

  @Test
  void show_number_isPlainWhenShortElseScientific() {
    assertThat(Checks.show(new BigDecimal("100.5"))).isEqualTo("100.5");
    assertThat(Checks.show(new BigDecimal("1e999999999"))).isEqualTo("1E+999999999");
    assertThat(Checks.show(new BigDecimal("1" + "0".repeat(100))))
        .isEqualTo("a number of 101 digits");
    assertThat(Checks.show(new BigDecimal("1e64"))).isEqualTo("'1" + "0".repeat(63) + "…'");
  }
}
