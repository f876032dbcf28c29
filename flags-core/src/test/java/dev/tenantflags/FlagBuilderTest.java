package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Flag.Builder}: validating setters, whole-flag checks in build, and toBuilder. */
final class FlagBuilderTest {

  @Test
  void builder_noSetters_buildsTheDefaultsOfFlagOf() {
    Flag.Builder b = Flag.builder("f");
    assertThat(b.key()).isEqualTo("f");
    assertThat(b.build()).isEqualTo(Flag.of("f"));
  }

  @Test
  void builder_everySetter_landsInItsField() {
    Instant at = Instant.parse("2026-11-21T12:00:00.123Z");
    Flag f =
        Flag.builder("f")
            .description("d")
            .module("fin")
            .state(FlagState.ROLLOUT)
            .rolloutPercent("25.5")
            .rolloutSalt("salt")
            .scope(Scope.of("plan", "pro"))
            .prerequisites(List.of("a", "b"))
            .tenantEditable(true)
            .tags(List.of("z", "a"))
            .archived(true)
            .version(7)
            .updatedAt(at)
            .updatedBy("alice")
            .build();
    assertThat(f.description()).isEqualTo("d");
    assertThat(f.module()).isEqualTo("fin");
    assertThat(f.state()).isEqualTo(FlagState.ROLLOUT);
    assertThat(f.rolloutBasisPoints()).isEqualTo(2550);
    assertThat(f.rolloutSalt()).isEqualTo("salt");
    assertThat(f.scope()).isEqualTo(Scope.of("plan", "pro"));
    assertThat(f.prerequisites()).containsExactly("a", "b");
    assertThat(f.tenantEditable()).isTrue();
    assertThat(f.tags()).containsExactly("a", "z");
    assertThat(f.archived()).isTrue();
    assertThat(f.version()).isEqualTo(7);
    assertThat(f.updatedAt()).isEqualTo(at);
    assertThat(f.updatedBy()).isEqualTo("alice");
  }

  @Test
  void toBuilder_unchanged_buildsAnEqualFlag() {
    Flag f =
        Flag.builder("f")
            .description("d")
            .state(FlagState.ON)
            .rolloutBasisPoints(1234)
            .tags(List.of("beta"))
            .prerequisites(List.of("g"))
            .version(3)
            .updatedBy("bob")
            .build();
    assertThat(f.toBuilder().build()).isEqualTo(f);
    assertThat(f.toBuilder().state(FlagState.OFF).build())
        .isEqualTo(f.withState(FlagState.OFF))
        .isNotEqualTo(f);
  }

  @Test
  void setter_calledTwice_lastValueWins() {
    Flag f = Flag.builder("f").description("one").description("two").build();
    assertThat(f.description()).isEqualTo("two");
  }

  @Test
  void setters_invalidValue_failAtOnceNamingTheField() {
    Flag.Builder b = Flag.builder("f");
    assertThatThrownBy(() -> b.description("x".repeat(1001)))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("description must be at most 1000 characters: 1001");
    assertThatThrownBy(() -> b.module("m".repeat(65)))
        .hasMessage("module must be at most 64 characters: 65");
    assertThatThrownBy(() -> b.state(null)).hasMessage("state must not be null");
    assertThatThrownBy(() -> b.rolloutBasisPoints(10_001))
        .hasMessage("rolloutPercent must be between 0 and 100: 100.01");
    assertThatThrownBy(() -> b.rolloutBasisPoints(-1))
        .hasMessage("rolloutPercent must be between 0 and 100: -0.01");
    assertThatThrownBy(() -> b.rolloutPercent((BigDecimal) null))
        .hasMessage("rolloutPercent must not be null");
    assertThatThrownBy(() -> b.rolloutPercent("lots"))
        .hasMessage("rolloutPercent must be a number: 'lots'");
    assertThatThrownBy(() -> b.rolloutPercent(""))
        .hasMessage("rolloutPercent must be a number: ''");
    assertThatThrownBy(() -> b.rolloutSalt("")).hasMessage("rolloutSalt must not be empty");
    assertThatThrownBy(() -> b.rolloutSalt("s".repeat(257)))
        .hasMessage("rolloutSalt must be at most 256 characters: 257");
    assertThatThrownBy(() -> b.scope(null)).hasMessage("scope must not be null");
    assertThatThrownBy(() -> b.prerequisites(null)).hasMessage("prerequisites must not be null");
    assertThatThrownBy(() -> b.prerequisites(List.of("a", "a")))
        .hasMessage("prerequisites must not repeat a key: 'a'");
    assertThatThrownBy(() -> b.prerequisites(Arrays.asList("a", null)))
        .hasMessage("prerequisites must not be null");
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      many.add("p" + i);
    }
    assertThatThrownBy(() -> b.prerequisites(many))
        .hasMessage("prerequisites must hold at most 50 keys: 51");
    assertThatThrownBy(() -> b.tags(null)).hasMessage("tags must not be null");
    assertThatThrownBy(() -> b.tags(Arrays.asList("ok", null)))
        .hasMessage("tags must be 1 to 64 characters: null");
    assertThatThrownBy(() -> b.tags(List.of(" ")))
        .hasMessage("tags must be 1 to 64 characters: ' '");
    List<String> manyTags = new ArrayList<>(many);
    assertThatThrownBy(() -> b.tags(manyTags)).hasMessage("tags must hold at most 50 tags: 51");
    assertThatThrownBy(() -> b.version(-1)).hasMessage("version must not be negative: -1");
    assertThatThrownBy(() -> b.updatedBy("")).hasMessage("updatedBy must not be empty");
    // Nothing above changed the builder.
    assertThat(b.build()).isEqualTo(Flag.of("f"));
  }

  @Test
  void build_selfPrerequisite_isRejectedNamingPrerequisites() {
    Flag.Builder b = Flag.builder("f").prerequisites(List.of("g", "f"));
    assertThatThrownBy(b::build)
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("prerequisites must not contain the flag itself: 'f'")
        .satisfies(
            e -> assertThat(((FlagValidationException) e).field()).isEqualTo("prerequisites"));
  }

  @Test
  void builder_badKey_isRejectedNamingKey() {
    assertThatThrownBy(() -> Flag.builder("Bad"))
        .hasMessage("key must match ^[a-z][a-z0-9_.-]{0,63}$: 'Bad'");
    assertThatThrownBy(() -> Flag.builder(null)).hasMessage("key must not be null");
    assertThatThrownBy(() -> Flag.builder("k".repeat(65))).hasMessageStartingWith("key must match");
  }

  @Test
  void updatedAt_withNanoseconds_isKeptToTheMillisecondAsStoresAndJsonDo() {
    Instant precise = Instant.parse("2026-11-21T12:00:00.123456789Z");
    assertThat(Flag.builder("f").updatedAt(precise).build().updatedAt())
        .isEqualTo(Instant.parse("2026-11-21T12:00:00.123Z"));
    assertThat(new TenantOverride("f", "acme", true, false, null, precise, null).updatedAt())
        .isEqualTo(Instant.parse("2026-11-21T12:00:00.123Z"));
  }

  @Test
  void effectiveSalt_isTheSaltOrTheKey() {
    assertThat(Flag.of("f").effectiveSalt()).isEqualTo("f");
    assertThat(Flag.builder("f").rolloutSalt("s").build().effectiveSalt()).isEqualTo("s");
  }
}
