package dev.tenantflags;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/*
 * Design: the single home of a flag's JSON form. Each field is one constant of Field below, which
 * says its JSON name, whether a client may write it, how to write it and how to read it into a
 * Flag.Builder (whose setters hold the validation). The export (FlagExport), the admin API's JSON
 * and PATCH (flags-servlet), audit before/after JSON (FlagAdmin) and the JSON columns of flags-jdbc
 * all go through here, so adding a field to Flag touches Flag, this enum, and the stores.
 *
 * Values are "JSON-ready": String, Boolean, Number, List/Collection, Map and null, as produced by
 * this module's parser or by Jackson's Map binding. Numbers of any Number type are accepted and
 * judged without expansion (Checks). Timestamps are written as epoch milliseconds and read from
 * epoch milliseconds or ISO-8601 strings (the format of 0.1 export files).
 */
/**
 * The JSON form of a {@link Flag}, defined once per field: name, writing, reading and (through
 * {@link Flag.Builder}) validation. Used by {@link FlagExport}, by the admin API for flag JSON and
 * PATCH, and by stores for their JSON columns.
 *
 * <p>Maps passed in hold JSON values: strings, booleans, numbers, lists (or other collections) and
 * maps, as produced by any JSON parser's map binding. Every failure is a {@link
 * FlagValidationException} naming the field.
 *
 * <p>Thread safety: stateless; all methods are safe to call from any thread.
 */
public final class FlagFields {

  /** Every field of a flag's JSON object, in the order {@link #toMap(Flag)} writes them. */
  public static final List<String> NAMES;

  /** The fields {@link #patch(Flag, Map)} may change; the others are read-only to clients. */
  public static final Set<String> WRITABLE;

  private static final Map<String, Field> BY_NAME;

  static {
    List<String> names = new ArrayList<>();
    Set<String> writable = new LinkedHashSet<>();
    Map<String, Field> byName = new LinkedHashMap<>();
    for (Field field : Field.values()) {
      names.add(field.json);
      byName.put(field.json, field);
      if (field.writable) {
        writable.add(field.json);
      }
    }
    NAMES = List.copyOf(names);
    WRITABLE = Collections.unmodifiableSet(writable);
    BY_NAME = Collections.unmodifiableMap(byName);
  }

  private FlagFields() {}

  /** A flag field: its JSON name, whether clients may write it, its writer and its reader. */
  private enum Field {
    KEY("key", false, Flag::key, (b, v) -> {}),
    DESCRIPTION(
        "description", true, Flag::description, (b, v) -> b.description(string("description", v))),
    MODULE("module", true, Flag::module, (b, v) -> b.module(string("module", v))),
    STATE("state", true, f -> f.state().name(), (b, v) -> b.state(state(v))),
    ROLLOUT_PERCENT(
        "rolloutPercent",
        true,
        Flag::rolloutPercent,
        (b, v) -> b.rolloutPercent(number("rolloutPercent", required("rolloutPercent", v)))),
    ROLLOUT_SALT(
        "rolloutSalt", true, Flag::rolloutSalt, (b, v) -> b.rolloutSalt(string("rolloutSalt", v))),
    SCOPE("scope", true, f -> f.scope().axes(), (b, v) -> b.scope(scope(v))),
    PREREQUISITES(
        "prerequisites",
        true,
        Flag::prerequisites,
        (b, v) -> b.prerequisites(v == null ? List.of() : strings("prerequisites", v))),
    TENANT_EDITABLE(
        "tenantEditable",
        true,
        Flag::tenantEditable,
        (b, v) -> b.tenantEditable(bool("tenantEditable", required("tenantEditable", v)))),
    TAGS("tags", true, Flag::tags, (b, v) -> b.tags(v == null ? List.of() : strings("tags", v))),
    ARCHIVED(
        "archived", false, Flag::archived, (b, v) -> b.archived(v != null && bool("archived", v))),
    VERSION(
        "version",
        false,
        Flag::version,
        (b, v) -> b.version(v == null ? 0 : Checks.wholeNumber("version", number("version", v)))),
    UPDATED_AT(
        "updatedAt",
        false,
        f -> f.updatedAt() == null ? null : f.updatedAt().toEpochMilli(),
        (b, v) -> b.updatedAt(instant("updatedAt", v))),
    UPDATED_BY("updatedBy", false, Flag::updatedBy, (b, v) -> b.updatedBy(string("updatedBy", v)));

