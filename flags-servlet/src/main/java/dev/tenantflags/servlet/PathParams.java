package dev.tenantflags.servlet;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagValidationException;

/** Validation of the router's path variables: a bad one is a 400 naming it. */
final class PathParams {

  private PathParams() {}

  static String check(String name, String value) {
    switch (name) {
      case "key" -> {
        try {
          return Flag.of(value).key();
        } catch (FlagValidationException e) {
          throw Problem.badRequest(
              "key", "key must match ^[a-z][a-z0-9_.-]{0,63}$: " + RequestBody.quote(value));
        }
      }
      case "tenant" -> {
        if (value.length() > Tenants.MAX_ID) {
          throw Problem.badRequest(
              "tenant",
              "tenant must be at most " + Tenants.MAX_ID + " characters: " + value.length());
        }
        return value;
      }
      case "env" -> {
        EnvironmentClients.checkName(value, "environment");
        return value;
      }
      default -> {
        return value;
      }
    }
  }
}
