package dev.tenantflags.test;

import dev.tenantflags.FeatureFlags;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives each test its own in-memory tenantflags client, sets the flags its {@link FlagOn}, {@link
 * FlagOff} and {@link FlagVariations} annotations name, and injects {@link FeatureFlags} and {@link
 * TestFlags} into test and {@code @BeforeEach} method parameters.
 *
 * <pre>{@code
 * @ExtendWith(TenantFlagsExtension.class)
 * final class BillingTest {
 *   @Test
 *   @FlagOn(value = "new_billing_engine", tenants = "acme")
 *   void acmeBillsWithTheNewEngine(FeatureFlags flags) {
 *     assertThat(flags.isEnabled("new_billing_engine", TenantKey.of("acme"))).isTrue();
 *   }
 * }
 * }</pre>
 *
 * <p>Order of application: annotations of enclosing classes (for {@code @Nested}), then of the test
 * class, then of the method, then the {@link FlagVariations} value of the current invocation.
 *
 * <p>In a Spring test ({@code @SpringBootTest} and anything else run by Spring's {@code
 * SpringExtension}), the extension registers one in-memory client as a bean of the test's
 * application context (before auto-configuration, so the tenantflags starter uses it instead of
 * building its own) and, instead of a new client per test, resets that client before each test:
 * every flag archived, every override cleared. The application under test and the test then see the
 * same flags. The extension never touches a client whose store is not in memory.
 *
 * <p>Thread safety: stateless; per-test state lives in JUnit's extension store, so tests may run in
 * parallel (each gets its own client, except in a Spring context, which is shared by design).
 */
public final class TenantFlagsExtension
    implements BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver,
        TestTemplateInvocationContextProvider {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TenantFlagsExtension.class);
  private static final String KEY = "testFlags";

  /** Creates the extension (JUnit instantiates it through {@code @ExtendWith}). */
  public TenantFlagsExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    TestFlags flags = testFlags(context);
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
      classes.add(0, c);
    }
    for (Class<?> c : classes) {
      apply(c, flags);
    }
    apply(context.getRequiredTestMethod(), flags);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestFlags flags = context.getStore(NAMESPACE).remove(KEY, TestFlags.class);
    if (flags != null) {
      flags.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return (type == FeatureFlags.class || type == TestFlags.class)
        && !(parameter.getDeclaringExecutable() instanceof Constructor)
        && context.getTestMethod().isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestFlags flags = context.getStore(NAMESPACE).get(KEY, TestFlags.class);
    if (flags == null) {
      throw new ParameterResolutionException(
          "no tenantflags test client: the parameter is resolved only for test and @BeforeEach"
              + " methods");
    }
    return parameter.getParameter().getType() == FeatureFlags.class ? flags.client() : flags;
  }

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context
        .getTestMethod()
        .map(m -> AnnotationSupport.isAnnotated(m, FlagVariations.class))
        .orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    FlagVariations variations =
        AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), FlagVariations.class)
            .orElseThrow();
    return Stream.of(new Variation(variations, true), new Variation(variations, false));
  }

  /** Returns the test's flags: the Spring context's client, reset, or a new in-memory client. */
  private static TestFlags testFlags(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    TestFlags existing = store.get(KEY, TestFlags.class);
    if (existing != null) {
      return existing;
    }
    Optional<FeatureFlags> spring = SpringSupport.client(context);
    TestFlags flags;
    if (spring.isPresent()) {
      flags = TestFlags.of(spring.get());
      flags.reset();
    } else {
      flags = TestFlags.create();
    }
    store.put(KEY, flags);
    return flags;
  }

  private static void apply(AnnotatedElement element, TestFlags flags) {
    for (FlagOff off : AnnotationSupport.findRepeatableAnnotations(element, FlagOff.class)) {
      if (off.tenants().length == 0) {
        flags.off(off.value());
      } else {
        flags.offFor(off.value(), off.tenants());
      }
    }
    for (FlagOn on : AnnotationSupport.findRepeatableAnnotations(element, FlagOn.class)) {
      if (on.tenants().length == 0) {
        flags.on(on.value());
      } else {
        flags.onFor(on.value(), on.tenants());
      }
    }
  }

  /** One invocation of a {@link FlagVariations} test: the flag on, or off. */
  private static final class Variation implements TestTemplateInvocationContext {
    private final FlagVariations variations;
    private final boolean on;

    Variation(FlagVariations variations, boolean on) {
      this.variations = variations;
      this.on = on;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
      return variations.value() + "=" + (on ? "on" : "off");
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      BeforeEachCallback apply =
          context -> {
            TestFlags flags = testFlags(context);
            String key = variations.value();
            String[] tenants = variations.tenants();
            if (tenants.length == 0) {
              if (on) {
                flags.on(key);
              } else {
                flags.off(key);
              }
            } else if (on) {
              flags.onFor(key, tenants);
            } else {
              flags.offFor(key, tenants);
            }
          };
      return List.of(apply);
    }
  }
}
