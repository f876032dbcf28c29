package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class JsonTest {

  @Test
  void write_thenParse_roundTripsEveryValueType() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("string", "plain");
    value.put("unicode", "ключ 🚀");
    value.put(
        "escapes",
        "quote \" backslash \\ slash / newline \n return \r tab \t bell \u0007 nul \u0000");
    value.put("html", "<script>&</script> \u2028\u2029");
    value.put("true", true);
    value.put("false", false);
    value.put("null", null);
    value.put("int", 42);
    value.put("long", -9_007_199_254_740_993L);
    value.put("decimal", new BigDecimal("25.50"));
    value.put("list", List.of(1, "two", List.of(), Map.of()));
    value.put("set", new TreeSet<>(Set.of("b", "a")));
    String text = Json.write(value);
    Object parsed = Json.parse(text);

    Map<String, Object> expected = new LinkedHashMap<>(value);
    expected.put("int", new BigDecimal(42));
    expected.put("long", new BigDecimal(-9_007_199_254_740_993L));
    expected.put("list", List.of(new BigDecimal(1), "two", List.of(), Map.of()));
    expected.put("set", List.of("a", "b"));
    assertThat(parsed).isEqualTo(expected);
    assertThat(new ArrayList<Object>(((Map<?, ?>) parsed).keySet()))
        .containsExactlyElementsOf(value.keySet());
  }

  @Test
  void write_escapes_areRfc8259AndHtmlSafe() {
    assertThat(Json.write("a\"b\\c\nd\re\tf\u0001<>&\u2028"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u003c\\u003e\\u0026\\u2028\"");
    assertThat(Json.write(Arrays.asList(null, true, 1L))).isEqualTo("[null,true,1]");
    assertThat(Json.write(new BigDecimal("1E+3"))).isEqualTo("1000");
    // Anything else is written as its string form.
    assertThat(Json.write(FlagState.ON)).isEqualTo("\"ON\"");
  }

  @Test
  void parse_escapesAndWhitespace_areDecoded() {
    assertThat(Json.parse(" \t\r\n \"\\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\\\ud83d\\ude80\" \n"))
        .isEqualTo("é/\b\f\n\r\t\"\\🚀");
    assertThat(Json.parse("[ 1 , -0.5e2 , 1E-2 , true , false , null ]"))
        .isEqualTo(
            Arrays.asList(
                new BigDecimal(1),
                new BigDecimal("-0.5e2"),
                new BigDecimal("1E-2"),
                true,
                false,
                null));
    assertThat(Json.parse("{ }")).isEqualTo(Map.of());
    assertThat(Json.parse("[ ]")).isEqualTo(List.of());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{",
        "[",
        "[1,",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1,}",
        "[1 2]",
        "[1,]",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"\\u12\"",
        "\"\\u12zz\"",
        "\"\\u+041\"",
        "\"\\u-041\"",
        "tru",
        "nul",
        "falsy",
        "-",
        "+1",
        "01",
        "1.",
        ".5",
        "-.5",
        "1e",
        "1e+",
        "1.2.3",
        "--1",
        "{} {}",
        "[] x",
        "1e99999999999",
        "[01]",
        "{\"a\":1 \"b\":2}",
        "\"tab\there\"",
        "{\"a\":1,\"a\":2}",
        "'single'",
        "NaN",
        "Infinity",
      })
  void parse_malformed_isRejectedNamingJsonAndThePosition(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .as("%s", text)
        .isInstanceOf(FlagValidationException.class)
        .hasMessageStartingWith("json is malformed at offset ")
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo("json"));
  }

  @Test
  void parse_errorPosition_pointsAtTheProblem() {
    assertThatThrownBy(() -> Json.parse("{\"a\": [1, 2, x]}"))
        .hasMessage("json is malformed at offset 13: unexpected character 'x'");
    assertThatThrownBy(() -> Json.parse("[1] 2"))
        .hasMessage("json is malformed at offset 4: unexpected text after the value");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}"))
        .hasMessageContaining("duplicate field 'a'");
  }

  @Test
  void parse_nestingDeeperThan64_isRejected() {
    String ok = "[".repeat(64) + "]".repeat(64);
    assertThat(Json.parse(ok)).isInstanceOf(List.class);
    String deep = "[".repeat(65) + "]".repeat(65);
    assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("nesting deeper than 64");
    String deepObjects = "{\"a\":".repeat(65) + "1" + "}".repeat(65);
    assertThatThrownBy(() -> Json.parse(deepObjects))
        .hasMessageContaining("nesting deeper than 64");
    // Far deeper input fails cleanly too, without a StackOverflowError.
    assertThatThrownBy(() -> Json.parse("[".repeat(100_000)))
        .hasMessageContaining("nesting deeper than 64");
  }

  @Test
  void parse_bigInput_isHandled() {
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      items.add(Map.of("k" + i, "v" + i));
    }
    assertThat((List<?>) Json.parse(Json.write(items))).hasSize(20_000);
  }
}
