package dev.tenantflags.openfeature.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps the boolean flags of the suite's {@code test-flags.json} onto tenantflags flags: disabled →
 * {@code OFF}; a context rule whose default variant is false → {@code TARGETED} with an empty scope
 * (false, reason NO_MATCH → DEFAULT, for every context tenantflags can express); default variant
 * true, no rule → {@code ON}. A flag without a default variant or statically false has no
 * counterpart and is left out.
 */
final class Fixture {

  private Fixture() {}

  /** Returns each boolean fixture flag's key and how it was mapped ("ON", or why not). */
  static Map<String, String> load(FlagAdmin admin) {
    Map<String, String> mapping = new LinkedHashMap<>();
    JsonNode root = read();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode flag = e.getValue();
      JsonNode variants = flag.path("variants");
      boolean allBoolean = variants.size() > 0;
      for (JsonNode v : variants) {
        allBoolean &= v.isBoolean();
      }
      if (!allBoolean) {
        continue;
      }
      String defaultVariant = flag.path("defaultVariant").asText(null);
      FlagState state;
      if (flag.path("disabled").asBoolean(false)) {
        state = FlagState.OFF;
      } else if (defaultVariant == null || flag.path("defaultVariant").isNull()) {
        mapping.put(e.getKey(), "unmapped: no default variant");
        continue;
      } else if (flag.has("contextEvaluator") && !variants.path(defaultVariant).asBoolean()) {
        state = FlagState.TARGETED;
      } else if (variants.path(defaultVariant).asBoolean() && !flag.has("contextEvaluator")) {
        state = FlagState.ON;
      } else {
        mapping.put(e.getKey(), "unmapped: statically false");
        continue;
      }
      admin.create(Flag.of(e.getKey()).withState(state), "OpenFeature conformance fixture");
      mapping.put(e.getKey(), state.name());
    }
    return mapping;
  }

  private static JsonNode read() {
    try (InputStream in =
        Fixture.class.getResourceAsStream("/openfeature-conformance/test-flags.json")) {
      if (in == null) {
        throw new IllegalStateException("test-flags.json is not on the test class path");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
