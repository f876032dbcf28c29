package dev.tenantflags.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantflags.FlagValidationException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's JSON object body, read within the size limit and checked field by field: unknown
 * fields, wrong types and malformed JSON become 400 problems naming the field; too many bytes
 * become 413.
 */
final class RequestBody {

  static final int MAX_BYTES = 64 * 1024;

  private final ObjectNode node;

  private RequestBody(ObjectNode node) {
    this.node = node;
  }

  /** An empty body, for requests whose body is optional and absent. */
  static RequestBody empty() {
    return new RequestBody(JsonSupport.MAPPER.createObjectNode());
  }

  /**
   * Reads the body as a JSON object with only {@code allowed} fields.
   *
   * @param required whether an empty body is an error
   */
  static RequestBody read(HttpServletRequest request, Set<String> allowed, boolean required)
      throws IOException {
    byte[] bytes = readBytes(request);
    if (bytes.length == 0 || isBlank(bytes)) {
      if (required) {
        throw Problem.badRequest(null, "request body must be a JSON object");
      }
      return empty();
    }
    JsonNode root;
    try {
      root = JsonSupport.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw Problem.badRequest(
          null,
          "request body is not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw Problem.badRequest(null, "request body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw Problem.badRequest(shorten(name), "unknown field: " + quote(name));
      }
    }
    checkText(null, root);
    return new RequestBody((ObjectNode) root);
  }

  /** Every string and member name, at any depth, named by its top-level field. */
  private static void checkText(String field, JsonNode node) {
    if (node.isTextual()) {
      text(field, node.textValue());
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = field == null ? e.getKey() : field;
        text(name, e.getKey());
        checkText(name, e.getValue());
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        checkText(field, item);
      }
    }
  }

  /** The body as plain Java values (BigDecimal decimals, strings, lists, maps); a new map. */
  @SuppressWarnings("unchecked")
  Map<String, Object> toMap() {
    return JsonSupport.MAPPER.convertValue(node, LinkedHashMap.class);
  }

  private static byte[] readBytes(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > MAX_BYTES) {
      throw tooLarge();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
    byte[] buffer = new byte[8192];
    try (InputStream in = request.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (out.size() + n > MAX_BYTES) {
          throw tooLarge();
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  /**
   * Reads and discards what is left of a body a request was refused before reading, so the
   * connection stays usable for the client's next request.
   *
   * @return false when more than the limit was left (the caller should close the connection)
   */
  static boolean drain(HttpServletRequest request) {
    if (request.getContentLengthLong() > MAX_BYTES) {
      return false;
    }
    try {
      InputStream in = request.getInputStream();
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > MAX_BYTES) {
          return false;
        }
      }
      return true;
    } catch (IOException | IllegalStateException e) {
      // Already read as a reader, or the client went away: nothing left to keep usable.
      return false;
    }
  }

  static Problem tooLarge() {
    return new Problem(
            413,
            "payload-too-large",
            "Payload too large",
            "request body must be at most " + MAX_BYTES + " bytes")
        .header("Connection", "close");
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  boolean has(String field) {
    return node.has(field);
  }

  boolean isNull(String field) {
    JsonNode v = node.get(field);
    return v != null && v.isNull();
  }

  /** A string field: null when absent or JSON null. */
  String string(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new FlagValidationException(field, field + " must be a string");
    }
    return text(field, v.textValue());
  }

  /** Text as SPEC §6 allows it: no control characters but tab and newline. */
  static String text(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (Character.isISOControl(ch) && ch != '\t' && ch != '\n') {
        throw new FlagValidationException(
            field,
            field
                + " must not contain control characters (U+"
                + String.format("%04X", (int) ch)
                + " at "
                + i
                + ")");
      }
    }
    return value;
  }

  String requiredString(String field) {
    String s = string(field);
    if (s == null) {
      throw new FlagValidationException(field, field + " is required");
    }
    return s;
  }

  /** A boolean field: null when absent or JSON null. */
  Boolean bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new FlagValidationException(field, field + " must be true or false");
    }
    return v.booleanValue();
  }

  /** A number field, exact: null when absent or JSON null. */
  BigDecimal number(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new FlagValidationException(field, field + " must be a number");
    }
    return v.decimalValue();
  }

  /** An array of strings: null when absent or JSON null. */
  List<String> strings(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return strings(field, v);
  }

  private static List<String> strings(String field, JsonNode v) {
    if (!v.isArray()) {
      throw new FlagValidationException(field, field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new FlagValidationException(field, field + " must be an array of strings");
      }
      out.add(text(field, item.textValue()));
    }
    return out;
  }

  /** An object of arrays of strings (a scope): null when absent or JSON null. */
  Map<String, Set<String>> stringSets(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new FlagValidationException(field, field + " must be an object of string arrays");
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(text(field, e.getKey()), new TreeSet<>(strings(field, e.getValue())));
    }
    return out;
  }

  /** An object of strings (tenant attributes): null when absent or JSON null. */
  Map<String, String> stringMap(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new FlagValidationException(field, field + " must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new FlagValidationException(field, field + " must be an object of strings");
      }
      out.put(text(field, e.getKey()), text(field, e.getValue().textValue()));
    }
    return out;
  }

  /** At most the first 64 characters of a value, for error messages. */
  static String shorten(String s) {
    if (s.length() <= 64) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(63)) ? 63 : 64;
    return s.substring(0, end) + "…";
  }

  /** A value quoted for an error message: {@code 'first 64 characters…'}. */
  static String quote(String s) {
    return s == null ? "null" : "'" + shorten(s) + "'";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed";
    }
    int nl = s.indexOf('\n');
    return shorten(nl < 0 ? s : s.substring(0, nl));
  }
}
