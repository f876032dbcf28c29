package dev.tenantflags.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test method twice: once with the flag on and once with it off (for every tenant, or for
 * the named {@link #tenants()} only). Use it instead of {@code @Test}; the invocations are named
 * {@code key=on} and {@code key=off}. Class-level and method-level {@link FlagOn}/{@link FlagOff}
 * are applied first, then the variation.
 *
 * <pre>{@code
 * @FlagVariations("new_checkout")
 * void checkoutWorksEitherWay(FeatureFlags flags) { ... }
 * }</pre>
 *
 * <p>Thread safety: annotations are immutable.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@TestTemplate
@ExtendWith(TenantFlagsExtension.class)
public @interface FlagVariations {

  /**
   * The flag key.
   *
   * @return the key
   */
  String value();

  /**
   * The tenants the variation applies to; empty (the default) means every tenant.
   *
   * @return the tenant ids
   */
  String[] tenants() default {};
}
