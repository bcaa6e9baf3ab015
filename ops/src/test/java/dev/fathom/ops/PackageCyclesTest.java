package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * No package of Fathom depends on itself through others: the package graph (from the compiled
 * classes, by {@code jdeps -verbose:package}) has no cycle, so a folder name keeps saying where a
 * question goes (for example {@code ops.cli} may use {@code ops.server}, never the reverse, and in
 * the engine {@code drafters.local} may use {@code drafters.speculative}, never the reverse).
 */
class PackageCyclesTest {

  private static final List<String> MODULES =
      List.of("memory", "drafters", "retrieval", "compressors", "behaviors", "actors", "ops");

  @Test
  void thePackageGraphHasNoCycle() {
    Path root = Path.of(System.getProperty("fathom.root", "..")).toAbsolutePath().normalize();
    List<String> args = new ArrayList<>(List.of("-verbose:package", "-e", "dev\\.fathom\\..*"));
    List<String> dirs = new ArrayList<>();
    for (String m : MODULES) {
      Path classes = root.resolve(m).resolve("target/classes");
      if (Files.isDirectory(classes)) dirs.add(classes.toString());
    }
    assumeTrue(dirs.contains(root.resolve("ops/target/classes").toString()), "ops not compiled");
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    Map<String, Set<String>> graph = new HashMap<>();
    for (String dir : dirs) {
      StringWriter out = new StringWriter();
      List<String> a = new ArrayList<>(args);
      a.add(dir);
      int rc =
          jdeps.run(
              new PrintWriter(out), new PrintWriter(new StringWriter()), a.toArray(String[]::new));
      assertEquals(0, rc, "jdeps failed on " + dir);
      for (String line : out.toString().split("\n")) {
        String[] f = line.strip().split("\\s+");
        if (f.length >= 3 && f[1].equals("->") && !f[0].equals(f[2])) {
          graph.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
        }
      }
    }
    assertTrue(graph.containsKey("dev.fathom.ops.cli"), "jdeps saw no dependencies: " + graph);
    assertTrue(
        graph.containsKey("dev.fathom.drafters.speculative")
            || !dirs.contains(root.resolve("drafters/target/classes").toString()),
        "jdeps saw no dependencies in drafters: " + graph);
    for (String start : graph.keySet()) {
      List<String> cycle = cycleThrough(start, graph);
      assertNull(cycle, "package cycle: " + cycle);
    }
  }

  /** A path from {@code start} back to itself, or null. */
  private static List<String> cycleThrough(String start, Map<String, Set<String>> graph) {
    Deque<List<String>> paths = new ArrayDeque<>();
    paths.add(List.of(start));
    Set<String> seen = new HashSet<>();
    while (!paths.isEmpty()) {
      List<String> path = paths.poll();
      for (String next : graph.getOrDefault(path.getLast(), Set.of())) {
        List<String> longer = new ArrayList<>(path);
        longer.add(next);
        if (next.equals(start)) return longer;
        if (seen.add(next)) paths.add(longer);
      }
    }
    return null;
  }
}
