package dev.tenantflags.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Switches a flag off for the test, for every tenant that no per-tenant annotation names or, with
 * {@link #tenants()}, for the named tenants only (through tenant overrides). Put it on the test
 * class (every test) or on a test method; repeat it for several flags. Method annotations are
 * applied after class annotations, so a method can refine what its class sets.
 *
 * <pre>{@code
 * @ExtendWith(TenantFlagsExtension.class)
 * @FlagOff("new_checkout")
 * final class CheckoutTest {
 *   @Test
 *   @FlagOff(value = "kyc_tiers", tenants = "acme")
 *   void acmeLacksTiers(FeatureFlags flags) { ... }
 * }
 * }</pre>
 *
 * <p>Needs {@link TenantFlagsExtension}. Thread safety: annotations are immutable.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(FlagOff.List.class)
public @interface FlagOff {

  /**
   * The flag key.
   *
   * @return the key
   */
  String value();

  /**
   * The tenants the flag is off for; empty (the default) means every tenant.
   *
   * @return the tenant ids
   */
  String[] tenants() default {};

  /** Holds repeated {@link FlagOff} annotations. */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @interface List {
    /**
     * The repeated annotations.
     *
     * @return the annotations
     */
    FlagOff[] value();
  }
}
