package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download as a user gets it: the archive built by {@code -Pdist} is unpacked into a temporary
 * folder and its {@code bin/fathom} runs with no JDK on the path and no JAVA_HOME, on the bundled
 * jlink'd runtime, against the bundled demo documents.
 *
 * <p>Runs only with {@code -Pdist}, which builds the archive and names it in {@code
 * fathom.dist.archive}; {@code .ci/run} passes that profile.
 */
class DistributionIT {

  @TempDir static Path tmp;
  static Path home;

  /** What a run printed and how it ended. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void unpack() throws Exception {
    String archive = System.getProperty("fathom.dist.archive");
    Assumptions.assumeTrue(
        archive != null && !archive.isBlank(),
        "no archive to test: build and test it with -Pdist (./fathom test -Pdist)");
    assertTrue(Files.isRegularFile(Path.of(archive)), "-Pdist built no " + archive);
    Run untar = run(tmp, List.of("tar", "xzf", archive, "-C", tmp.toString()), 120);
    assertEquals(0, untar.exit(), untar.err());
    try (Stream<Path> top = Files.list(tmp)) {
      home = top.filter(p -> p.getFileName().toString().startsWith("fathom-")).findFirst().get();
    }
  }

  /** Runs {@code cmd} in {@code dir} with a bare environment: no JDK reachable, HOME in tmp. */
  static Run run(Path dir, List<String> cmd, int timeoutSeconds) throws Exception {
    var pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("HOME", tmp.resolve("home").toString());
    pb.environment().put("LANG", "C.UTF-8");
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(cmd + " ran past " + timeoutSeconds + " s; stderr:\n" + Files.readString(err));
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static Run fathom(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/fathom").toString()));
    cmd.addAll(List.of(args));
    Path work = Files.createDirectories(tmp.resolve("work"));
    return run(work, cmd, 300);
  }

  @Test
  void versionNamesTheReleaseAndTheBundledJava() throws Exception {
    Run r = fathom("--version");
    assertEquals(0, r.exit(), r.err());
    String version = home.getFileName().toString().substring("fathom-".length());
    assertTrue(r.out().contains("fathom " + version), r.out());
    assertTrue(r.out().contains("java 25"), r.out());
    assertEquals("", r.err(), "nothing on stderr, in particular no incubator warning");
  }

  @Test
  void askAnswersFromTheBundledDocsWithCitations() throws Exception {
    Run r = fathom("ask", "What does the behavior handbook store?");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("[1]") && r.out().contains("Sources:"), r.out());
    assertTrue(r.out().contains("docs/"), "cites the bundled docs: " + r.out());
    assertFalse(r.err().contains("WARNING"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void completionPrintsABashScript() throws Exception {
    Run r = fathom("completion", "bash");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("complete -F"), r.out().lines().limit(5).toList().toString());
  }
}
