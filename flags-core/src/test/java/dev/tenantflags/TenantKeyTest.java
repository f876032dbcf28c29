package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TenantKey}: SPEC §4 caps, linear construction, and the trusted attribute map. */
final class TenantKeyTest {

  private static Map<String, String> attributes(int n) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("a" + i, "v" + i);
    }
    return m;
  }

  @Test
  void of_idAndMap_holdsTheAttributesAndTenantIsTheId() {
    TenantKey key = TenantKey.of("acme", Map.of("plan", "pro"));
    assertThat(key.attribute("plan")).isEqualTo("pro");
    assertThat(key.attribute("tenant")).isEqualTo("acme");
    assertThat(key.attribute("missing")).isNull();
    assertThat(key.attributes()).containsExactly(Map.entry("plan", "pro"));
    assertThat(key.attributes().containsKey("plan")).isTrue();
    assertThat(key).isEqualTo(TenantKey.of("acme").with("plan", "pro"));
    assertThat(key).isEqualTo(new TenantKey("acme", new HashMap<>(Map.of("plan", "pro"))));
    assertThat(key.hashCode()).isEqualTo(TenantKey.of("acme").with("plan", "pro").hashCode());
  }

  @Test
  void attributes_areUnmodifiableAndCopied() {
    Map<String, String> source = new HashMap<>(Map.of("plan", "pro"));
    TenantKey key = TenantKey.of("acme", source);
    source.put("plan", "free");
    assertThat(key.attribute("plan")).isEqualTo("pro");
    assertThatThrownBy(() -> key.attributes().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> key.attributes().entrySet().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builder_attributesOneByOne_equalsOfWithTheMap() {
    TenantKey built =
        TenantKey.builder("acme")
            .attribute("plan", "pro")
            .attributes(Map.of("region", "eu"))
            .attribute("plan", "enterprise")
            .build();
    assertThat(built).isEqualTo(TenantKey.of("acme", Map.of("plan", "enterprise", "region", "eu")));
  }

  @Test
  void hundredAttributes_areAccepted_101AreRejectedNamingAttributes() {
    assertThat(TenantKey.of("acme", attributes(100)).attributes()).hasSize(100);
    assertThatThrownBy(() -> TenantKey.of("acme", attributes(101)))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("attributes must hold at most 100 entries: 101")
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo("attributes"));
    TenantKey full = TenantKey.of("acme", attributes(100));
    assertThatThrownBy(() -> full.with("one_more", "x"))
        .hasMessage("attributes must hold at most 100 entries: 101");
    // Replacing an attribute of a full key is not one too many.
    assertThat(full.with("a0", "new").attribute("a0")).isEqualTo("new");
    TenantKey.Builder b = TenantKey.builder("acme").attributes(attributes(100));
    assertThat(b.attribute("a5", "again").build().attributes()).hasSize(100);
    assertThatThrownBy(() -> b.attribute("x", "y"))
        .hasMessage("attributes must hold at most 100 entries: 101");
    assertThatThrownBy(() -> TenantKey.builder("acme").attributes(attributes(101)))
        .hasMessage("attributes must hold at most 100 entries: 101");
  }

  @Test
  void fiveThousandAttributes_areRejectedWithoutWaiting() {
    // Issue 10: 5,500 attributes once took more than 30 s (a copy and re-check per attribute).
    Map<String, String> hostile = attributes(5_500);
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertThatThrownBy(() -> TenantKey.of("acme", hostile))
              .hasMessage("attributes must hold at most 100 entries: 5500");
          TenantKey.Builder b = TenantKey.builder("acme");
          assertThatThrownBy(() -> hostile.forEach(b::attribute))
              .hasMessage("attributes must hold at most 100 entries: 101");
        });
  }

  @Test
  void limits_idNameAndValue_areEnforcedNamingTheField() {
    assertThat(TenantKey.of("i".repeat(256)).id()).hasSize(256);
    assertThatThrownBy(() -> TenantKey.of("i".repeat(257)))
        .hasMessage("tenant must be at most 256 characters: 257");
    assertThatThrownBy(() -> TenantKey.of("")).hasMessage("tenant must not be empty");
    assertThatThrownBy(() -> TenantKey.of(null)).hasMessage("tenant must not be empty");
    assertThatThrownBy(() -> TenantKey.builder("")).hasMessage("tenant must not be empty");
    assertThat(TenantKey.of("acme").with("plan", "v".repeat(1024)).attribute("plan")).hasSize(1024);
    assertThatThrownBy(() -> TenantKey.of("acme").with("plan", "v".repeat(1025)))
        .hasMessage("attribute 'plan' must be at most 1024 characters: 1025");
    assertThat(TenantKey.of("acme").with("n".repeat(64), "v").attributes()).hasSize(1);
    assertThatThrownBy(() -> TenantKey.of("acme").with("n".repeat(65), "v"))
        .hasMessageStartingWith("attribute name must match ^[A-Za-z_][A-Za-z0-9_.-]{0,63}$: 'nnnn")
        .hasMessageEndingWith("…'");
    assertThatThrownBy(() -> TenantKey.of("acme").with(null, "v"))
        .hasMessage("attribute name must match ^[A-Za-z_][A-Za-z0-9_.-]{0,63}$: null");
    assertThatThrownBy(() -> TenantKey.of("acme").with("tenant", "v"))
        .hasMessage("attribute 'tenant' is reserved for the tenant id");
    assertThatThrownBy(() -> TenantKey.of("acme").with("plan", null))
        .hasMessage("attribute 'plan' must not be null");
    assertThatThrownBy(() -> new TenantKey("acme", null)).hasMessage("attributes must not be null");
  }

  @Test
  void controlCharacters_inIdOrValue_areRejectedNamingTheField() {
    assertThatThrownBy(() -> TenantKey.of("ac\u0000me"))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("tenant must not contain control characters: U+0000 at index 2");
    assertThatThrownBy(() -> TenantKey.of("acme").with("plan", "pro\r"))
        .hasMessage("attribute 'plan' must not contain control characters: U+000D at index 3")
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo("attributes"));
    assertThat(TenantKey.of("ключ").with("plan", "pro ✓").attribute("plan")).isEqualTo("pro ✓");
    // SPEC §6: tab and newline are the two control characters text may hold.
    assertThat(TenantKey.of("tab\there").with("plan", "a\nb").attribute("plan")).isEqualTo("a\nb");
  }
}
