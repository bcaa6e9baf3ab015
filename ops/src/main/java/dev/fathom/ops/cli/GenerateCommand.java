package dev.fathom.ops.cli;

import dev.fathom.answer.GenerationReport;
import dev.fathom.compressors.DraftContextBuilder;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.local.LocalLanguageModel.SpeculativeGeneration;
import dev.fathom.drafters.speculative.SpeculationStats;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fathom generate --model FILE.gguf "prompt"}: the in-JVM engine on its own, the completion
 * streamed to stdout and the speed to stderr.
 *
 * <p>With {@code --context-file}, the prompt is that long context followed by the prompt text. With
 * {@code --speculate}, the drafter reads a short context instead (RAPID): {@code --draft-context},
 * or else the chunks of the long context most similar to the prompt ({@link DraftContextBuilder}),
 * or else, without a long context, the same prompt as the target.
 */
@Command(
    name = "generate",
    description = {
      "Generate text with a GGUF model in the JVM: the completion is streamed to stdout,",
      "the speed printed to stderr. See docs/engine.md."
    })
public final class GenerateCommand implements Callable<Integer> {

  @Mixin DataOption data;
  @Mixin EngineOptions engine;
  @Mixin SamplingOptions sampling;

  @Option(
      names = "--chat",
      description = "Format the prompt as a user turn with the chat template.")
  boolean chat;

  @Option(names = "--system", paramLabel = "TEXT", description = "System message (with --chat).")
  String system;

  @Option(
      names = "--context-file",
      paramLabel = "FILE",
      description = "A long context the target reads before the prompt.")
  Path contextFile;

  @Option(
      names = "--draft-context",
      paramLabel = "FILE|TEXT",
      description =
          "With --speculate: the drafter's short context (a file, else the text itself) in place"
              + " of the chunks of --context-file chosen by similarity to the prompt.")
  String draftContext;

  @Option(names = "--json", description = "Print one JSON object at the end; nothing is streamed.")
  boolean json;

  @Parameters(paramLabel = "PROMPT", arity = "0..*", description = "The prompt (quotes optional).")
  List<String> words = List.of();

  @Override
  public Integer call() {
    String prompt = String.join(" ", words);
    if (prompt.isBlank()) {
      throw new ErrorHandler.UserError(
          "the prompt is empty: give it as an argument, e.g. fathom generate --model m.gguf"
              + " \"Once upon a time\"");
    }
    if (draftContext != null && !engine.speculating()) {
      throw new ErrorHandler.UserError("--draft-context needs --speculate or --draft-model");
    }
    if (system != null && !chat) {
      throw new ErrorHandler.UserError("--system needs --chat");
    }
    String longContext = contextFile == null ? null : read(contextFile);
    GenerationSettings settings = sampling.settings(0.8f);
    try (LocalLanguageModel model = engine.openModel()) {
      LocalLanguageModel drafter = engine.speculating() ? engine.openDrafter(model) : null;
      try {
        run(model, drafter, prompt, longContext, settings);
      } finally {
        if (drafter != null && drafter != model) drafter.close();
      }
    }
    return 0;
  }

  private void run(
      LocalLanguageModel model,
      LocalLanguageModel drafter,
      String prompt,
      String longContext,
      GenerationSettings settings) {
    int[] target = tokens(model, withContext(longContext, prompt));
    List<String> stops = new ArrayList<>(settings.stop());
    if (chat) stops.addAll(model.template().stopStrings());
    TokenListener out =
        json
            ? TokenListener.NONE
            : text -> {
              System.out.print(text);
              System.out.flush();
            };
    Generation g;
    SpeculationStats stats = null;
    if (drafter != null) {
      String shortContext = draftContext(drafter, longContext, prompt);
      int[] draft = tokens(drafter, withContext(shortContext, prompt));
      SpeculativeGeneration sg =
          model.speculate(target, drafter, draft, settings, engine.rapid(), stops, out);
      g = sg.generation();
      stats = sg.stats();
    } else {
      g = model.generate(target, settings, stops, out);
    }
    GenerationReport report = GenerationReport.of(model.name(), g, settings.temperature());
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", model.name());
      m.put("draft_model", drafter == null ? null : drafter.name());
      m.put("text", g.text());
      m.put("prompt_tokens", g.promptTokens());
      m.put("tokens", g.tokens());
      m.put("stop_reason", report.stopReasonName());
      m.put("timings", GenerationLines.timings(report));
      m.put("speculation", GenerationLines.speculation(stats, engine.rapid().adaptive()));
      System.out.println(Json.write(m));
      return;
    }
    System.out.println();
    System.err.println(GenerationLines.speedLine(report));
    if (stats != null) System.err.println(GenerationLines.speculationLine(stats));
  }

  /** The drafter's short context: given, chosen from the long context, or none. */
  private String draftContext(LocalLanguageModel drafter, String longContext, String prompt) {
    if (draftContext != null) return fileOrText(draftContext);
    if (longContext == null) return null;
    try (Workspace ws = new Workspace(data.config())) {
      DraftContextBuilder builder =
          new DraftContextBuilder(
              ws.embedder(),
              DraftContextBuilder.Settings.defaults(),
              text -> drafter.tokenizer().encode(text).length);
      return builder.build(longContext, prompt);
    }
  }

  private int[] tokens(LocalLanguageModel model, String text) {
    if (!chat) return model.promptTokens(text);
    List<ChatMessage> messages = new ArrayList<>();
    if (system != null) messages.add(ChatMessage.system(system));
    messages.add(ChatMessage.user(text));
    return model.chatTokens(messages);
  }

  private static String withContext(String context, String prompt) {
    return context == null || context.isBlank() ? prompt : context.strip() + "\n\n" + prompt;
  }

  private static String fileOrText(String value) {
    try {
      Path p = Path.of(value);
      if (Files.isRegularFile(p)) return read(p);
    } catch (InvalidPathException e) {
      // Not a path: the text itself.
    }
    return value;
  }

  private static String read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ErrorHandler.UserError(file + ": no such file");
    }
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
