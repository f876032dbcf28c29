package dev.tenantflags.test;

import java.util.List;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Registers an in-memory tenantflags client as the bean {@value #BEAN_NAME} in the application
 * context of every Spring test that uses {@link TenantFlagsExtension}, before any configuration is
 * processed, so the tenantflags Spring Boot starter (whose beans back off when a {@code
 * FeatureFlags} bean exists) serves the test's flags. Spring finds this factory through {@code
 * META-INF/spring.factories}; applications do not use it directly.
 *
 * <p>Thread safety: stateless.
 */
public final class TenantFlagsContextCustomizerFactory implements ContextCustomizerFactory {

  /** The name of the client bean registered in the test's application context. */
  public static final String BEAN_NAME = "tenantFlagsTestClient";

  /** Creates the factory (Spring instantiates it). */
  public TenantFlagsContextCustomizerFactory() {}

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return usesExtension(testClass) ? new Customizer() : null;
  }

  private static boolean usesExtension(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      for (org.junit.jupiter.api.extension.ExtendWith extendWith :
          org.junit.platform.commons.support.AnnotationSupport.findRepeatableAnnotations(
              c, org.junit.jupiter.api.extension.ExtendWith.class)) {
        for (Class<?> extension : extendWith.value()) {
          if (extension == TenantFlagsExtension.class) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Registers the client; equal to every other instance, so Spring's context cache is kept. */
  private static final class Customizer implements ContextCustomizer {
    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration config) {
      TestFlags flags = TestFlags.create();
      context.getBeanFactory().registerSingleton(BEAN_NAME, flags.client());
      context.addApplicationListener(
          (ApplicationListener<ContextClosedEvent>) event -> flags.close());
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer;
    }

    @Override
    public int hashCode() {
      return Customizer.class.hashCode();
    }
  }
}
