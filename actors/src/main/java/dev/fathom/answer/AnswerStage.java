package dev.fathom.answer;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.gguf.GgufFormatException;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.speculative.RapidSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The answer stage as configured, built in one place for {@code fathom ask}, {@code fathom serve}
 * and the benchmarks: the extractive answerer, or a {@link GenerativeAnswerer} over the in-JVM
 * engine with the models it opened. Closing the stage closes those models.
 */
public final class AnswerStage implements AutoCloseable {

  /**
   * How answers are written.
   *
   * @param model the GGUF file of the model that writes answers; null answers extractively
   * @param draftModel a GGUF file with the same tokenizer that drafts for {@code model} (RAPID);
   *     null drafts with {@code model} itself when {@code speculate}
   * @param speculate answer with RAPID (implied by {@code draftModel})
   * @param engine threads, context and chat template of the engine
   * @param generation sampling and length of the answer
   * @param rapid RAPID's settings, used when speculating
   */
  public record Settings(
      Path model,
      Path draftModel,
      boolean speculate,
      EngineSettings engine,
      GenerationSettings generation,
      RapidSettings rapid) {
    public Settings {
      if (model == null && draftModel != null) {
        throw new IllegalArgumentException(
            "a draft model (" + draftModel + ") needs a model to draft for");
      }
      if (model != null) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(rapid, "rapid");
      }
    }

    /** Answers are composed from the evidence sentences; no model runs. */
    public static Settings extractive() {
      return new Settings(null, null, false, null, null, null);
    }

    public boolean generative() {
      return model != null;
    }

    public boolean speculating() {
      return generative() && (speculate || draftModel != null);
    }
  }

  private final Answerer answerer;
  private final LocalLanguageModel model;
  private final LocalLanguageModel drafter;
  private final dev.fathom.drafters.lm.LanguageModel remote; // a model server's client, or null

  private AnswerStage(Answerer answerer, LocalLanguageModel model, LocalLanguageModel drafter) {
    this(answerer, model, drafter, null);
  }

  private AnswerStage(
      Answerer answerer,
      LocalLanguageModel model,
      LocalLanguageModel drafter,
      dev.fathom.drafters.lm.LanguageModel remote) {
    this.answerer = answerer;
    this.model = model;
    this.drafter = drafter;
    this.remote = remote;
  }

  /**
   * A stage whose answers {@code server} writes: a client of an OpenAI-compatible model server
   * (Ollama, vLLM, llama.cpp server). No speculation (RAPID needs the in-JVM engine for both
   * models). The stage owns and closes the client.
   */
  public static AnswerStage remote(
      dev.fathom.drafters.lm.LanguageModel server, GenerationSettings generation) {
    Objects.requireNonNull(server, "server");
    var generative =
        new GenerativeAnswerer(
            server, new GenerativeAnswerer.Settings(generation, false, RapidSettings.DEFAULTS));
    return new AnswerStage(generative, null, null, server);
  }

  /**
   * Builds the stage, opening the models of a generative one.
   *
   * @throws IllegalArgumentException naming a model file that is missing or not a usable GGUF file
   */
  public static AnswerStage open(Settings settings) {
    if (!settings.generative()) return new AnswerStage(new ExtractiveAnswerer(), null, null);
    LocalLanguageModel model = openModel(settings.model(), settings.engine());
    LocalLanguageModel drafter = model;
    try {
      if (settings.speculating() && settings.draftModel() != null) {
        drafter = openModel(settings.draftModel(), settings.engine());
      }
      var generative =
          new GenerativeAnswerer(
              model,
              drafter,
              new GenerativeAnswerer.Settings(
                  settings.generation(), settings.speculating(), settings.rapid()));
      return new AnswerStage(generative, model, drafter);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The extractive stage. */
  public static AnswerStage extractive() {
    return open(Settings.extractive());
  }

  public Answerer answerer() {
    return answerer;
  }

  /**
   * The language model that writes answers, its calls serialised with the answers (see {@link
   * GenerativeAnswerer#sharedModel()}), for other uses of the same model (a session's condensing
   * rewrite and summaries, behavior curation); empty for an extractive stage.
   */
  public java.util.Optional<dev.fathom.drafters.lm.LanguageModel> languageModel() {
    return java.util.Optional.ofNullable(sharedModel());
  }

  /**
   * The in-JVM model that writes the answers, for the rankers that use a language model (listwise,
   * attention; they lock on it as the answerer does); null for the extractive stage. The stage
   * still owns and closes it.
   */
  public LocalLanguageModel model() {
    return model;
  }

  /**
   * The answer model, its calls serialised with the answers (see {@link
   * GenerativeAnswerer#sharedModel()}); null for the extractive stage.
   */
  public dev.fathom.drafters.lm.LanguageModel sharedModel() {
    return answerer instanceof GenerativeAnswerer g ? g.sharedModel() : null;
  }

  /** Whether a language model writes the answers. */
  public boolean generative() {
    return model != null || remote != null;
  }

  /**
   * The model that writes the answers, in-JVM or on a server, for the rankers that call it (they
   * lock on it as the answerer does); null for the extractive stage. The stage owns and closes it.
   */
  public dev.fathom.drafters.lm.LanguageModel answerModel() {
    return model != null ? model : remote;
  }

  /** Whether a model server (not the in-JVM engine) writes the answers. */
  public boolean remote() {
    return remote != null;
  }

  /**
   * Why a request's own KV eviction ({@code GenerationSettings.kvEviction}) would not be honoured,
   * or null when it is: only the in-JVM engine reads it, and not under RAPID, whose verification
   * rewinds the cache that an eviction would have renumbered.
   */
  public String kvEvictionRefusal() {
    if (remote != null) return "a model server keeps its own KV cache";
    if (model == null) return "it composes answers without a model";
    if (answerer instanceof GenerativeAnswerer g && g.speculating()) {
      return "RAPID speculation does not evict (its verification rewinds the cache)";
    }
    return null;
  }

  /**
   * {@code extractive}, or {@code MODEL} with {@code (RAPID, drafter DRAFTER)} when speculating.
   */
  public String describe() {
    if (remote != null) return remote.name() + " (model server)";
    if (model == null) return "extractive";
    return model.name()
        + (answerer instanceof GenerativeAnswerer g && g.speculating()
            ? " (RAPID, drafter " + drafter.name() + ")"
            : "");
  }

  private static LocalLanguageModel openModel(Path file, EngineSettings engine) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such model file");
    }
    try {
      return LocalLanguageModel.open(file, engine);
    } catch (GgufFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such model file", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void close() {
    if (drafter != null && drafter != model) drafter.close();
    if (model != null) model.close();
    if (remote != null) remote.close();
  }
}
