package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link FlagFields}: one codec for export, the admin API's JSON and PATCH, and store columns. */
final class FlagFieldsTest {

  private static final Flag FULL =
      Flag.builder("full")
          .description("tab\tand\nnewline, \"quotes\", ключ")
          .module("fin")
          .state(FlagState.ROLLOUT)
          .rolloutPercent("33.33")
          .rolloutSalt("salt")
          .scope(Scope.of("plan", "pro", "enterprise").with("tenant", List.of("acme")))
          .prerequisites(List.of("b", "a"))
          .tenantEditable(true)
          .tags(List.of("beta"))
          .archived(true)
          .version(4)
          .updatedAt(Instant.parse("2026-11-21T12:00:00.123Z"))
          .updatedBy("alice")
          .build();

  private static Map<String, Object> map(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void toMap_writesEveryFieldInNamesOrder() {
    Map<String, Object> m = FlagFields.toMap(FULL);
    assertThat(m.keySet()).containsExactlyElementsOf(FlagFields.NAMES);
    assertThat(m.get("rolloutPercent")).isEqualTo(new BigDecimal("33.33"));
    assertThat(m.get("state")).isEqualTo("ROLLOUT");
    assertThat(m.get("updatedAt"))
        .isEqualTo(Instant.parse("2026-11-21T12:00:00.123Z").toEpochMilli());
    assertThat(FlagFields.toMap(Flag.of("f")).get("updatedAt")).isNull();
    assertThat(FlagFields.WRITABLE)
        .containsExactly(
            "description",
            "module",
            "state",
            "rolloutPercent",
            "rolloutSalt",
            "scope",
            "prerequisites",
            "tenantEditable",
            "tags");
  }

  @Test
  void names_coverEveryRecordComponentOfFlag() {
    // The recipe's guard: a field added to Flag but not to FlagFields fails here.
    List<String> components = new ArrayList<>();
    for (java.lang.reflect.RecordComponent c : Flag.class.getRecordComponents()) {
      // The one field whose JSON form differs from its Java form: basis points travel as percent.
      components.add(c.getName().equals("rolloutBasisPoints") ? "rolloutPercent" : c.getName());
    }
    assertThat(FlagFields.NAMES).containsExactlyElementsOf(components);
  }

  @Test
  void toJsonThenFromJson_roundTripsEveryField() {
    assertThat(FlagFields.fromJson(FlagFields.toJson(FULL))).isEqualTo(FULL);
    assertThat(FlagFields.fromJson(FlagFields.toJson(Flag.of("f")))).isEqualTo(Flag.of("f"));
  }

  @Test
  void fromMap_onlyKey_givesTheDefaultsAndNullsMeanDefault() {
    assertThat(FlagFields.fromMap(map("key", "f"))).isEqualTo(Flag.of("f"));
    Map<String, Object> nulls = new HashMap<>();
    FlagFields.NAMES.forEach(n -> nulls.put(n, null));
    nulls.put("key", "f");
    assertThat(FlagFields.fromMap(nulls)).isEqualTo(Flag.of("f"));
  }

  @Test
  void fromMap_unknownOrMissingKey_isRejectedNamingIt() {
    assertThatThrownBy(() -> FlagFields.fromMap(map("key", "f", "colour", "red")))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("unknown field in flag: 'colour'")
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo("colour"));
    assertThatThrownBy(() -> FlagFields.fromMap(map("state", "ON"))).hasMessage("key is required");
    assertThatThrownBy(() -> FlagFields.fromMap(null)).hasMessage("flag must not be null");
    assertThatThrownBy(() -> FlagFields.fromJson("[]")).hasMessage("flag must be a JSON object");
    assertThatThrownBy(() -> FlagFields.fromJson("{")).hasMessageStartingWith("json is malformed");
  }

  @Test
  void fromMap_anyJsonNumberType_isReadExactly() {
    assertThat(FlagFields.fromMap(map("key", "f", "rolloutPercent", 25)).rolloutBasisPoints())
        .isEqualTo(2500);
    assertThat(FlagFields.fromMap(map("key", "f", "rolloutPercent", 7L)).rolloutBasisPoints())
        .isEqualTo(700);
    assertThat(
            FlagFields.fromMap(map("key", "f", "rolloutPercent", BigInteger.TEN))
                .rolloutBasisPoints())
        .isEqualTo(1000);
    assertThat(FlagFields.fromMap(map("key", "f", "rolloutPercent", 12.5d)).rolloutBasisPoints())
        .isEqualTo(1250);
    assertThat(FlagFields.fromMap(map("key", "f", "version", (short) 3)).version()).isEqualTo(3);
    assertThatThrownBy(() -> FlagFields.fromMap(map("key", "f", "rolloutPercent", Double.NaN)))
        .hasMessage("rolloutPercent must be a number");
    assertThatThrownBy(() -> FlagFields.fromMap(map("key", "f", "version", new BigDecimal("1.5"))))
        .hasMessage("version must be a whole number in range: 1.5");
  }

