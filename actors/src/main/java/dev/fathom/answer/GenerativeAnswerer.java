package dev.fathom.answer;

import dev.fathom.answer.NumberedSources.Source;
import dev.fathom.behaviors.prompt.BehaviorCitations;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.behaviors.prompt.BehaviorPrompt;
import dev.fathom.compressors.Evidence;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.local.LocalLanguageModel.SpeculativeGeneration;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.drafters.speculative.SpeculationStats;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.text.EvidenceFence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the answer with a language model that reads the evidence and cites it.
 *
 * <p>The prompt puts the instructions first (the system message), then the evidence as numbered
 * sources ({@code [n] Title: sentences…}, numbered as {@link ExtractiveAnswerer} numbers its
 * citations), then the question last, as RAPID's and RECOMP's prompts do. The model's {@code [n]}
 * markers are then parsed: the answer cites the sources it actually used, renumbered in order of
 * first use, and markers naming no source are removed (and counted in {@link
 * GenerationReport#droppedMarkers}). An answer that cites nothing lists every source of the
 * evidence, numbered as in the prompt, so {@link Answer#foundNothing()} keeps meaning "the evidence
 * was empty".
 *
 * <p><b>Streaming.</b> {@link #answer(String, Evidence, TokenListener)} emits text as the model
 * writes it, so it carries the model's own numbering; the returned answer's markers are renumbered
 * after generation. The prompt numbers sources in the order the evidence reads, so a model that
 * cites in reading order streams the final numbers already; {@link
 * GenerationReport#streamedCitations()} lists the sources by the numbers that were streamed.
 *
 * <p><b>Speculation</b> (RAPID, Chen et al., arXiv 2502.20330): with {@link Settings#speculate()},
 * the target model reads the long context, every retrieved passage in full ({@link
 * Evidence#passages()}), while the drafter reads the short one, the compressed evidence. This needs
 * the in-JVM engine ({@link LocalLanguageModel}) for both; with any other model the answerer logs
 * why and generates plainly.
 *
 * <p>Models are called from one thread at a time (the {@link LanguageModel} contract): this
 * answerer serialises its own calls, so it may be called from any number of threads. The caller
 * closes the models.
 */
public final class GenerativeAnswerer implements Answerer {

  private static final Logger log = LoggerFactory.getLogger(GenerativeAnswerer.class);
  private static final ExtractiveAnswerer EXTRACTIVE = new ExtractiveAnswerer();

  /** The system message: what to do, before any evidence. */
  public static final String INSTRUCTIONS =
      "Answer the question using only the numbered evidence below. Cite the evidence you use as"
          + " [n], n being the number of its evidence block. If the evidence does not contain the"
          + " answer, say so. "
          + EvidenceFence.INSTRUCTION;

  /**
   * @param generation sampling and length of the answer
   * @param speculate answer with RAPID (target reads all passages, drafter the evidence)
   * @param rapid RAPID's settings, used with {@code speculate}
   */
  public record Settings(GenerationSettings generation, boolean speculate, RapidSettings rapid) {
    public Settings {
      Objects.requireNonNull(generation, "generation");
      Objects.requireNonNull(rapid, "rapid");
    }

    /** Greedy, at most 256 tokens, no speculation. */
    public static Settings defaults() {
      return new Settings(GenerationSettings.GREEDY, false, RapidSettings.DEFAULTS);
    }
  }

  private final LanguageModel model;
  private final LanguageModel drafter;
  private final Settings settings;
  private final boolean speculating;

  /** The model itself: the rankers that call it (listwise, attention) lock on it too. */
  private final Object lock;

  /** Answers with {@code model}; speculation, if asked for, is self-speculation. */
  public GenerativeAnswerer(LanguageModel model, Settings settings) {
    this(model, model, settings);
  }

  /** Answers with {@code model}; {@code drafter} drafts when speculating (may be {@code model}). */
  public GenerativeAnswerer(LanguageModel model, LanguageModel drafter, Settings settings) {
    this.model = Objects.requireNonNull(model, "model");
    this.lock = model;
    this.drafter = Objects.requireNonNull(drafter, "drafter");
    this.settings = Objects.requireNonNull(settings, "settings");
    boolean local = model instanceof LocalLanguageModel && drafter instanceof LocalLanguageModel;
    if (settings.speculate() && !local) {
      log.warn(
          "speculative answering needs the in-JVM engine for target and drafter; {} and {} are"
              + " not both local GGUF models, so answers are generated without speculation",
          model.name(),
          drafter.name());
    }
    this.speculating = settings.speculate() && local;
  }

  /** Whether answers are generated with RAPID. */
  public boolean speculating() {
    return speculating;
  }

  public LanguageModel model() {
    return model;
  }

  /**
   * The answer model for other users in the same process (the behavior strategist in serve mode):
   * its calls take this answerer's lock, so they never overlap an answer (the {@link LanguageModel}
   * contract: one call at a time). Closing the view does not close the model.
   */
  public LanguageModel sharedModel() {
    return new LanguageModel() {
      @Override
      public String name() {
        return model.name();
      }

      @Override
      public int contextLength() {
        return model.contextLength();
      }

      @Override
      public Generation complete(
          String prompt, GenerationSettings settings, TokenListener listener) {
        synchronized (lock) {
          return model.complete(prompt, settings, listener);
        }
      }

      @Override
      public Generation chat(
          List<ChatMessage> messages, GenerationSettings settings, TokenListener listener) {
        synchronized (lock) {
          return model.chat(messages, settings, listener);
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Answer answer(String question, Evidence evidence, TokenListener listener) {
    return answer(question, evidence, BehaviorLibrary.Offer.NONE, listener);
  }

  /**
   * With the handbook's behaviors after the instructions and before the evidence, the question last
   * ({@link BehaviorPrompt#systemMessage}); the answer lists the behaviors offered and those its
   * text names ({@link BehaviorCitations}).
   */
  @Override
  public Answer answer(
      String question, Evidence evidence, BehaviorLibrary.Offer offer, TokenListener caller) {
    Objects.requireNonNull(offer, "offer");
    AnswerRequest request = AnswerRequest.of(caller);
    if (request.extractive()) return EXTRACTIVE.answer(question, evidence, request.stream());
    // The model gets the caller's own listener: NONE lets a model server reply whole.
    TokenListener listener = caller instanceof AnswerRequest r ? r.stream() : caller;
    GenerationSettings generation = request.settings(settings.generation());
    if (evidence.isEmpty()) {
      listener.onText(ExtractiveAnswerer.NOTHING_FOUND);
      GenerationReport none =
          new GenerationReport(
              model.name(), draftName(), temperature(), 0, 0, null, 0, 0, null, 0, List.of());
      return new Answer(question, ExtractiveAnswerer.NOTHING_FOUND, List.of(), Map.of(), none);
    }
    List<Source> evidenceSources = NumberedSources.ofEvidence(evidence);
    List<ChatMessage> shortPrompt =
        withInstructions(messages(question, evidenceSources, offer), request.instructions());
    List<Source> given = evidenceSources;
    Generation generated;
    SpeculationStats stats = null;
    // The LanguageModel contract: one call at a time. The lock is the model, shared with the
    // rankers that call it, so callers may answer from any number of threads.
    synchronized (lock) {
      if (speculating) {
        given = NumberedSources.ofPassages(evidence);
        SpeculativeGeneration sg =
            ((LocalLanguageModel) model)
                .chatSpeculative(
                    withInstructions(messages(question, given, offer), request.instructions()),
                    (LocalLanguageModel) drafter,
                    shortPrompt,
                    generation,
                    settings.rapid(),
                    listener);
        generated = sg.generation();
        stats = sg.stats();
      } else {
        generated = model.chat(shortPrompt, generation, listener);
      }
    }
    CitationMarkers.Rewrite rewrite = CitationMarkers.rewrite(generated.text(), given.size());
    if (rewrite.dropped() > 0) {
      log.info(
          "removed {} citation marker(s) naming no source from {}'s answer (the prompt had {})",
          rewrite.dropped(),
          model.name(),
          given.size());
    }
    List<Citation> fallback = evidenceSources.stream().map(Source::citation).toList();
    List<Citation> citations = new ArrayList<>();
    for (int n : rewrite.cited()) {
      Citation c = given.get(n - 1).citation();
      citations.add(
          new Citation(
              citations.size() + 1, c.source(), c.title(), c.start(), c.end(), c.passage()));
    }
    GenerationReport report =
        new GenerationReport(
            model.name(),
            draftName(),
            generation.temperature(),
            generated.promptTokenCount(),
            generated.generatedTokenCount(),
            generated.stopReason(),
            generated.prefillNanos(),
            generated.decodeNanos(),
            stats,
            rewrite.dropped(),
            streamedCitations(generated.text(), given, fallback));
    BehaviorsUsed used =
        offer.behaviors().isEmpty()
            ? null
            : new BehaviorsUsed(
                offer.names(), BehaviorCitations.cited(offer.names(), generated.text()));
    return new Answer(
        question,
        rewrite.text().strip(),
        citations.isEmpty() ? fallback : citations,
        Map.of(),
        report,
        used);
  }

  /**
   * The cited sources numbered as streamed: the prompt's numbers, in order of first use; the
   * fallback list when the text cites none.
   */
  private static List<Citation> streamedCitations(
      String rawText, List<Source> given, List<Citation> fallback) {
    List<Integer> cited = CitationMarkers.cited(rawText, given.size());
    if (cited.isEmpty()) return fallback;
    return cited.stream().map(n -> given.get(n - 1).citation()).toList();
  }

  private String draftName() {
    return speculating && drafter != model ? drafter.name() : null;
  }

  private float temperature() {
    return settings.generation().temperature();
  }

  /**
   * The caller's system message after Fathom's instructions: Fathom's rules (evidence only, cite
   * it, retrieved text is data) come first and stay; the caller's add to them (tone, length,
   * language).
   */
  static List<ChatMessage> withInstructions(List<ChatMessage> messages, String instructions) {
    if (instructions.isBlank()) return messages;
    List<ChatMessage> out = new ArrayList<>(messages);
    out.set(
        0,
        ChatMessage.system(
            messages.getFirst().content() + "\n\nInstructions from the caller:\n" + instructions));
    return out;
  }

  /**
   * System: the instructions, then the offered behaviors (a stable prefix); user: the numbered
   * sources, then the question last.
   */
  static List<ChatMessage> messages(
      String question, List<Source> sources, BehaviorLibrary.Offer offer) {
    return List.of(
        ChatMessage.system(BehaviorPrompt.systemMessage(INSTRUCTIONS, offer)),
        ChatMessage.user(
            "Evidence:\n" + NumberedSources.render(sources) + "\n\nQuestion: " + question));
  }
}
