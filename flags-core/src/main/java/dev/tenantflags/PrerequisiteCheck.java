package dev.tenantflags;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The write-side checks of a flag's prerequisites (SPEC §2, §4): every one exists, no cycle, no
 * chain deeper than the evaluator's bound, and at most {@link #MAX_GRAPH_EDGES} links reachable
 * from any flag the change affects. Stateless.
 */
final class PrerequisiteCheck {
  private PrerequisiteCheck() {}

  /**
   * Checks a flag's prerequisites against the stored flags.
   *
   * @throws FlagValidationException naming {@code prerequisites}
   */
  static void check(Flag flag, List<Flag> stored) {
    Map<String, List<String>> graph = new HashMap<>();
    for (Flag f : stored) {
      graph.put(f.key(), f.prerequisites());
    }
    for (String p : flag.prerequisites()) {
      if (!graph.containsKey(p)) {
        throw new FlagValidationException(
            "prerequisites", "prerequisites names an unknown flag: " + Checks.quote(p));
      }
    }
    graph.put(flag.key(), flag.prerequisites());
    // A cycle through the changed flag exists iff its key is reachable from its prerequisites.
    Deque<String> todo = new ArrayDeque<>(flag.prerequisites());
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (next.equals(flag.key())) {
        throw new FlagValidationException(
            "prerequisites",
            "prerequisites would form a cycle through " + Checks.quote(flag.key()));
      }
      if (seen.add(next)) {
        todo.addAll(graph.getOrDefault(next, List.of()));
      }
    }
    // The evaluator bounds recursion (a hand-edited store could hold a cycle); a chain that deep
    // written through the API would evaluate to ERROR, so refuse it here, where the field can be
    // named.
    Map<String, List<String>> dependents = new HashMap<>();
    graph.forEach(
        (key, prerequisites) -> {
          for (String p : prerequisites) {
            dependents.computeIfAbsent(p, k -> new ArrayList<>()).add(key);
          }
        });
    // Second line behind the evaluator's memo (SPEC §4): bound the graph any one evaluation walks.
    Set<String> affected = reachable(flag.key(), dependents);
    affected.add(flag.key());
    for (String key : affected) {
      int edges = 0;
      for (String node : reachable(key, graph)) {
        edges += graph.getOrDefault(node, List.of()).size();
      }
      edges += graph.getOrDefault(key, List.of()).size();
      if (edges > MAX_GRAPH_EDGES) {
        throw new FlagValidationException(
            "prerequisites",
            "prerequisites would give flag "
                + Checks.quote(key)
                + " more than "
                + MAX_GRAPH_EDGES
                + " prerequisite links to evaluate");
      }
    }
    int longest =
        depth(flag.key(), graph, new HashMap<>()) + depth(flag.key(), dependents, new HashMap<>());
    if (longest >= Evaluator.MAX_DEPTH) {
      throw new FlagValidationException(
          "prerequisites",
          "prerequisites would form a chain of more than "
              + Evaluator.MAX_DEPTH
              + " flags through "
              + Checks.quote(flag.key()));
    }
  }

  /** Prerequisite links reachable from one flag, at most; see checkPrerequisites. */
  static final int MAX_GRAPH_EDGES = 1_000;

  /** Keys reachable from {@code key} along {@code edges}, {@code key} itself excluded. */
  private static Set<String> reachable(String key, Map<String, List<String>> edges) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(edges.getOrDefault(key, List.of()));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (!next.equals(key) && seen.add(next)) {
        todo.addAll(edges.getOrDefault(next, List.of()));
      }
    }
    return seen;
  }

  /** Edges on the longest path from {@code key} along {@code edges}. */
  private static int depth(String key, Map<String, List<String>> edges, Map<String, Integer> memo) {
    Integer known = memo.get(key);
    if (known != null) {
      // -1: on the current path, i.e. a cycle a hand-edited store holds elsewhere; not this
      // write's.
      return Math.max(known, 0);
    }
    memo.put(key, -1);
    int deepest = 0;
    for (String next : edges.getOrDefault(key, List.of())) {
      deepest = Math.max(deepest, 1 + depth(next, edges, memo));
    }
    memo.put(key, deepest);
    return deepest;
  }
}
