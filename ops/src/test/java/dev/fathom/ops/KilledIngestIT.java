package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingest killed with SIGKILL half-way (a real separate JVM, {@code Process.destroyForcibly})
 * must leave the previous commit searchable and the index usable for the next ingest.
 */
class KilledIngestIT {

  @TempDir Path tmp;

  @Test
  void theLastCommitSurvivesAKill9() throws Exception {
    System.setProperty("fathom.home", System.getProperty("fathom.root", "."));
    Path data = tmp.resolve("data");
    Path first = Files.createDirectories(tmp.resolve("first"));
    Files.writeString(
        first.resolve("tower.md"), "# Tower\n\nThe Eiffel Tower is 330 metres tall.\n");
    assertEquals(0, Cli.run("ingest", "--data", data.toString(), first.toString()).exit());

    Path big = Files.createDirectories(tmp.resolve("big"));
    for (int i = 0; i < 400; i++) {
      StringBuilder sb = new StringBuilder("# Turbine " + i + "\n\n");
      for (int s = 0; s < 12; s++)
        sb.append("Turbine blade ")
            .append(i)
            .append(" sentence ")
            .append(s)
            .append(" describes compressor stall margins. ");
      Files.writeString(big.resolve("t" + i + ".md"), sb.toString());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("@" + Path.of(System.getProperty("fathom.root", "."), "jvm.options"));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "-Dfathom.home=" + System.getProperty("fathom.home")));
    // Commit often, so the kill lands between commits as well as inside one.
    cmd.add("-Dfathom.ingest.commit-every-passages=50");
    cmd.addAll(
        List.of(Fathom.class.getName(), "ingest", "--data", data.toString(), big.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("ingest.log").toFile())
            .start();
    // Wait until the child has written at least one new commit, then kill it mid-flight.
    Path index = data.resolve("index");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long before = commitGeneration(index);
    while (System.nanoTime() < deadline && p.isAlive() && commitGeneration(index) <= before)
      Thread.sleep(20);
    assertTrue(
        p.isAlive(),
        "the ingest finished before it could be killed: "
            + Files.readString(tmp.resolve("ingest.log")));
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    // The index opens, the first corpus is still there, and some of the second may be too.
    Cli.Result ask =
        Cli.run("search", "--data", data.toString(), "--mode", "bm25", "Eiffel Tower height");
    assertEquals(0, ask.exit(), ask.toString());
    assertTrue(ask.out().contains("tower.md"), ask.toString());

    // The next ingest takes over (the stale write.lock of a dead process is not held) and
    // completes.
    Cli.Result again = Cli.run("ingest", "--data", data.toString(), big.toString());
    assertEquals(0, again.exit(), again.toString());
    assertTrue(again.out().startsWith("400 files:"), again.toString());
    Cli.Result search =
        Cli.run(
            "search", "--data", data.toString(), "--mode", "bm25", "-k", "1", "Turbine blade 399");
    assertTrue(search.out().contains("t399.md"), search.toString());
  }

  /** The generation of the newest commit point (Lucene names it segments_N, N in base 36). */
  private static long commitGeneration(Path index) {
    File[] files = index.toFile().listFiles((d, n) -> n.startsWith("segments_"));
    long max = 0;
    if (files != null) {
      for (File f : files)
        max = Math.max(max, Long.parseLong(f.getName().substring(9), Character.MAX_RADIX));
    }
    return max;
  }
}
