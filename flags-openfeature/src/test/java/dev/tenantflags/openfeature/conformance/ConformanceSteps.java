package dev.tenantflags.openfeature.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.FlagEvaluationOptions;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.NoOpProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.openfeature.TenantFlagsProvider;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.opentest4j.TestAbortedException;

/**
 * Step definitions for OpenFeature's Gherkin suite. Every scenario gets its own OpenFeature domain
 * and its own tenantflags client on an in-memory store seeded from {@code test-flags.json} ({@link
 * Fixture}). The client-level evaluation context carries the tenant id as targeting key
 * (tenantflags evaluates for a tenant; the suite's scenarios give none), so "empty context"
 * scenarios run with an empty invocation context.
 */
public final class ConformanceSteps {

  static final String TENANT = "conformance-tenant";
  private static final AtomicInteger DOMAINS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
  private final String domain = "conformance-" + DOMAINS.incrementAndGet();
  private final Map<String, Value> invocation = new HashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, FlagEvaluationDetails<?>> hookDetails = new HashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);

  private Scenario scenario;
  private FeatureFlags flags;
  private Client client;
  private String key;
  private String type;
  private Object defaultValue;
  private FlagEvaluationOptions options;
  private CompletableFuture<FlagEvaluationDetails<?>> pending;
  private FlagEvaluationDetails<?> details;

  @Before
  public void remember(Scenario scenario) {
    this.scenario = scenario;
  }

  @After
  public void tearDown() {
    release.countDown();
    api.setProviderAndWait(domain, new NoOpProvider());
    if (flags != null) {
      flags.close();
    }
  }

  // ---- providers ------------------------------------------------------------------------------

  @Given("a stable provider")
  public void aStableProvider() {
    flags =
        FeatureFlags.builder().store(new InMemoryFlagStore()).environment("conformance").build();
    Map<String, String> mapping = Fixture.load(flags.admin("conformance"));
    assertThat(mapping).containsEntry("boolean-flag", "ON");
    api.setProviderAndWait(domain, TenantFlagsProvider.borrowing(flags));
    client = api.getClient(domain);
    client.setEvaluationContext(new ImmutableContext(TENANT));
  }

  /** An owning provider whose client is still being built: its store has not answered yet. */
  @Given("a not ready provider")
  public void aNotReadyProvider() {
    TenantFlagsProvider slow =
        TenantFlagsProvider.owning(
            () -> {
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return FeatureFlags.builder()
                  .store(new InMemoryFlagStore())
                  .environment("conformance")
                  .build();
            });
    api.setProvider(domain, slow);
    client = api.getClient(domain);
    client.setEvaluationContext(new ImmutableContext(TENANT));
    assertThat(client.getProviderState()).isEqualTo(ProviderState.NOT_READY);
  }

  @Given("a fatal provider")
  public void aFatalProvider() {
    throw new TestAbortedException(Skips.FATAL);
  }

  // ---- flags and context ----------------------------------------------------------------------

  @Given(
      "^a (Boolean|String|Integer|Float|Object|boolean|string|integer|float|object)-flag"
          + " with key \"([^\"]*)\" and a fallback value \"(.*)\"$")
  public void aFlag(String type, String key, String fallback) {
    String skip = Skips.reason(scenario.getName(), key, type);
    if (skip != null) {
      throw new TestAbortedException(skip);
    }
    this.type = type.toLowerCase(java.util.Locale.ROOT);
    this.key = key;
    this.defaultValue = parse(this.type, fallback);
  }

  @Given("a context containing a key {string}, with type {string} and with value {string}")
  public void aContextValue(String name, String valueType, String value) {
    invocation.put(
        name,
        switch (valueType) {
          case "Integer" -> new Value(Integer.parseInt(value));
          case "Float" -> new Value(Double.parseDouble(value));
          case "Boolean" -> new Value(Boolean.parseBoolean(value));
          default -> new Value(value);
        });
  }

  @Given("a context containing a key {string} with null value")
  public void aNullContextValue(String name) {
    invocation.put(name, new Value());
  }

  // ---- evaluation -----------------------------------------------------------------------------

  @When("the flag was evaluated with details")
  public void evaluated() {
    details = evaluate(null);
  }

  @When("the flag was evaluated with details asynchronously")
  public void evaluatedAsynchronously() {
    pending = CompletableFuture.supplyAsync(() -> evaluate(null));
  }

  @Then("the evaluation should complete without blocking")
  public void completesWithoutBlocking() throws Exception {
    details = pending.get(10, TimeUnit.SECONDS);
    assertThat(pending).isDone();
  }

  @Given("evaluation options containing specific hooks")
  public void optionsWithHooks() {
    options =
        FlagEvaluationOptions.builder()
            .hook(new Recorder("first"))
            .hook(new Recorder("second"))
            .build();
  }

  @When("the flag was evaluated with details using the evaluation options")
  public void evaluatedWithOptions() {
    details = evaluate(options);
  }

  private FlagEvaluationDetails<?> evaluate(FlagEvaluationOptions opts) {
    EvaluationContext ctx = new ImmutableContext(new HashMap<>(invocation));
    FlagEvaluationOptions o = opts == null ? FlagEvaluationOptions.builder().build() : opts;
    return switch (type) {
      case "boolean" -> client.getBooleanDetails(key, (Boolean) defaultValue, ctx, o);
      case "string" -> client.getStringDetails(key, (String) defaultValue, ctx, o);
      case "integer" -> client.getIntegerDetails(key, (Integer) defaultValue, ctx, o);
      case "float" -> client.getDoubleDetails(key, (Double) defaultValue, ctx, o);
      default -> client.getObjectDetails(key, (Value) defaultValue, ctx, o);
    };
  }

  // ---- outcome --------------------------------------------------------------------------------

  @Then("the resolved details value should be {string}")
  public void valueShouldBe(String expected) {
    assertThat(details.getValue()).isEqualTo(parse(type, expected));
  }

  @Then("the reason should be {string}")
  public void reasonShouldBe(String reason) {
    assertThat(details.getReason()).isEqualTo(reason);
  }

  @Then("the error-code should be {string}")
  public void errorCodeShouldBe(String code) {
    assertThat(details.getErrorCode()).isNotNull();
    assertThat(details.getErrorCode().name()).isEqualTo(code);
  }

  @Then("the flag key should be {string}")
  public void flagKeyShouldBe(String expected) {
    assertThat(details.getFlagKey()).isEqualTo(expected);
  }

  @Then("the variant should be {string}")
  public void variantShouldBe(String expected) {
    assertThat(details.getVariant()).isEqualTo(expected);
  }

  @Then("the resolved metadata should contain")
  public void metadataShouldContain(DataTable table) {
    ImmutableMetadata metadata = details.getFlagMetadata();
    for (Map<String, String> row : table.asMaps()) {
      String name = row.get("key");
      String value = row.get("value");
      Object actual =
          switch (row.get("metadata_type")) {
            case "Integer" -> metadata.getInteger(name);
            case "Float" -> metadata.getDouble(name);
            case "Boolean" -> metadata.getBoolean(name);
            default -> metadata.getString(name);
          };
      assertThat(String.valueOf(actual)).isEqualTo(value);
    }
  }

  @Then("the resolved metadata is empty")
  public void metadataIsEmpty() {
    assertThat(details.getFlagMetadata().isEmpty()).isTrue();
  }

  @Then("the provider status should be {string}")
  public void providerStatus(String status) {
    assertThat(client.getProviderState().name()).isEqualTo(status);
  }

  // ---- hooks ----------------------------------------------------------------------------------

  @Given("a client with added hook")
  public void clientWithHook() {
    client.addHooks(new Recorder("client"));
  }

  @Then("the {string} hook should have been executed")
  public void hookExecuted(String stage) {
    assertThat(calls).contains("client:" + stage);
  }

  @Then("the {string} hooks should be called with evaluation details")
  public void hooksCalledWith(String stages, DataTable table) {
    for (String stage : stages.split(",\\s*")) {
      FlagEvaluationDetails<?> seen = hookDetails.get(stage);
      assertThat(seen).as(stage + " hook details").isNotNull();
      for (Map<String, String> row : table.asMaps()) {
        String expected = row.get("value");
        Object actual =
            switch (row.get("key")) {
              case "flag_key" -> seen.getFlagKey();
              case "value" -> seen.getValue();
              case "variant" -> seen.getVariant();
              case "reason" -> seen.getReason();
              case "error_code" -> seen.getErrorCode() == null ? null : seen.getErrorCode().name();
              default -> throw new IllegalArgumentException(row.get("key"));
            };
        Object want =
            "null".equals(expected)
                ? null
                : "boolean".equals(row.get("data_type")) ? Boolean.valueOf(expected) : expected;
        assertThat(actual).as(stage + " " + row.get("key")).isEqualTo(want);
      }
    }
  }

  @Then("the specified hooks should execute during evaluation")
  public void specifiedHooksExecuted() {
    assertThat(calls)
        .contains("first:before", "second:before", "first:after", "second:after")
        .contains("first:finally", "second:finally");
  }

  @Then("the hook order should be maintained")
  public void hookOrder() {
    // OpenFeature spec 4.3/4.4: each hook's stages run before → after → finally. The order of two
    // hooks of one level is the SDK's business, not the provider's, so it is not asserted here.
    for (String hook : List.of("first", "second")) {
      assertThat(calls.indexOf(hook + ":before")).isLessThan(calls.indexOf(hook + ":after"));
      assertThat(calls.indexOf(hook + ":after")).isLessThan(calls.indexOf(hook + ":finally"));
    }
  }

  /** Records each stage it runs in, and the details the after and finally stages receive. */
  @SuppressWarnings("rawtypes")
  private final class Recorder implements Hook {
    private final String name;

    Recorder(String name) {
      this.name = name;
    }

    @Override
    public java.util.Optional<EvaluationContext> before(HookContext ctx, Map hints) {
      calls.add(name + ":before");
      return java.util.Optional.empty();
    }

    @Override
    public void after(HookContext ctx, FlagEvaluationDetails details, Map hints) {
      calls.add(name + ":after");
      hookDetails.put("after", details);
    }

    @Override
    public void error(HookContext ctx, Exception error, Map hints) {
      calls.add(name + ":error");
    }

    @Override
    public void finallyAfter(HookContext ctx, FlagEvaluationDetails details, Map hints) {
      calls.add(name + ":finally");
      hookDetails.put("finally", details);
    }
  }

  // ---- values ---------------------------------------------------------------------------------

  private static Object parse(String type, String text) {
    return switch (type) {
      case "boolean" -> Boolean.valueOf(text);
      case "integer" -> Integer.valueOf(text);
      case "float" -> Double.valueOf(text);
      case "object" -> toValue(readJson(text.replace("\\\"", "\"")));
      default -> text;
    };
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Value toValue(JsonNode node) {
    if (node.isObject()) {
      Map<String, Value> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        fields.put(e.getKey(), toValue(e.getValue()));
      }
      return new Value(new ImmutableStructure(fields));
    }
    if (node.isArray()) {
      List<Value> items = new ArrayList<>();
      node.forEach(n -> items.add(toValue(n)));
      return new Value(items);
    }
    if (node.isBoolean()) {
      return new Value(node.asBoolean());
    }
    if (node.isInt()) {
      return new Value(node.asInt());
    }
    if (node.isNumber()) {
      return new Value(node.asDouble());
    }
    return node.isNull() ? new Value() : new Value(node.asText());
  }
}
