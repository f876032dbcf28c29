package dev.tenantflags.servlet.relay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagExport;
import dev.tenantflags.FlagFields;
import dev.tenantflags.TenantOverride;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format of SPEC §10: snapshot JSON (the export format) and Server-Sent Events frames.
 * Flags and overrides are written through {@link FlagFields} and {@link FlagExport}, the project's
 * one codec.
 */
final class RelayEvents {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  /**
   * Sent once when a stream opens, to commit the response. No {@code retry:} here: a client uses
   * the hint only when the server ends the stream on purpose ({@link #shutdown}); after a crash it
   * reconnects at once (with backoff) to the next server.
   */
  static final byte[] OPENING = ": tenantflags relay\n\n".getBytes(StandardCharsets.UTF_8);

  static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.UTF_8);

  static byte[] shutdown(long retryMillis) {
    return ("retry: " + retryMillis + "\n: server shutting down\n\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private RelayEvents() {}

  /** The snapshot: the export format of the environment, whose {@code version} is the id. */
  static String snapshotJson(
      String environment, long version, Iterable<Flag> flags, Iterable<TenantOverride> overrides) {
    List<Flag> flagList = new ArrayList<>();
    flags.forEach(flagList::add);
    List<TenantOverride> overrideList = new ArrayList<>();
    overrides.forEach(overrideList::add);
    return new FlagExport(environment, version, flagList, overrideList).toJson();
  }

  /**
   * A change: {@code {"version", "previous", "flags": [changed flags], "overrides": {"<tenant>":
   * [that tenant's full override list]}}}.
   */
  static String changeJson(
      long previous,
      long version,
      List<Flag> changedFlags,
      Map<String, List<TenantOverride>> tenantOverrides) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", version);
    root.put("previous", previous);
    List<Object> flags = new ArrayList<>();
    for (Flag flag : changedFlags) {
      flags.add(FlagFields.toMap(flag));
    }
    root.put("flags", flags);
    Map<String, Object> overrides = new LinkedHashMap<>();
    tenantOverrides.forEach(
        (tenant, list) -> {
          List<Object> items = new ArrayList<>();
          for (TenantOverride o : list) {
            items.add(FlagExport.toMap(o));
          }
          overrides.put(tenant, items);
        });
    root.put("overrides", overrides);
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing a change event failed", e);
    }
  }

  /** One SSE frame; {@code json} never holds a raw line break (JSON escapes them). */
  static byte[] frame(String event, long id, String json) {
    StringBuilder b = new StringBuilder(json.length() + 48);
    b.append("id: ").append(id).append('\n');
    b.append("event: ").append(event).append('\n');
    b.append("data: ").append(json).append("\n\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
