package dev.fathom.behaviors;

import dev.fathom.behaviors.curation.BehaviorCurator;
import dev.fathom.behaviors.curation.MetacognitiveStrategist;
import dev.fathom.behaviors.curation.SelfImprovement;
import dev.fathom.behaviors.eval.BehaviorMetrics;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.behaviors.prompt.BehaviorPrompt;
import dev.fathom.behaviors.prompt.DefaultBehaviorLibrary;
import dev.fathom.behaviors.trace.TraceStore;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.retrieval.embed.Embedder;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything of the behavior loop for one data directory, built once at start-up by the CLI or the
 * server: the handbook ({@code <data>/behaviors}, Lucene), the trace store ({@code <data>/traces},
 * JSON lines), the {@link BehaviorLibrary} for the answer stage, and the shared {@link
 * BehaviorMetrics}. Curators are made per strategist model with {@link #curator}.
 *
 * <p>Where each part is meant to be called (see {@code docs/behaviors.md}, "Wiring"):
 *
 * <ul>
 *   <li>answer stage: {@link #library()}{@code .offer} before the prompt, {@code .recordAnswer}
 *       after generation; the trace goes to {@link #traces()} (CLI) or {@code fathom.traces}
 *       (serve, {@code TraceJson.write});
 *   <li>curator actor / {@code fathom behaviors mine}: {@link #curator}{@code .curate(trace)}, off
 *       the answer path; serve mode publishes each {@code Change.stored()} to {@code
 *       fathom.behaviors};
 *   <li>every serve node's consumer of {@code fathom.behaviors}: {@link #handbook()}{@code
 *       .applyShared(key, value)};
 *   <li>{@code /metrics}: {@link #metrics()}{@code .snapshot()}.
 * </ul>
 */
public final class BehaviorModule implements AutoCloseable {

  /**
   * @param dataDir the data directory; the handbook and traces live below it
   * @param promptsDir prompt overrides ({@code reflect.txt}, {@code extract.txt}, {@code
   *     conditioned.txt}), or null
   * @param handbook merge threshold
   * @param library how many behaviors to offer (its {@code promptsDir} is replaced by this one's)
   */
  public record Settings(
      Path dataDir,
      Path promptsDir,
      Handbook.Settings handbook,
      DefaultBehaviorLibrary.Settings library) {
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(handbook, "handbook");
      Objects.requireNonNull(library, "library");
      library =
          new DefaultBehaviorLibrary.Settings(
              library.maxBehaviors(),
              library.contextShare(),
              library.contextTokens(),
              library.minSimilarity(),
              promptsDir);
    }

    /** The defaults for an answer model with {@code answerContextTokens} of context. */
    public static Settings defaults(Path dataDir, int answerContextTokens) {
      return new Settings(
          dataDir,
          null,
          Handbook.Settings.defaults(),
          DefaultBehaviorLibrary.Settings.forContext(answerContextTokens));
    }
  }

  private final Settings settings;
  private final BehaviorMetrics metrics = new BehaviorMetrics();
  private final Handbook handbook;
  private final TraceStore traces;
  private final BehaviorLibrary library;

  private BehaviorModule(Settings settings, Embedder embedder) {
    this.settings = settings;
    this.handbook =
        Handbook.open(settings.dataDir().resolve("behaviors"), embedder, settings.handbook());
    this.traces = TraceStore.open(settings.dataDir().resolve("traces"));
    this.library = new DefaultBehaviorLibrary(handbook, settings.library(), metrics);
  }

  /**
   * Opens the handbook and trace store of {@code settings.dataDir()}. The caller owns {@code
   * embedder}.
   */
  public static BehaviorModule open(Settings settings, Embedder embedder) {
    return new BehaviorModule(settings, embedder);
  }

  public Handbook handbook() {
    return handbook;
  }

  public TraceStore traces() {
    return traces;
  }

  public BehaviorLibrary library() {
    return library;
  }

  public BehaviorMetrics metrics() {
    return metrics;
  }

  /** The behavior section renderer (for self-improvement and custom prompts). */
  public BehaviorPrompt prompt() {
    return new BehaviorPrompt(settings.promptsDir());
  }

  /** A curator whose strategist is {@code model} (one thread at a time, as the model allows). */
  public BehaviorCurator curator(LanguageModel model, GenerationSettings generation) {
    return new BehaviorCurator(
        new MetacognitiveStrategist(
            model, new MetacognitiveStrategist.Settings(generation, settings.promptsDir())),
        handbook,
        metrics);
  }

  /** Behavior-guided self-improvement with {@code curator}'s strategist. */
  public SelfImprovement selfImprovement(BehaviorCurator curator) {
    return new SelfImprovement(curator, prompt());
  }

  @Override
  public void close() {
    handbook.close();
  }
}
