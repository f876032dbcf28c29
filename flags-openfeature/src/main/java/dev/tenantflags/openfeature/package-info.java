/**
 * The OpenFeature provider for tenantflags: {@link
 * dev.tenantflags.openfeature.TenantFlagsProvider}.
 */
package dev.tenantflags.openfeature;
