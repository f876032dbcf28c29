/**
 * Spring Boot auto-configuration for tenantflags; configure it with {@code tenantflags.*}
 * properties ({@link dev.tenantflags.spring.TenantFlagsProperties}).
 */
package dev.tenantflags.spring;