    final String json;
    final boolean writable;
    final Function<Flag, Object> writer;

    /** Applies a JSON value (possibly null: the field's default, or an error if it has none). */
    final BiConsumer<Flag.Builder, Object> reader;

    Field(
        String json,
        boolean writable,
        Function<Flag, Object> writer,
        BiConsumer<Flag.Builder, Object> reader) {
      this.json = json;
      this.writable = writable;
      this.writer = writer;
      this.reader = reader;
    }
  }

  // ---- flags ---------------------------------------------------------------------------------

  /**
   * Returns a flag as a map of JSON values in field order: strings, booleans, numbers ({@code
   * rolloutPercent} a {@link BigDecimal}, {@code updatedAt} epoch milliseconds), lists, sets and
   * maps.
   *
   * @param flag the flag
   * @return a new mutable map
   */
  public static Map<String, Object> toMap(Flag flag) {
    Checks.notNull("flag", flag);
    Map<String, Object> m = new LinkedHashMap<>();
    for (Field field : Field.values()) {
      m.put(field.json, field.writer.apply(flag));
    }
    return m;
  }

  /**
   * Returns a flag as JSON text, the same object as {@link #toMap(Flag)}.
   *
   * @param flag the flag
   * @return the JSON text
   */
  public static String toJson(Flag flag) {
    return Json.write(toMap(flag));
  }

  /**
   * Reads a whole flag, as in an export: {@code key} is required, every other field is optional
   * (absent or null means the default of {@link Flag#of(String)}), unknown fields are rejected.
   *
   * @param json the flag's JSON object as a map
   * @return the flag
   * @throws FlagValidationException naming the first unknown, malformed or invalid field
   */
  public static Flag fromMap(Map<String, ?> json) {
    return fromMap("flag", json);
  }

  /** As {@link #fromMap(Map)}; {@code what} names the object in messages. */
  static Flag fromMap(String what, Map<String, ?> json) {
    Checks.notNull(what, json);
    rejectUnknown(what, json.keySet(), BY_NAME.keySet());
    Flag.Builder b = Flag.builder(string("key", required("key", json.get("key"))));
    for (Field field : Field.values()) {
      Object value = json.get(field.json);
      if (value != null) {
        field.reader.accept(b, value);
      }
    }
    return b.build();
  }

  /**
   * Reads a whole flag from JSON text, as {@link #fromMap(Map)}.
   *
   * @param json the JSON text of one flag object
   * @return the flag
   * @throws FlagValidationException naming {@code json} when the text is malformed, else the first
   *     unknown or invalid field
   */
  public static Flag fromJson(String json) {
    return fromMap(object("flag", Json.parse(Checks.notNull("json", json))));
  }

  /**
   * Applies a partial JSON object to a flag, as an HTTP PATCH does: each present field of {@link
   * #WRITABLE} replaces the flag's value; JSON null resets {@code description}, {@code module},
   * {@code rolloutSalt}, {@code scope}, {@code prerequisites} and {@code tags} to their defaults
   * and is an error for {@code state}, {@code rolloutPercent} and {@code tenantEditable}. {@code
   * key} is accepted when it equals the flag's key (so a create body can be applied to {@link
   * Flag#of(String)}); any other read-only field, or an unknown one, is rejected.
   *
   * @param flag the flag to change
   * @param changes the fields to change
   * @return the changed flag (the same version and change metadata)
   * @throws FlagValidationException naming the first read-only, unknown or invalid field
   */
  public static Flag patch(Flag flag, Map<String, ?> changes) {
    Checks.notNull("flag", flag);
    Checks.notNull("changes", changes);
    Flag.Builder b = flag.toBuilder();
    for (Map.Entry<String, ?> change : changes.entrySet()) {
      String name = change.getKey();
      Field field = BY_NAME.get(name);
      if (field == null) {
        rejectUnknown("flag", List.of(name), BY_NAME.keySet());
      } else if (field == Field.KEY) {
        if (!flag.key().equals(change.getValue())) {
          throw new FlagValidationException("key", "key is read-only");
        }
      } else if (!field.writable) {
        throw new FlagValidationException(name, name + " is read-only");
      } else {
        field.reader.accept(b, change.getValue());
      }
    }
    return b.build();
  }

  // ---- columns: the JSON a store keeps for the collection fields --------------------------------

