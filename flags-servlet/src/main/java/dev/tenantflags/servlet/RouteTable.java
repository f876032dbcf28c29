package dev.tenantflags.servlet;

import dev.tenantflags.Flag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Servlet-style path patterns compiled for allocation-free matching.
 *
 * <pre>
 * Design note
 *
 * Matching follows the servlet specification's precedence: an exact pattern (which also matches the
 * same path with one trailing slash, as many routers serve both), then the longest
 * "/prefix/*" pattern (which also matches "/prefix" itself; "/*" matches everything), then a "*.ext"
 * pattern. The path is the concatenation of two strings (servlet path and path info) that are never
 * actually concatenated: one left-to-right walk computes String.hashCode() of every prefix that ends
 * before a '/' (and of the whole path), and looks each up in open-addressed tables that compare
 * candidates region by region. So a lookup costs one pass over the path, takes no lock and allocates
 * nothing. Extensions are few and scanned linearly.
 *
 * Concurrency: immutable after construction.
 * </pre>
 */
final class RouteTable {

  private final Table exact;
  private final Table prefix;
  private final String[] extensions;
  private final String[] extensionFlags;
  private final Map<String, String> patterns;

  private RouteTable(Map<String, String> patterns) {
    this.patterns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(patterns));
    Map<String, String> exacts = new LinkedHashMap<>();
    Map<String, String> prefixes = new LinkedHashMap<>();
    List<String> exts = new ArrayList<>();
    List<String> extFlags = new ArrayList<>();
    patterns.forEach(
        (pattern, flag) -> {
          if (pattern.startsWith("*.")) {
            exts.add(pattern.substring(1));
            extFlags.add(flag);
          } else if (pattern.endsWith("/*")) {
            prefixes.put(pattern.substring(0, pattern.length() - 2), flag);
          } else {
            exacts.put(pattern, flag);
          }
        });
    this.exact = new Table(exacts);
    this.prefix = new Table(prefixes);
    this.extensions = exts.toArray(new String[0]);
    this.extensionFlags = extFlags.toArray(new String[0]);
  }

  /**
   * Compiles patterns.
   *
   * @param patterns pattern to flag key, in any order
   * @throws IllegalArgumentException naming an invalid pattern or flag key
   */
  static RouteTable of(Map<String, String> patterns) {
    for (Map.Entry<String, String> e : patterns.entrySet()) {
      checkPattern(e.getKey());
      try {
        Flag.of(e.getValue());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(
            "flag key of route '"
                + e.getKey()
                + "' must match ^[a-z][a-z0-9_.-]{0,63}$: '"
                + e.getValue()
                + "'");
      }
    }
    return new RouteTable(patterns);
  }

  /**
   * Parses the {@code routes} init-parameter: {@code pattern = flag_key} pairs separated by commas
   * or new lines.
   *
   * @throws IllegalArgumentException naming the malformed entry
   */
  static RouteTable parse(String spec) {
    Map<String, String> patterns = new LinkedHashMap<>();
    if (spec != null) {
      for (String entry : spec.split("[,\\n]")) {
        String trimmed = entry.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        int eq = trimmed.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(
              "routes entry must be 'pattern = flag_key': '" + trimmed + "'");
        }
        String pattern = trimmed.substring(0, eq).trim();
        String flag = trimmed.substring(eq + 1).trim();
        if (patterns.put(pattern, flag) != null) {
          throw new IllegalArgumentException("routes names pattern '" + pattern + "' twice");
        }
      }
    }
    return of(patterns);
  }

  static void checkPattern(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("route pattern must not be empty");
    }
    boolean extension =
        pattern.startsWith("*.")
            && pattern.length() > 2
            && pattern.indexOf('/') < 0
            && pattern.indexOf('*', 1) < 0;
    boolean path =
        pattern.startsWith("/")
            && (pattern.indexOf('*') < 0
                || (pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1));
    if (!extension && !path) {
      throw new IllegalArgumentException(
          "route pattern must be an exact path, '/prefix/*' or '*.ext': '" + pattern + "'");
    }
  }

  /** The patterns as configured. */
  Map<String, String> patterns() {
    return patterns;
  }

  boolean isEmpty() {
    return patterns.isEmpty();
  }

  /**
   * Returns the flag key gating a path, or null.
   *
   * @param a the first part of the path (servlet path), never null
   * @param b the second part (path info), or null
   */
  String match(String a, String b) {
    int alen = a.length();
    int len = b == null ? alen : alen + b.length();
    String best = null;
    int h = 0;
    int beforeLast = 0;
    char last = 0;
    for (int i = 0; i < len; i++) {
      char c = i < alen ? a.charAt(i) : b.charAt(i - alen);
      if (c == '/' && prefix.size > 0) {
        String f = prefix.find(h, i, a, b);
        if (f != null) {
          best = f;
        }
      }
      beforeLast = h;
      last = c;
      h = 31 * h + c;
    }
    if (exact.size > 0) {
      String f = exact.find(h, len, a, b);
      if (f == null && last == '/' && len > 1) {
        // SPEC §5: an exact pattern also matches its twin with one trailing slash.
        f = exact.find(beforeLast, len - 1, a, b);
      }
      if (f != null) {
        return f;
      }
    }
    if (prefix.size > 0) {
      String f = prefix.find(h, len, a, b);
      if (f != null) {
        return f;
      }
    }
    if (best != null) {
      return best;
    }
    return extensions.length == 0 ? null : matchExtension(a, b, len);
  }

  private String matchExtension(String a, String b, int len) {
    for (int e = 0; e < extensions.length; e++) {
      String ext = extensions[e];
      int start = len - ext.length();
      if (start < 0 || !regionEquals(ext, start, a, b)) {
        continue;
      }
      return extensionFlags[e];
    }
    return null;
  }

  /**
   * Whether {@code key} equals the path region starting at {@code start} (to the path's end or
   * key's length).
   */
  static boolean regionEquals(String key, int start, String a, String b) {
    int alen = a.length();
    int klen = key.length();
    int k = 0;
    int i = start;
    if (i < alen) {
      int n = Math.min(klen, alen - i);
      if (!a.regionMatches(i, key, 0, n)) {
        return false;
      }
      k = n;
      i += n;
    }
    if (k == klen) {
      return true;
    }
    return b != null && b.regionMatches(i - alen, key, k, klen - k);
  }

  /** An open-addressed string table looked up by (hash, length) of a path prefix. */
  private static final class Table {
    final String[] keys;
    final int[] hashes;
    final String[] values;
    final int mask;
    final int size;

    Table(Map<String, String> entries) {
      int capacity = 4;
      while (capacity < entries.size() * 4) {
        capacity <<= 1;
      }
      keys = new String[capacity];
      hashes = new int[capacity];
      values = new String[capacity];
      mask = capacity - 1;
      size = entries.size();
      entries.forEach(
          (key, value) -> {
            int h = key.hashCode();
            int slot = spread(h) & mask;
            while (keys[slot] != null) {
              slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            hashes[slot] = h;
            values[slot] = value;
          });
    }

    static int spread(int h) {
      return h ^ (h >>> 16);
    }

    /** The value of the key equal to the path's first {@code length} characters, or null. */
    String find(int hash, int length, String a, String b) {
      int slot = spread(hash) & mask;
      String key;
      while ((key = keys[slot]) != null) {
        if (hashes[slot] == hash && key.length() == length && regionEquals(key, 0, a, b)) {
          return values[slot];
        }
        slot = (slot + 1) & mask;
      }
      return null;
    }
  }
}
