package dev.tenantflags.remote;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagExport;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.TenantOverride;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code change} event of the relay stream (SPEC §10): the flags that changed, and for each
 * tenant whose overrides changed, that tenant's full override list (empty: it has none left).
 *
 * <p>Parsing: a small strict scanner finds the members and the raw text of the flag and override
 * arrays; the flags and overrides themselves are read by {@link FlagExport#parse}, the project's
 * one codec, so a field added to a flag is read here without change.
 *
 * @param previous the version the event follows
 * @param version the change version the event brings the mirror to
 * @param flags the changed flags
 * @param overrides tenant id to that tenant's full override list
 */
record ChangeEvent(
    long previous, long version, List<Flag> flags, Map<String, List<TenantOverride>> overrides) {

  ChangeEvent {
    flags = List.copyOf(flags);
    overrides = Map.copyOf(overrides);
  }

  /**
   * Parses an event's data.
   *
   * @throws FlagValidationException if the text is not a valid change event
   */
  static ChangeEvent parse(String json, String environment) {
    Scanner s = new Scanner(json);
    long version = -1;
    long previous = -1;
    String flagsRaw = "[]";
    Map<String, String> tenantRaw = new LinkedHashMap<>();
    s.expect('{');
    if (!s.tryConsume('}')) {
      do {
        String name = s.string();
        s.expect(':');
        switch (name) {
          case "version" -> version = s.longValue();
          case "previous" -> previous = s.longValue();
          case "flags" -> flagsRaw = s.rawArray();
          case "overrides" -> {
            s.expect('{');
            if (!s.tryConsume('}')) {
              do {
                String tenant = s.string();
                s.expect(':');
                tenantRaw.put(tenant, s.rawArray());
              } while (s.tryConsume(','));
              s.expect('}');
            }
          }
          default -> s.skipValue(); // fields added by newer servers
        }
      } while (s.tryConsume(','));
      s.expect('}');
    }
    s.end();
    if (version < 0) {
      throw new FlagValidationException("version", "change event must have a version");
    }
    StringBuilder all = new StringBuilder();
    for (String raw : tenantRaw.values()) {
      String inner = raw.substring(1, raw.length() - 1).trim();
      if (!inner.isEmpty()) {
        all.append(all.length() == 0 ? "" : ",").append(inner);
      }
    }
    FlagExport export =
        FlagExport.parse(
            "{\"environment\":\""
                + environment
                + "\",\"flags\":"
                + flagsRaw
                + ",\"overrides\":["
                + all
                + "]}",
            environment);
    Map<String, List<TenantOverride>> overrides = new LinkedHashMap<>();
    for (String tenant : tenantRaw.keySet()) {
      overrides.put(tenant, new ArrayList<>());
    }
    for (TenantOverride o : export.overrides()) {
      List<TenantOverride> list = overrides.get(o.tenantId());
      if (list == null) {
        throw new FlagValidationException(
            "overrides", "an override is listed under another tenant than its own");
      }
      list.add(o);
    }
    overrides.replaceAll((t, list) -> List.copyOf(list));
    return new ChangeEvent(previous < 0 ? version : previous, version, export.flags(), overrides);
  }

  /** A strict JSON scanner over one string: just enough to split a change event. */
  private static final class Scanner {
    private static final int MAX_DEPTH = 64;
    private final String text;
    private int pos;

    Scanner(String text) {
      this.text = text;
    }

    void ws() {
      while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
    }

    void expect(char c) {
      ws();
      if (pos >= text.length() || text.charAt(pos) != c) {
        throw bad("expected '" + c + "'");
      }
      pos++;
    }

    boolean tryConsume(char c) {
      ws();
      if (pos < text.length() && text.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    void end() {
      ws();
      if (pos != text.length()) {
        throw bad("trailing characters");
      }
    }

    long longValue() {
      ws();
      int start = pos;
      if (pos < text.length() && text.charAt(pos) == '-') {
        pos++;
      }
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
      if (pos == start || pos - start > 19) {
        throw bad("expected an integer");
      }
      try {
        return Long.parseLong(text.substring(start, pos));
      } catch (NumberFormatException e) {
        throw bad("expected an integer");
      }
    }

    String rawArray() {
      ws();
      int start = pos;
      if (pos >= text.length() || text.charAt(pos) != '[') {
        throw bad("expected an array");
      }
      skipValue();
      return text.substring(start, pos);
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw bad("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (pos >= text.length()) {
          throw bad("unterminated string");
        }
        char e = text.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw bad("bad escape");
            }
            try {
              b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw bad("bad escape");
            }
            pos += 4;
          }
          default -> throw bad("bad escape");
        }
      }
    }

    void skipValue() {
      skipValue(0);
    }

    private void skipValue(int depth) {
      if (depth > MAX_DEPTH) {
        throw bad("nested too deeply");
      }
      ws();
      if (pos >= text.length()) {
        throw bad("unexpected end");
      }
      char c = text.charAt(pos);
      switch (c) {
        case '"' -> string();
        case '{' -> {
          pos++;
          if (!tryConsume('}')) {
            do {
              string();
              expect(':');
              skipValue(depth + 1);
            } while (tryConsume(','));
            expect('}');
          }
        }
        case '[' -> {
          pos++;
          if (!tryConsume(']')) {
            do {
              skipValue(depth + 1);
            } while (tryConsume(','));
            expect(']');
          }
        }
        default -> {
          int start = pos;
          while (pos < text.length() && "+-.eE0123456789truefalsn".indexOf(text.charAt(pos)) >= 0) {
            pos++;
          }
          if (pos == start) {
            throw bad("unexpected character");
          }
        }
      }
    }

    private FlagValidationException bad(String what) {
      return new FlagValidationException(
          "change", "malformed change event at " + pos + ": " + what);
    }
  }
}
