package dev.tenantflags.servlet;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.MappingMatch;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The route segments and query parameters of an admin API request, decoded by this class from the
 * raw request URI rather than taken from the container, so that an encoded {@code /} ({@code %2F})
 * or a dot segment ({@code ..}) can never change which resource a request addresses: either is a
 * 400.
 *
 * <p>The query string is parsed here too, never with {@code getParameter}, which would consume a
 * form-encoded body.
 */
final class ApiRequest {

  final List<String> segments;
  final Map<String, String> query;

  private ApiRequest(List<String> segments, Map<String, String> query) {
    this.segments = segments;
    this.query = query;
  }

  static ApiRequest of(HttpServletRequest request) {
    return new ApiRequest(segments(request), query(request.getQueryString()));
  }

  String segment(int i) {
    return segments.get(i);
  }

  int size() {
    return segments.size();
  }

  private static List<String> segments(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    if (uri == null) {
      uri = "/";
    }
    if (context != null && !context.isEmpty() && uri.startsWith(context)) {
      uri = uri.substring(context.length());
    }
    List<String> raw = new ArrayList<>();
    for (String s : uri.split("/", -1)) {
      raw.add(s);
    }
    // The URI starts with '/', so the first piece is empty; a trailing '/' leaves an empty last
    // piece.
    if (!raw.isEmpty() && raw.get(0).isEmpty()) {
      raw.remove(0);
    }
    if (!raw.isEmpty() && raw.get(raw.size() - 1).isEmpty()) {
      raw.remove(raw.size() - 1);
    }
    List<String> decoded = new ArrayList<>(raw.size());
    for (String segment : raw) {
      decoded.add(decodeSegment(segment));
    }
    int skip = mappedSegments(request);
    if (skip > decoded.size()) {
      skip = decoded.size();
    }
    return Collections.unmodifiableList(decoded.subList(skip, decoded.size()));
  }

  /** How many leading segments belong to the servlet mapping (e.g. 1 for {@code /api/*}). */
  private static int mappedSegments(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    if (mapping == null || mapping.getMappingMatch() != MappingMatch.PATH) {
      return 0;
    }
    String servletPath = request.getServletPath();
    int count = 0;
    for (int i = 0; i < servletPath.length(); i++) {
      if (servletPath.charAt(i) == '/') {
        count++;
      }
    }
    return count;
  }

  static String decodeSegment(String raw) {
    if (raw.isEmpty()) {
      throw Problem.badRequest("path", "path must not contain empty segments");
    }
    if (raw.indexOf(';') >= 0) {
      throw Problem.badRequest(
          "path", "path segments must not contain ';': '" + RequestBody.shorten(raw) + "'");
    }
    String s = percentDecode(raw, false, "path");
    if (s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0) {
      throw Problem.badRequest(
          "path",
          "path segments must not be '.' or '..' or contain '/' or '\\': '"
              + RequestBody.shorten(raw)
              + "'");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw Problem.badRequest("path", "path segments must not contain control characters");
      }
    }
    return s;
  }

  static Map<String, String> query(String queryString) {
    if (queryString == null || queryString.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : queryString.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq), true, "query");
      String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), true, "query");
      if (out.putIfAbsent(name, value) != null) {
        throw Problem.badRequest(
            name, "query parameter '" + RequestBody.shorten(name) + "' must not repeat");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Strict UTF-8 percent-decoding; {@code +} means space only in a query. */
  private static String percentDecode(String s, boolean plusIsSpace, String field) {
    if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()
            || Character.digit(s.charAt(i + 1), 16) < 0
            || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw Problem.badRequest(field, field + " has a malformed percent-escape");
        }
        bytes.write(
            Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else {
        // Copy the run up to the next escape whole, so surrogate pairs stay together.
        int end = i + 1;
        while (end < s.length() && s.charAt(end) != '%' && !(plusIsSpace && s.charAt(end) == '+')) {
          end++;
        }
        byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i = end - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw Problem.badRequest(field, field + " is not valid UTF-8 after percent-decoding");
    }
  }
}