  /**
   * Writes a scope as a JSON object of string arrays, e.g. {@code {"plan":["pro"]}}.
   *
   * @param scope the scope
   * @return the JSON text
   */
  public static String scopeToJson(Scope scope) {
    return Json.write(Checks.notNull("scope", scope).axes());
  }

  /**
   * Reads a scope written by {@link #scopeToJson(Scope)}; null or blank text is the empty scope.
   *
   * @param json the JSON text, or null
   * @return the scope
   * @throws FlagValidationException naming {@code json} or {@code scope}
   */
  public static Scope scopeFromJson(String json) {
    return json == null || json.isBlank() ? Scope.EMPTY : scope(Json.parse(json));
  }

  /**
   * Writes strings (prerequisites, tags) as a JSON array.
   *
   * @param values the strings
   * @return the JSON text
   */
  public static String stringsToJson(Collection<String> values) {
    return Json.write(Checks.notNull("values", values));
  }

  /**
   * Reads a JSON array of strings written by {@link #stringsToJson(Collection)}; null or blank text
   * is the empty list.
   *
   * @param field the field the array belongs to, for messages (e.g. {@code tags})
   * @param json the JSON text, or null
   * @return the strings in order
   * @throws FlagValidationException naming {@code json} or the field
   */
  public static List<String> stringsFromJson(String field, String json) {
    return json == null || json.isBlank() ? List.of() : strings(field, Json.parse(json));
  }

  // ---- JSON value readers, shared with FlagExport ----------------------------------------------

  static Object required(String field, Object value) {
    if (value == null) {
      throw new FlagValidationException(field, field + " is required");
    }
    return value;
  }

  static void rejectUnknown(String what, Collection<?> names, Set<String> allowed) {
    for (Object name : names) {
      if (!allowed.contains(name)) {
        String text = String.valueOf(name);
        throw new FlagValidationException(
            text, "unknown field in " + what + ": " + Checks.quote(text));
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String field, Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new FlagValidationException(field, field + " must be a JSON object");
    }
    return (Map<String, Object>) map;
  }

  static Collection<?> list(String field, Object value) {
    if (!(value instanceof Collection<?> list)) {
      throw new FlagValidationException(field, field + " must be a JSON array");
    }
    return list;
  }

  static List<String> strings(String field, Object value) {
    Collection<?> items = list(field, value);
    List<String> out = new ArrayList<>(items.size());
    for (Object item : items) {
      if (!(item instanceof String s)) {
        throw new FlagValidationException(field, field + " must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  static String string(String field, Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new FlagValidationException(field, field + " must be a string");
    }
    return s;
  }

  /** Any JSON number as a BigDecimal, without expanding it. */
  static BigDecimal number(String field, Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        return BigDecimal.valueOf(d);
      }
    }
    throw new FlagValidationException(field, field + " must be a number");
  }

  static boolean bool(String field, Object value) {
    if (!(value instanceof Boolean b)) {
      throw new FlagValidationException(field, field + " must be true or false");
    }
    return b;
  }

  /** Epoch milliseconds or an ISO-8601 instant; null stays null. */
  static Instant instant(String field, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number) {
      return Instant.ofEpochMilli(Checks.wholeNumber(field, number(field, value)));
    }
    String s = string(field, value);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new FlagValidationException(
          field, field + " must be epoch milliseconds or an ISO-8601 instant: " + Checks.quote(s));
    }
  }

  private static FlagState state(Object value) {
    String state = string("state", required("state", value));
    for (FlagState candidate : FlagState.values()) {
      if (candidate.name().equals(state)) {
        return candidate;
      }
    }
    throw new FlagValidationException(
        "state", "state must be one of OFF, ON, TARGETED, ROLLOUT: " + Checks.quote(state));
  }

  private static Scope scope(Object value) {
    if (value == null) {
      return Scope.EMPTY;
    }
    Map<String, Object> axes = object("scope", value);
    Map<String, Collection<String>> copy = new LinkedHashMap<>();
    int count = 0;
    for (Map.Entry<String, Object> axis : axes.entrySet()) {
      List<String> values = strings("scope", axis.getValue());
      // Stop early: a hostile scope must not be copied whole before its size is judged.
      count += values.size();
      if (count > Scope.MAX_VALUES) {
        throw new FlagValidationException(
            "scope", "scope must hold at most " + Scope.MAX_VALUES + " values in all: " + count);
      }
      copy.put(axis.getKey(), values);
    }
    return Scope.of(copy);
  }
}
