package dev.tenantflags.openfeature;

import dev.openfeature.sdk.Reason;

/** SPEC §9's mapping of tenantflags reasons to OpenFeature reasons, for successful evaluations. */
final class Reasons {

  private Reasons() {}

  static String of(dev.tenantflags.Reason reason) {
    return switch (reason) {
      case ON -> Reason.STATIC.name();
      case TARGET_MATCH, OVERRIDE -> Reason.TARGETING_MATCH.name();
      case ROLLOUT_IN, ROLLOUT_OUT -> Reason.SPLIT.name();
      case NO_MATCH, PREREQUISITE_FAILED -> Reason.DEFAULT.name();
      case OFF -> Reason.DISABLED.name();
      case FLAG_NOT_FOUND, ARCHIVED, ERROR -> Reason.ERROR.name();
    };
  }
}
