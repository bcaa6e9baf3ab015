package dev.fathom.ops.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckOptionsTest {

  static Path models(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("stories260K.gguf"), "x");
    Files.writeString(dir.resolve("llama-2-tiny-random.gguf"), "x");
    return dir;
  }

  @Test
  void defaultsToTheFullCudaRunWithTheCpuAsReference(@TempDir Path dir) throws Exception {
    CheckOptions o =
        CheckOptions.parse(
            new String[] {
              "--out", dir.resolve("o").toString(), "--models", models(dir.resolve("m")).toString()
            });
    assertEquals("cuda", o.backend());
    assertEquals("cpu", o.reference());
    assertEquals(CheckSizes.FULL, o.sizes());
    assertEquals(CheckOptions.DEFAULT_BUDGET_SECONDS, o.budgetSeconds());
    assertTrue(o.out().isAbsolute());
  }

  @Test
  void quickCpuRun(@TempDir Path dir) throws Exception {
    CheckOptions o =
        CheckOptions.parse(
            new String[] {
              "--out",
              "o",
              "--models",
              models(dir.resolve("m")).toString(),
              "--backend",
              "CPU",
              "--quick",
              "--budget",
              "120",
              "--threads",
              "3"
            });
    assertEquals("cpu", o.backend());
    assertEquals(CheckSizes.QUICK, o.sizes());
    assertEquals(120, o.budgetSeconds());
    assertEquals(3, o.threads());
  }

  @Test
  void badInputNamesTheValueAndTheRange(@TempDir Path dir) throws Exception {
    String m = models(dir.resolve("m")).toString();
    assertMessage("--out DIR is required", "--models", m);
    assertMessage(
        "--backend must be one of [cuda, cpu, scalar], got gpu",
        "--out",
        "o",
        "--models",
        m,
        "--backend",
        "gpu");
    assertMessage(
        "--budget must be 30..86400 seconds, got 5", "--out", "o", "--models", m, "--budget", "5");
    assertMessage(
        "--threads must be a whole number, got 'two'",
        "--out",
        "o",
        "--models",
        m,
        "--threads",
        "two");
    assertMessage("unknown option '--fast'", "--out", "o", "--fast");
    assertMessage("has no stories260K.gguf", "--out", "o", "--models", dir.toString());
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CheckOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void stepArgumentsAreCheckedByName() {
    StepArgs a = new StepArgs(List.of("tokens=300", "prompt=a=b"));
    assertEquals("a=b", a.text("prompt"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> a.integer("tokens", 1, 255));
    assertEquals("tokens must be in 1..255, got 300", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> a.text("model"));
    assertThrows(IllegalArgumentException.class, () -> new StepArgs(List.of("noequals")));
    assertEquals(List.of("model=m", "threads=2"), StepArgs.of("model", "m", "threads", 2));
  }
}
