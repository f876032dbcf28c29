/**
 * A durable, shared {@link dev.tenantflags.spi.FlagStore} for SQLite, PostgreSQL, H2 and
 * MariaDB/MySQL: {@link dev.tenantflags.jdbc.JdbiFlagStore}, its schema migrations and its change
 * propagation. See {@code docs/storage.md}.
 */
package dev.tenantflags.jdbc;
