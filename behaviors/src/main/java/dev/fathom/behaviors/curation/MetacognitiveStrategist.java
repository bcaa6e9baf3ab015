package dev.fathom.behaviors.curation;

import dev.fathom.behaviors.prompt.PromptTemplate;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.text.EvidenceFence;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The paper's "metacognitive strategist" (arXiv 2509.13237 §3; there
 * DeepSeek-R1-Distill-Llama-70B): a language model that reads a solved question and (2) reflects on
 * it — was it right, which steps were missing, which are reusable — then (3) extracts behaviors
 * from the solution and the reflection. Step (1), solving, is Fathom's own answer, recorded as a
 * {@link Trace}.
 *
 * <p>Prompts are {@code reflect.txt} and {@code extract.txt} ({@link PromptTemplate}). The variable
 * parts are clipped so a prompt fits the model's context: the budget is {@code (contextLength −
 * maxTokens) × 2} characters less the template, a conservative two characters a token (English
 * under BPE runs about four), split evidence ½, answer ¼, reflection ¼.
 *
 * <p>One thread at a time (the {@link LanguageModel} contract).
 */
public final class MetacognitiveStrategist {

  /**
   * @param generation sampling and length of each step (greedy by default)
   * @param promptsDir a directory whose {@code reflect.txt} / {@code extract.txt} replace the
   *     built-ins, or null
   */
  public record Settings(GenerationSettings generation, Path promptsDir) {
    public Settings {
      Objects.requireNonNull(generation, "generation");
    }

    /** Greedy, up to 512 tokens a step, the built-in prompts. */
    public static Settings defaults() {
      return new Settings(GenerationSettings.GREEDY.withMaxTokens(512), null);
    }
  }

  /**
   * The strategist's two outputs for one trace.
   *
   * @param reflection what it made of the answer
   * @param extraction its raw list of behaviors (parse with {@link BehaviorListParser})
   * @param completionTokens tokens generated over both steps
   */
  public record Output(String reflection, String extraction, int completionTokens) {}

  private final LanguageModel model;
  private final Settings settings;
  private final PromptTemplate reflect;
  private final PromptTemplate extract;

  public MetacognitiveStrategist(LanguageModel model, Settings settings) {
    this.model = Objects.requireNonNull(model, "model");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.reflect =
        PromptTemplate.load(
            "reflect.txt",
            settings.promptsDir(),
            Set.of("question", "evidence", "answer", "feedback"));
    this.extract =
        PromptTemplate.load(
            "extract.txt", settings.promptsDir(), Set.of("question", "answer", "reflection"));
  }

  /** The model's name, for provenance and logs. */
  public String modelName() {
    return model.name();
  }

  /** Reflects on {@code trace}, then extracts behaviors from it. */
  public Output run(Trace trace) {
    int budget = Math.max(400, (model.contextLength() - settings.generation().maxTokens()) * 2);
    int free = Math.max(200, budget - reflect.text().length());
    // Retrieved text is data: each source fenced and labelled (EvidenceFence), its text clipped
    // before fencing so a clip never cuts a fence open.
    int perSource = Math.max(80, free / 2 / Math.max(1, trace.evidence().size()));
    String evidence =
        trace.evidence().isEmpty()
            ? ""
            : EvidenceFence.INSTRUCTION
                + "\n"
                + trace.evidence().stream()
                    .map(s -> EvidenceFence.quote(s.number(), s.title(), clip(s.text(), perSource)))
                    .collect(Collectors.joining("\n"));
    String feedback = trace.feedback() == null ? "none" : trace.feedback().describe();
    Generation reflection =
        ask(
            reflect.render(
                Map.of(
                    "question", clip(trace.question(), free / 8),
                    "evidence", evidence.isEmpty() ? "(none)" : evidence,
                    "answer", clip(trace.text(), free / 4),
                    "feedback", clip(feedback, free / 8))));
    free = Math.max(200, budget - extract.text().length());
    Generation extraction =
        ask(
            extract.render(
                Map.of(
                    "question", clip(trace.question(), free / 4),
                    "answer", clip(trace.text(), free / 4),
                    "reflection", clip(reflection.text(), free / 2))));
    return new Output(
        reflection.text(),
        extraction.text(),
        reflection.generatedTokenCount() + extraction.generatedTokenCount());
  }

  private Generation ask(String prompt) {
    return model.chat(List.of(ChatMessage.user(prompt)), settings.generation(), token -> {});
  }

  static String clip(String s, int chars) {
    return s.length() <= chars ? s : s.substring(0, Math.max(0, chars - 1)) + "…";
  }
}
