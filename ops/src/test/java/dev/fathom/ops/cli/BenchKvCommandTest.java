package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchKvCommandTest {

  private static BenchKvCommand parse(String... args) {
    BenchKvCommand c = new BenchKvCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void defaultsAndBudgetLists() {
    BenchKvCommand c = parse("--model", "m.gguf", "--prefix");
    assertEquals(1024, c.promptTokens);
    assertEquals(0.9, c.shared);
    c.validate();
    BenchKvCommand b = parse("--model", "m.gguf", "--budget", "0.25,0.5", "--policy", "h2o");
    assertEquals(List.of(0.25, 0.5), b.budgets);
    assertEquals(List.of("h2o"), b.policies);
    b.validate();
  }

  @Test
  void exactlyOneModeAndRangesNamed() {
    ErrorHandler.UserError none =
        assertThrows(ErrorHandler.UserError.class, () -> parse("--model", "m.gguf").validate());
    assertTrue(none.getMessage().contains("or --session N"), none.getMessage());
    assertThrows(
        ErrorHandler.UserError.class,
        () -> parse("--model", "m.gguf", "--prefix", "--budget", "0.5").validate());
    ErrorHandler.UserError shared =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--prefix", "--shared", "1.5").validate());
    assertTrue(shared.getMessage().contains("(0, 1)"), shared.getMessage());
    ErrorHandler.UserError budget =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--budget", "0").validate());
    assertTrue(budget.getMessage().contains("--budget"), budget.getMessage());
    ErrorHandler.UserError names =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--model", "m.gguf", "--budget", "0.5", "--candidates", "11").validate());
    assertTrue(names.getMessage().contains("2..10"), names.getMessage());
    assertEquals(
        List.of("streaming-llm", "h2o", "snapkv", "passage"),
        parse("--model", "m.gguf", "--budget", "0.5", "--passkey", "10").policies);
  }
}
