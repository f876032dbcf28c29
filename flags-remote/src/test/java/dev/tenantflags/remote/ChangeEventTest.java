package dev.tenantflags.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.FlagState;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.TenantOverride;
import org.junit.jupiter.api.Test;

final class ChangeEventTest {

  @Test
  void parse_flagsAndTenantLists_readsThemThroughTheExportCodec() {
    ChangeEvent e =
        ChangeEvent.parse(
            "{\"version\":43,\"previous\":41,"
                + "\"flags\":[{\"key\":\"checkout\",\"state\":\"ROLLOUT\",\"rolloutPercent\":25.5,"
                + "\"version\":7}],"
                + "\"overrides\":{\"ac\\u006de\":[{\"flagKey\":\"checkout\",\"tenantId\":\"acme\","
                + "\"enabled\":true,\"locked\":true,\"note\":\"pilot\"}],\"globex\":[]},"
                + "\"future\":{\"x\":[1,2,{\"y\":null}]}}",
            "production");
    assertThat(e.version()).isEqualTo(43);
    assertThat(e.previous()).isEqualTo(41);
    assertThat(e.flags())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.key()).isEqualTo("checkout");
              assertThat(f.state()).isEqualTo(FlagState.ROLLOUT);
              assertThat(f.version()).isEqualTo(7);
            });
    assertThat(e.overrides()).containsOnlyKeys("acme", "globex");
    assertThat(e.overrides().get("acme"))
        .extracting(TenantOverride::enabled, TenantOverride::locked, TenantOverride::note)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(true, true, "pilot"));
    assertThat(e.overrides().get("globex")).isEmpty();
  }

  @Test
  void parse_overrideUnderAnotherTenant_isRejected() {
    assertThatThrownBy(
            () ->
                ChangeEvent.parse(
                    "{\"version\":2,\"flags\":[],\"overrides\":{\"globex\":[{\"flagKey\":\"a\","
                        + "\"tenantId\":\"acme\",\"enabled\":true}]}}",
                    "production"))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageContaining("another tenant");
  }

  @Test
  void parse_malformed_isRejectedNamingThePosition() {
    for (String bad :
        new String[] {
          "",
          "{",
          "{\"version\":}",
          "{\"version\":1,\"flags\":{}}",
          "{\"version\":1} x",
          "{\"flags\":[]}",
          "{\"version\":1,\"overrides\":{\"a\":[}}"
        }) {
      assertThatThrownBy(() -> ChangeEvent.parse(bad, "production"))
          .as(bad)
          .isInstanceOf(FlagValidationException.class);
    }
  }
}