  @Test
  void fromMap_updatedAt_acceptsEpochMillisAndIsoStrings() {
    Instant at = Instant.parse("2026-11-21T12:00:00.123Z");
    assertThat(FlagFields.fromMap(map("key", "f", "updatedAt", at.toEpochMilli())).updatedAt())
        .isEqualTo(at);
    assertThat(FlagFields.fromMap(map("key", "f", "updatedAt", at.toString())).updatedAt())
        .isEqualTo(at);
    assertThatThrownBy(() -> FlagFields.fromMap(map("key", "f", "updatedAt", true)))
        .hasMessage("updatedAt must be a string");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "description    | 5       | description must be a string",
        "state          | s:MAYBE | state must be one of OFF, ON, TARGETED, ROLLOUT: 'MAYBE'",
        "tenantEditable | s:yes   | tenantEditable must be true or false",
        "prerequisites  | s:a     | prerequisites must be a JSON array",
        "scope          | s:a     | scope must be a JSON object",
      })
  void patch_wrongType_isRejectedNamingTheField(String field, String value, String message) {
    Object json = value.startsWith("s:") ? value.substring(2) : Integer.valueOf(value);
    assertThatThrownBy(() -> FlagFields.patch(FULL, map(field, json)))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo(field));
  }

  @Test
  void patch_presentWritableFields_replaceTheValuesAndKeepTheRest() {
    Flag patched =
        FlagFields.patch(
            FULL,
            map(
                "state",
                "ON",
                "rolloutPercent",
                new BigDecimal("2.5E1"),
                "scope",
                map("plan", List.of("free")),
                "tags",
                Set.of("x", "y"),
                "tenantEditable",
                false));
    assertThat(patched)
        .isEqualTo(
            FULL.toBuilder()
                .state(FlagState.ON)
                .rolloutBasisPoints(2500)
                .scope(Scope.of("plan", "free"))
                .tags(List.of("x", "y"))
                .tenantEditable(false)
                .build());
    assertThat(FlagFields.patch(FULL, Map.of())).isEqualTo(FULL);
  }

  @Test
  void patch_nulls_resetOptionalFieldsAndRejectRequiredOnes() {
    Map<String, Object> nulls = new HashMap<>();
    for (String name :
        List.of("description", "module", "rolloutSalt", "scope", "prerequisites", "tags")) {
      nulls.put(name, null);
    }
    Flag reset = FlagFields.patch(FULL, nulls);
    assertThat(reset.description()).isEmpty();
    assertThat(reset.module()).isNull();
    assertThat(reset.rolloutSalt()).isNull();
    assertThat(reset.scope()).isEqualTo(Scope.EMPTY);
    assertThat(reset.prerequisites()).isEmpty();
    assertThat(reset.tags()).isEmpty();
    for (String required : List.of("state", "rolloutPercent", "tenantEditable")) {
      Map<String, Object> one = new HashMap<>();
      one.put(required, null);
      assertThatThrownBy(() -> FlagFields.patch(FULL, one)).hasMessage(required + " is required");
    }
  }

  @Test
  void patch_readOnlyOrUnknownField_isRejected() {
    assertThat(FlagFields.patch(Flag.of("f"), map("key", "f", "state", "ON")).state())
        .isEqualTo(FlagState.ON);
    assertThatThrownBy(() -> FlagFields.patch(Flag.of("f"), map("key", "g")))
        .hasMessage("key is read-only");
    for (String readOnly : List.of("archived", "version", "updatedAt", "updatedBy")) {
      assertThatThrownBy(() -> FlagFields.patch(FULL, map(readOnly, 1)))
          .as(readOnly)
          .hasMessage(readOnly + " is read-only")
          .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo(readOnly));
    }
    assertThatThrownBy(() -> FlagFields.patch(FULL, map("colour", "red")))
        .hasMessage("unknown field in flag: 'colour'");
    assertThatThrownBy(() -> FlagFields.patch(null, Map.of())).hasMessage("flag must not be null");
    assertThatThrownBy(() -> FlagFields.patch(FULL, null)).hasMessage("changes must not be null");
  }

  @Test
  void columns_scopeAndStrings_roundTrip() {
    Scope scope = FULL.scope();
    assertThat(FlagFields.scopeFromJson(FlagFields.scopeToJson(scope))).isEqualTo(scope);
    assertThat(FlagFields.scopeToJson(scope))
        .isEqualTo("{\"plan\":[\"enterprise\",\"pro\"],\"tenant\":[\"acme\"]}");
    assertThat(FlagFields.scopeFromJson(null)).isEqualTo(Scope.EMPTY);
    assertThat(FlagFields.scopeFromJson(" ")).isEqualTo(Scope.EMPTY);
    assertThat(FlagFields.stringsToJson(List.of("b", "a"))).isEqualTo("[\"b\",\"a\"]");
    assertThat(FlagFields.stringsFromJson("tags", "[\"b\",\"a\"]")).containsExactly("b", "a");
    assertThat(FlagFields.stringsFromJson("tags", null)).isEmpty();
    assertThat(FlagFields.stringsFromJson("tags", "")).isEmpty();
    assertThatThrownBy(() -> FlagFields.stringsFromJson("tags", "{}"))
        .hasMessage("tags must be a JSON array");
    assertThatThrownBy(() -> FlagFields.scopeFromJson("{\"plan\": \"pro\""))
        .hasMessageStartingWith("json is malformed");
  }

  @Test
  void scope_over10000Values_isRejectedBeforeItIsCopiedWhole() {
    List<String> half = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      half.add("t" + i);
    }
    Map<String, Object> axes = map("a", half, "b", half, "c", half);
    assertThatThrownBy(() -> FlagFields.patch(FULL, map("scope", axes)))
        .hasMessage("scope must hold at most 10000 values in all: 12000");
    Map<String, Object> exactly = map("a", half.subList(0, 5_000), "b", half.subList(0, 5_000));
    assertThat(FlagFields.patch(FULL, map("scope", exactly)).scope().valueCount())
        .isEqualTo(10_000);
  }
}
