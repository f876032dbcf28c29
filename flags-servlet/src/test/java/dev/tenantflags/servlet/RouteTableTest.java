package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class RouteTableTest {

  private static final RouteTable TABLE =
      RouteTable.parse(
          "/api/v1/kyc/* = kyc_tiers, /api/v1/disputes/* = dispute_composer,\n"
              + "/api/v1/disputes/export/* = dispute_export, /api/v1/disputes/export/special ="
              + " special_export,*.csv = csv_export, /exact = exact_flag, /* = everything");

  @ParameterizedTest(name = "{0}{1} → {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "/api/v1/kyc/tiers, null, kyc_tiers",
        "/api/v1/kyc, null, kyc_tiers",
        "/api/v1/kyc/, null, kyc_tiers",
        "/api/v1, /kyc/a/b, kyc_tiers",
        "/api/v1/kycx, null, everything",
        "/api/v1/disputes/9, null, dispute_composer",
        "/api/v1/disputes, /export/csv, dispute_export",
        "/api/v1/disputes/export/special, null, special_export",
        "/api/v1/disputes/export/special/x, null, dispute_export",
        "/exact, null, exact_flag",
        "/exact/more, null, everything",
        "/exact/, null, exact_flag",
        "/exa, ct/, exact_flag",
        "/exact//, null, everything",
        "/api/v1/disputes/export/special/, null, special_export",
        "/, null, everything",
        "/report.csv, null, everything"
      })
  void match_servletPrecedence(String servletPath, String pathInfo, String expected) {
    assertThat(TABLE.match(servletPath, pathInfo)).isEqualTo(expected);
  }

  @Test
  void match_extensionWhenNoPrefixMatches() {
    RouteTable table = RouteTable.parse("*.csv = csv_export, /api/* = api");
    assertThat(table.match("/reports/q1.csv", null)).isEqualTo("csv_export");
    assertThat(table.match("/api/q1.csv", null)).isEqualTo("api");
    assertThat(table.match("/reports/q1.csvx", null)).isNull();
    assertThat(table.match("/reports", null)).isNull();
  }

  @Test
  void match_manyPatterns_eachFound() {
    Map<String, String> patterns = new LinkedHashMap<>();
    for (int i = 0; i < 500; i++) {
      patterns.put("/svc/" + i + "/*", "flag_" + i);
      patterns.put("/exact/" + i, "exact_" + i);
    }
    RouteTable table = RouteTable.of(patterns);
    for (int i = 0; i < 500; i++) {
      assertThat(table.match("/svc/" + i + "/x", null)).isEqualTo("flag_" + i);
      assertThat(table.match("/exact", "/" + i)).isEqualTo("exact_" + i);
    }
    assertThat(table.match("/svc/500/x", null)).isNull();
  }

  @Test
  void parse_invalid_throwsNamingEntry() {
    assertThatThrownBy(() -> RouteTable.parse("/a/* kyc")).hasMessageContaining("'/a/* kyc'");
    assertThatThrownBy(() -> RouteTable.parse("/a/*/b = kyc")).hasMessageContaining("'/a/*/b'");
    assertThatThrownBy(() -> RouteTable.parse("a/b = kyc")).hasMessageContaining("'a/b'");
    assertThatThrownBy(() -> RouteTable.parse("/a = Bad Key")).hasMessageContaining("'Bad Key'");
    assertThatThrownBy(() -> RouteTable.parse("/a = x, /a = y")).hasMessageContaining("'/a' twice");
  }

  @Test
  void builder_duplicateRoute_rejected() {
    assertThatThrownBy(() -> FeatureFlagFilter.builder().route("/a/*", "x").route("/a/*", "y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/a/*'");
    assertThatThrownBy(() -> FeatureFlagFilter.builder().denyStatus(500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'500'");
  }
}
