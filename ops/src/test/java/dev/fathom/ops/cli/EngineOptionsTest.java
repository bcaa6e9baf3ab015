package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.ops.config.FathomConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code --model}, {@code --llm} and {@code fathom.llm.url} choose the answer stage. */
class EngineOptionsTest {

  private static EngineOptions parse(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.engine;
  }

  private static FathomConfig config(String hocon) {
    return FathomConfig.from(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
  }

  @Test
  void llmChoosesTheModelServerAndNothingIsExtractive() {
    try (AnswerStage s =
        parse("--llm", "http://127.0.0.1:11434/v1")
            .openStage(config(""), GenerationSettings.GREEDY)) {
      assertTrue(s.generative() && s.remote(), s.describe());
      assertEquals("default (model server)", s.describe());
    }
    try (AnswerStage s = parse().openStage(config(""), GenerationSettings.GREEDY)) {
      assertFalse(s.generative());
    }
  }

  @Test
  void theSettingChoosesTheServerWhenNoOptionDoes() {
    try (AnswerStage s =
        parse()
            .openStage(
                config("fathom.llm { url = \"http://127.0.0.1:8000\", model = \"qwen\" }"),
                GenerationSettings.GREEDY)) {
      assertEquals("qwen (model server)", s.describe());
    }
  }

  @Test
  void conflictingOrBadChoicesAreOneLineErrors() {
    var both =
        assertThrows(
            ErrorHandler.UserError.class,
            () ->
                parse("--model", "m.gguf", "--llm", "http://127.0.0.1:1")
                    .openStage(config(""), GenerationSettings.GREEDY));
    assertTrue(both.getMessage().contains("give one of them"), both.getMessage());
    var notHttp =
        assertThrows(
            ErrorHandler.UserError.class,
            () ->
                parse("--llm", "localhost:11434").openStage(config(""), GenerationSettings.GREEDY));
    assertTrue(notHttp.getMessage().contains("http://"), notHttp.getMessage());
    var engineOnly =
        assertThrows(
            ErrorHandler.UserError.class, () -> parse("--llm", "http://127.0.0.1:1").openModel());
    assertTrue(engineOnly.getMessage().contains("in-JVM engine"), engineOnly.getMessage());
  }

  @Test
  void kvEvictionOptionsGiveTheModelItsPolicyAndBudget() {
    assertNull(parse().engine().kvEviction());
    var e = parse("--kv-eviction", "snapkv", "--kv-budget", "256").engine().kvEviction();
    assertEquals("snapkv", e.policy().name());
    assertEquals(256, e.budget());
    ErrorHandler.UserError alone =
        assertThrows(ErrorHandler.UserError.class, () -> parse("--kv-budget", "64").engine());
    assertTrue(alone.getMessage().contains("go together"), alone.getMessage());
    ErrorHandler.UserError small =
        assertThrows(
            ErrorHandler.UserError.class,
            () -> parse("--kv-eviction", "snapkv", "--kv-budget", "16").engine());
    assertTrue(small.getMessage().contains("minimum of 33"), small.getMessage());
    assertThrows(
        ErrorHandler.UserError.class,
        () -> parse("--kv-eviction", "lru", "--kv-budget", "64").engine());
  }
}
