package dev.tenantflags.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagExport;
import dev.tenantflags.FlagFields;
import dev.tenantflags.TenantOverride;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one Jackson configuration of this module and the JSON shapes of the REST API.
 *
 * <p>Requests are read as trees, never bound to types named by the input: no default typing, no
 * polymorphism, so nothing in a request can make Jackson load a class. Duplicate keys and trailing
 * tokens are errors; decimals are read as BigDecimal so {@code 100.001} is not rounded.
 */
final class JsonSupport {

  /** Request bodies are at most three levels deep (a scope's arrays); 16 leaves room. */
  static final int MAX_DEPTH = 16;

  /** Digits of one number: a percentage needs 6; 100 is far beyond any legitimate value. */
  static final int MAX_NUMBER_LENGTH = 100;

  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxStringLength(RequestBody.MAX_BYTES)
                          .maxNameLength(1024)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private JsonSupport() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A flag's JSON (the core field codec): a new mutable map, {@code updatedAt} in epoch ms. */
  static Map<String, Object> flag(Flag flag) {
    return FlagFields.toMap(flag);
  }

  /** The shape of {@link FlagExport}'s overrides ({@code updatedAt} in epoch milliseconds). */
  static Map<String, Object> override(TenantOverride o) {
    return FlagExport.toMap(o);
  }

  /** Every timestamp of the API is epoch milliseconds (SPEC §6), or null. */
  static Long millis(Instant at) {
    return at == null ? null : at.toEpochMilli();
  }

  static Map<String, Object> environment(Environment e, boolean isDefault) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    m.put("protected", e.isProtected());
    m.put("default", isDefault);
    return m;
  }

  /** An audit entry; {@code before}/{@code after} are embedded as JSON, not as strings. */
  static Map<String, Object> audit(AuditEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("at", millis(e.at()));
    m.put("actor", e.actor());
    m.put("action", e.action().name());
    m.put("environment", e.environment());
    m.put("flagKey", e.flagKey());
    m.put("tenantId", e.tenantId());
    m.put("before", embedded(e.before()));
    m.put("after", embedded(e.after()));
    m.put("comment", e.comment());
    return m;
  }

  private static Object embedded(String json) {
    if (json == null) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(json);
      return node == null ? json : node;
    } catch (JsonProcessingException e) {
      return json;
    }
  }
}
