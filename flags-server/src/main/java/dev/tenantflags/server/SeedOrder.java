package dev.tenantflags.server;

import dev.tenantflags.Flag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Orders seed flags so that every prerequisite is declared before the flags that need it. */
final class SeedOrder {

  private SeedOrder() {}

  static List<Flag> sort(List<Flag> flags) {
    Map<String, Flag> byKey = new LinkedHashMap<>();
    for (Flag f : flags) {
      if (byKey.put(f.key(), f) != null) {
        throw new UsageException("--seed file declares flag \"" + f.key() + "\" twice");
      }
    }
    List<Flag> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> visiting = new HashSet<>();
    for (Flag f : flags) {
      visit(f, byKey, done, visiting, out);
    }
    return out;
  }

  private static void visit(
      Flag f, Map<String, Flag> byKey, Set<String> done, Set<String> visiting, List<Flag> out) {
    if (done.contains(f.key())) {
      return;
    }
    if (!visiting.add(f.key())) {
      throw new UsageException("--seed file has a prerequisite cycle through \"" + f.key() + "\"");
    }
    for (String p : f.prerequisites()) {
      Flag prerequisite = byKey.get(p);
      // Prerequisites not in the file must already exist in the store; ensure reports them if not.
      if (prerequisite != null) {
        visit(prerequisite, byKey, done, visiting, out);
      }
    }
    visiting.remove(f.key());
    done.add(f.key());
    out.add(f);
  }
}
