package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchEngineCommandTest {

  @TempDir Path dir;

  private static BenchEngineCommand parse(String... args) {
    BenchEngineCommand c = new BenchEngineCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void defaultsFollowTheSpec() {
    BenchEngineCommand c = parse("--model", "m.gguf");
    assertEquals(List.of(128), c.promptTokens);
    assertEquals(64, c.decodeTokens);
    assertEquals(List.of(Runtime.getRuntime().availableProcessors()), c.threads);
    assertFalse(c.vsLlamaCpp);
    assertFalse(c.json);
    assertEquals(3, c.runs);
  }

  @Test
  void oneRunCoversSeveralFilesThreadCountsAndPromptLengths() {
    BenchEngineCommand c =
        parse(
            "--model",
            "a.gguf",
            "--model",
            "b.gguf",
            "--threads",
            "1,2",
            "--prompt-tokens",
            "128,512");
    assertEquals(List.of(Path.of("a.gguf"), Path.of("b.gguf")), c.models);
    assertEquals(List.of(1, 2), c.threads);
    assertEquals(List.of(128, 512), c.promptTokens);
    ErrorHandler.UserError e =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--threads", "2,300").validate());
    assertEquals("--threads must be in 1..256, got 300", e.getMessage());
  }

  @Test
  void theModelIsRequired() {
    assertThrows(CommandLine.MissingParameterException.class, () -> parse("--json"));
  }

  @Test
  void optionsOutsideTheirRangesNameTheValueAndTheRange() {
    ErrorHandler.UserError e =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--threads", "0").validate());
    assertEquals("--threads must be in 1..256, got 0", e.getMessage());
    e =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--prompt-tokens", "0").validate());
    assertEquals("--prompt-tokens must be in 1..8192, got 0", e.getMessage());
    e =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--decode-tokens", "9000").validate());
    assertEquals("--decode-tokens must be in 1..8192, got 9000", e.getMessage());
    e =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--runs", "0").validate());
    assertEquals("--runs must be in 1..100, got 0", e.getMessage());
  }

  @Test
  void aMissingModelFileIsAClearError() {
    Path missing = dir.resolve("none.gguf");
    ErrorHandler.UserError e =
        assertThrows(
            ErrorHandler.UserError.class, () -> parse("--model", missing.toString()).call());
    assertTrue(e.getMessage().contains("no model file at"), e.getMessage());
  }
}
