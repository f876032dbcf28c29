package dev.tenantflags.openfeature.conformance;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.IncludeTags;
import org.junit.platform.suite.api.SelectClasspathResource;
import org.junit.platform.suite.api.Suite;

/**
 * Runs OpenFeature's own Gherkin suite (copied onto the test class path from {@code
 * ../shared/conformance/openfeature/}, see the module's pom) against {@link
 * dev.tenantflags.openfeature.TenantFlagsProvider}: the boolean scenarios of {@code
 * evaluation_v2.feature}, its TYPE_MISMATCH rows, {@code metadata.feature} and {@code
 * hooks.feature}. Scenarios tenantflags cannot express are skipped with their reason ({@link
 * Skips}); docs/integrations.md lists them. When the suite is absent, nothing runs here and {@link
 * ConformanceSuitePresentTest} reports the skip.
 */
@Suite(failIfNoTests = false)
@IncludeEngines("cucumber")
@SelectClasspathResource("openfeature-conformance")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "dev.tenantflags.openfeature.conformance")
@IncludeTags({"booleans", "error-handling-types", "Metadata", "metadata", "hooks"})
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "summary")
@ConfigurationParameter(key = JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME, value = "long")
@ConfigurationParameter(
    key = "cucumber.junit-platform.naming-strategy.long.example-name",
    value = "number-and-pickle-if-parameterized")
final class OpenFeatureConformanceTest {}
