package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The export / bootstrap / seed JSON format. */
final class FlagExportTest {

  @Test
  void parse_bareArray_isASeedListOfFlagsInTheDefaultEnvironment() {
    FlagExport seed =
        FlagExport.parse(
            """
            [{"key": "new_billing_engine", "state": "ROLLOUT", "rolloutPercent": 25.5, "module": "fin",
              "scope": {"plan": ["pro", "enterprise"]}, "tags": ["beta"], "tenantEditable": true},
             {"key": "kyc_tiers", "prerequisites": ["new_billing_engine"], "rolloutSalt": "kyc"}]
            """,
            "staging");
    assertThat(seed.environment()).isEqualTo("staging");
    assertThat(seed.version()).isZero();
    assertThat(seed.overrides()).isEmpty();
    Flag billing = seed.flags().get(0);
    assertThat(billing.state()).isEqualTo(FlagState.ROLLOUT);
    assertThat(billing.rolloutBasisPoints()).isEqualTo(2550);
    assertThat(billing.module()).isEqualTo("fin");
    assertThat(billing.scope()).isEqualTo(Scope.of("plan", "pro", "enterprise"));
    assertThat(billing.tags()).containsExactly("beta");
    assertThat(billing.tenantEditable()).isTrue();
    Flag kyc = seed.flags().get(1);
    assertThat(kyc.state()).isEqualTo(FlagState.OFF);
    assertThat(kyc.prerequisites()).containsExactly("new_billing_engine");
    assertThat(kyc.effectiveSalt()).isEqualTo("kyc");
  }

  @Test
  void parse_fullExport_readsEveryField() {
    FlagExport export =
        FlagExport.parse(
            """
            {"environment": "production", "version": 42,
             "flags": [{"key": "f", "description": "d", "module": null, "state": "ON", "rolloutPercent": 0,
                        "rolloutSalt": null, "scope": {}, "prerequisites": [], "tenantEditable": false,
                        "tags": [], "archived": true, "version": 3, "updatedAt": "2026-11-21T12:00:00Z",
                        "updatedBy": "alice"}],
             "overrides": [{"flagKey": "f", "tenantId": "acme", "enabled": true, "locked": true, "note": "n",
                            "updatedAt": "2026-11-21T12:00:01Z", "updatedBy": "bob"},
                           {"flagKey": "f", "tenantId": "globex", "enabled": false}]}
            """,
            "ignored");
    assertThat(export.environment()).isEqualTo("production");
    assertThat(export.version()).isEqualTo(42);
    Flag f = export.flags().get(0);
    assertThat(f.archived()).isTrue();
    assertThat(f.version()).isEqualTo(3);
    assertThat(f.updatedAt()).isEqualTo(Instant.parse("2026-11-21T12:00:00Z"));
    assertThat(f.updatedBy()).isEqualTo("alice");
    assertThat(export.overrides())
        .containsExactly(
            new TenantOverride(
                "f", "acme", true, true, "n", Instant.parse("2026-11-21T12:00:01Z"), "bob"),
            new TenantOverride("f", "globex", false, false, null, null, null));
  }

  @Test
  void parse_emptyObject_isAnEmptyExportOfTheDefaultEnvironment() {
    assertThat(FlagExport.parse("{}", "dev"))
        .isEqualTo(new FlagExport("dev", 0, List.of(), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[1]                                              | flags         | flags must be a JSON"
            + " object",
        "\"text\"                                         | export        | export must be a JSON"
            + " object",
        "{\"flags\": {}}                                  | flags         | flags must be a JSON"
            + " array",
        "[{\"key\": 5}]                                   | key           | key must be a string",
        "[{}]                                             | key           | key is required",
        "[{\"key\": \"f\", \"state\": \"MAYBE\"}]         | state         | state must be one of"
            + " OFF, ON, TARGETED, ROLLOUT: 'MAYBE'",
        "[{\"key\": \"f\", \"rolloutPercent\": \"25\"}]   | rolloutPercent| rolloutPercent must be"
            + " a number",
        "[{\"key\": \"f\", \"rolloutPercent\": 100.5}]    | rolloutPercent| rolloutPercent must be"
            + " between 0 and 100: 100.5",
        "[{\"key\": \"f\", \"rolloutPercent\": 1.005}]    | rolloutPercent| rolloutPercent must"
            + " have at most 2 decimals: 1.005",
        "[{\"key\": \"f\", \"archived\": \"yes\"}]        | archived      | archived must be true"
            + " or false",
        "[{\"key\": \"f\", \"scope\": {\"plan\": \"pro\"}}] | scope       | scope must be a JSON"
            + " array",
        "[{\"key\": \"f\", \"scope\": []}]                | scope         | scope must be a JSON"
            + " object",
        "[{\"key\": \"f\", \"tags\": [1]}]                | tags          | tags must be an array"
            + " of strings",
        "[{\"key\": \"f\", \"updatedAt\": \"yesterday\"}] | updatedAt     | updatedAt must be"
            + " epoch milliseconds or an ISO-8601 instant: 'yesterday'",
        "[{\"key\": \"f\", \"version\": true}]            | version       | version must be a"
            + " number",
        "[{\"key\": \"Bad\"}]                             | key           | key must match"
            + " ^[a-z][a-z0-9_.-]{0,63}$: 'Bad'",
        "{\"environment\": \"Prod\"}                      | environment   | environment must match"
            + " ^[a-z0-9_-]{1,32}$: 'Prod'",
        "{\"overrides\": [{\"flagKey\": \"f\", \"tenantId\": \"a\"}] } | enabled | enabled is"
            + " required",
        "{\"overrides\": [{\"flagKey\": \"f\", \"tenantId\": \"\", \"enabled\": true}] } | tenantId"
            + " | tenantId must not be empty",
      })
  void parse_invalid_isRejectedNamingTheField(String json, String field, String message) {
    assertThatThrownBy(() -> FlagExport.parse(json, "test"))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo(field));
  }

  @Test
  void parse_null_isRejectedNamingJson() {
    assertThatThrownBy(() -> FlagExport.parse(null, "test")).hasMessage("json must not be null");
  }

  @Test
  void toJson_isStableAndReadable() {
    FlagExport export =
        new FlagExport("test", 2, List.of(Flag.of("f").withRolloutBasisPoints(2550)), List.of());
    assertThat(export.toJson())
        .isEqualTo(
            "{\"environment\":\"test\",\"version\":2,\"flags\":[{\"key\":\"f\",\"description\":\"\",\"module\":null,"
                + "\"state\":\"OFF\",\"rolloutPercent\":25.5,\"rolloutSalt\":null,\"scope\":{},\"prerequisites\":[],"
                + "\"tenantEditable\":false,\"tags\":[],\"archived\":false,\"version\":0,\"updatedAt\":null,"
                + "\"updatedBy\":null}],\"overrides\":[]}");
  }

  @Test
  void constructor_copiesAndValidates() {
    java.util.ArrayList<Flag> flags = new java.util.ArrayList<>();
    FlagExport export = new FlagExport("test", 0, flags, List.of());
    flags.add(Flag.of("late"));
    assertThat(export.flags()).isEmpty();
    assertThatThrownBy(() -> new FlagExport("test", 0, null, List.of()))
        .hasMessage("flags must not be null");
  }
}
