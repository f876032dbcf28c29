package dev.tenantflags;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * Why a hand-written JSON codec: flags-core may depend on slf4j-api and Caffeine only, yet it writes
 * audit before/after JSON and reads bootstrap and seed files. The format is small and fixed (objects,
 * arrays, strings, numbers, booleans, null), so this covers RFC 8259 for exactly that and nothing else.
 * Modules that may use Jackson (flags-servlet) do, and read and write the same shape.
 */
/*
 * Hostile input: nesting is limited (MAX_DEPTH), as are the length of one string (MAX_STRING) and
 * of one number (MAX_NUMBER, as Jackson's default); numbers become BigDecimals without being
 * expanded, and the writer never expands them either (1e999999999 stays 1E+999999999). The whole
 * text is a String the caller has already bounded (the admin API reads at most 64 KiB).
 */
/** Minimal RFC 8259 reader and writer for the export format. */
final class Json {
  static final int MAX_DEPTH = 64;
  static final int MAX_STRING = 1_000_000;
  static final int MAX_NUMBER = 1_000;

  private final String text;
  private int pos;
  private int depth;

  private Json(String text) {
    this.text = text;
  }

  // ---- writing -------------------------------------------------------------------------------

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof BigDecimal d) {
      // Plain only when that is short: toPlainString of 1E+999999999 is a billion characters.
      boolean plain = d.scale() >= -Checks.MAX_DIGITS && d.scale() <= Checks.MAX_DIGITS;
      out.append(plain ? d.toPlainString() : d.toString());
    } else if (value instanceof Number n && !(value instanceof Double || value instanceof Float)) {
      out.append(n);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof Iterable<?> items) {
      out.append('[');
      Iterator<?> it = items.iterator();
      while (it.hasNext()) {
        write(out, it.next());
        if (it.hasNext()) {
          out.append(',');
        }
      }
      out.append(']');
    } else {
      string(out, value.toString());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Escaping <, > and & keeps JSON safe to embed in HTML as well.
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  // ---- reading -------------------------------------------------------------------------------

  /**
   * Parses JSON into maps (insertion-ordered), lists, strings, BigDecimals, booleans and null.
   *
   * @throws FlagValidationException naming {@code json} and the position of the first error
   */
  static Object parse(String text) {
    Json json = new Json(text);
    json.skipSpace();
    Object value = json.value();
    json.skipSpace();
    if (json.pos != text.length()) {
      throw json.error("unexpected text after the value");
    }
    return value;
  }

  private Object value() {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character " + Checks.quote(String.valueOf(c)));
    }
  }

  private Map<String, Object> object() {
    enter();
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      depth--;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a field name");
      }
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (map.containsKey(name)) {
        throw error("duplicate field " + Checks.quote(name));
      }
      map.put(name, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        depth--;
        return map;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() {
    enter();
    pos++;
    List<Object> list = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      depth--;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value());
      skipSpace();
      char c = next();
      if (c == ']') {
        depth--;
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (out.length() >= MAX_STRING) {
        throw error("string longer than " + MAX_STRING + " characters");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            // Exactly four hex digits: Integer.parseInt would also take a sign ("\\u+041").
            int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
              throw error("bad \\u escape");
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
          pos += 4;
        }
        default -> throw error("bad escape '\\" + e + "'");
      }
    }
  }

  /**
   * RFC 8259: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}; BigDecimal alone is
   * laxer.
   */
  private BigDecimal number() {
    int start = pos;
    if (pos < text.length() && text.charAt(pos) == '-') {
      pos++;
    }
    if (pos < text.length() && text.charAt(pos) == '0') {
      pos++;
    } else if (digits() == 0) {
      throw error("bad number");
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      if (digits() == 0) {
        throw error("bad number");
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw error("bad number");
      }
    }
    if (pos - start > MAX_NUMBER) {
      pos = start;
      throw error("number longer than " + MAX_NUMBER + " characters");
    }
    try {
      // The exponent is kept, not applied: 1e999999999 costs as little as 1.
      return new BigDecimal(text.substring(start, pos));
    } catch (NumberFormatException e) {
      // Grammatical but beyond BigDecimal, e.g. an exponent over 2^31.
      pos = start;
      throw error("number out of range");
    }
  }

  private int digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos - start;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected token");
    }
    pos += word.length();
    return value;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      pos--;
      throw error("expected '" + c + "'");
    }
  }

  private FlagValidationException error(String what) {
    return new FlagValidationException("json", "json is malformed at offset " + pos + ": " + what);
  }
}
