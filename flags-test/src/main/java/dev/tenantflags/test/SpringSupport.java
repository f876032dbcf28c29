package dev.tenantflags.test;

import dev.tenantflags.FeatureFlags;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Finds the tenantflags client of a Spring test's application context. Spring classes are touched
 * only after {@link #PRESENT} says spring-test is on the class path, so the test kit works without
 * Spring.
 */
final class SpringSupport {

  private static final String SPRING_EXTENSION =
      "org.springframework.test.context.junit.jupiter.SpringExtension";
  private static final boolean PRESENT = present();

  private SpringSupport() {}

  /**
   * Returns the in-memory client that {@link TenantFlagsContextCustomizerFactory} registered in the
   * test's Spring context, if the test runs under Spring's extension. Any other client (one the
   * application built on its own store) is never touched.
   */
  static Optional<FeatureFlags> client(ExtensionContext context) {
    if (!PRESENT || !isSpringTest(context.getRequiredTestClass())) {
      return Optional.empty();
    }
    return Bridge.client(context);
  }

  static boolean isSpringTest(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      for (ExtendWith extendWith :
          AnnotationSupport.findRepeatableAnnotations(c, ExtendWith.class)) {
        for (Class<?> extension : extendWith.value()) {
          if (extension.getName().equals(SPRING_EXTENSION)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean present() {
    try {
      Class.forName(SPRING_EXTENSION, false, SpringSupport.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Holds the code that links against Spring. */
  private static final class Bridge {
    static Optional<FeatureFlags> client(ExtensionContext context) {
      ApplicationContext spring = SpringExtension.getApplicationContext(context);
      String name = TenantFlagsContextCustomizerFactory.BEAN_NAME;
      if (!spring.containsBean(name)) {
        return Optional.empty();
      }
      return Optional.of(spring.getBean(name, FeatureFlags.class));
    }
  }
}
