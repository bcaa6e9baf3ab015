package dev.fathom.ops.workspace;

import dev.fathom.actors.Rankers;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.rank.AttentionRanker;
import dev.fathom.retrieval.rank.AttentionSettings;
import dev.fathom.retrieval.rank.FusionModel;
import dev.fathom.retrieval.rank.FusionRanker;
import dev.fathom.retrieval.rank.ListwiseRanker;
import dev.fathom.retrieval.rank.ListwiseSettings;
import dev.fathom.retrieval.rank.Ranker;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.RecentSignals;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rankers one index can run (docs/ranking.md): listwise and attention over a loaded GGUF model,
 * fusion when {@code fathom train ranker} left a model in the data directory. A kind that cannot
 * run is refused with a sentence naming what is missing and how to get it. Owns the fusion model it
 * loads; the language model stays its opener's.
 */
public final class RankerSet implements AutoCloseable {

  private final FusionModel fusionModel;
  private final Rankers rankers;

  /**
   * @param model the model for listwise ranking, and for attention ranking when it is the in-JVM
   *     engine; null when none is loaded
   * @param index the index the candidates come from (fusion looks their BM25 and dense scores up);
   *     null with the Solr backend, where fusion ranking is refused naming why
   * @param embedder the embedder of {@code index}
   * @param dataDir where the trained fusion model is looked for
   * @param depth how deep fusion reads each retrieval list (the retriever's candidates)
   */
  public RankerSet(
      LanguageModel model, PassageIndex index, Embedder embedder, Path dataDir, int depth) {
    this(model, index, embedder, dataDir, depth, null, AttentionSettings.defaults());
  }

  /**
   * Like {@link #RankerSet(LanguageModel, PassageIndex, Embedder, Path, int)}, fusion taking the
   * BM25 and dense lists the retriever reporting to {@code recent} left (null: fusion searches the
   * index again per question). Attention ranking needs {@code model} to be the in-JVM engine.
   *
   * @param attention what the attention ranker reads ({@code fathom.rerank.attention}, {@link
   *     dev.fathom.ops.config.FathomConfig#attention()})
   */
  public RankerSet(
      LanguageModel model,
      PassageIndex index,
      Embedder embedder,
      Path dataDir,
      int depth,
      RecentSignals recent,
      AttentionSettings attention) {
    this(
        model,
        model instanceof LocalLanguageModel local ? local : null,
        index,
        embedder,
        dataDir,
        depth,
        recent,
        attention);
  }

  /**
   * Like {@link #RankerSet(LanguageModel, PassageIndex, Embedder, Path, int, RecentSignals,
   * AttentionSettings)}, listwise ranking over {@code chat}, any {@link LanguageModel} (an
   * OpenAI-compatible server, or the in-JVM engine), while attention ranking needs {@code engine}.
   *
   * @param chat the model listwise ranking asks; null when none
   * @param engine the in-JVM engine for attention ranking; null when none is loaded
   */
  public RankerSet(
      LanguageModel chat,
      LocalLanguageModel engine,
      PassageIndex index,
      Embedder embedder,
      Path dataDir,
      int depth,
      RecentSignals recent,
      AttentionSettings attention) {
    Objects.requireNonNull(embedder, "embedder");
    Objects.requireNonNull(attention, "attention");
    Rankers r = Rankers.none();
    // Each calls the same model as the answerer, which locks on it.
    r =
        chat != null
            ? r.with(new ListwiseRanker(chat, ListwiseSettings.defaults()), chat)
            : r.without(RankerKind.LISTWISE, NEEDS_MODEL_LISTWISE);
    r =
        engine != null
            ? withAttention(r, engine, attention)
            : r.without(RankerKind.ATTENTION, NEEDS_MODEL_ATTENTION);
    FusionModel loaded = null;
    if (index == null) {
      // fathom.index.backend = solr: the fusion ranker's features come from the embedded index.
      r = r.without(RankerKind.FUSION, "fusion ranking needs the embedded index, not SolrCloud");
    } else if (!FusionModel.exists(dataDir)) {
      r = r.without(RankerKind.FUSION, missingFusionModel(dataDir));
    } else {
      try {
        loaded = FusionModel.load(dataDir);
        FusionRanker fusion = new FusionRanker(index, embedder, loaded, depth, recent);
        r = r.with(fusion, fusion); // one question at a time: its feature caches are not shared
      } catch (RuntimeException e) {
        // A stale or broken model must not stop questions that ask for no fusion ranking.
        if (loaded != null) loaded.close();
        loaded = null;
        r =
            r.without(
                RankerKind.FUSION,
                "fusion ranking cannot load "
                    + FusionModel.path(dataDir)
                    + " ("
                    + e.getMessage()
                    + "): run `fathom train ranker --dataset DIR --data "
                    + dataDir
                    + "` again");
      }
    }
    fusionModel = loaded;
    this.rankers = r;
  }

  /**
   * A head or layer the loaded model lacks refuses attention ranking, naming the setting, rather
   * than stopping questions that ask for another ranker.
   */
  private static Rankers withAttention(
      Rankers r, LocalLanguageModel engine, AttentionSettings attention) {
    try {
      return r.with(new AttentionRanker(engine, attention), engine);
    } catch (IllegalArgumentException e) {
      return r.without(
          RankerKind.ATTENTION,
          "attention ranking cannot run with fathom.rerank.attention: "
              + e.getMessage()
              + " (docs/ranking.md)");
    }
  }

  static final String NEEDS_MODEL_LISTWISE =
      "listwise ranking needs a language model: add --model FILE.gguf or --llm URL";
  static final String NEEDS_MODEL_ATTENTION =
      "attention ranking needs the in-JVM engine: add --model FILE.gguf"
          + " (a remote model exposes no attention weights)";

  /**
   * Checks, before anything is started, that {@code kind} can run with or without a loaded model.
   *
   * @throws IllegalArgumentException saying what is missing and how to get it
   */
  public static void check(RankerKind kind, boolean modelLoaded, Path dataDir) {
    String missing =
        switch (kind) {
          case NONE -> null;
          case LISTWISE -> modelLoaded ? null : NEEDS_MODEL_LISTWISE;
          case ATTENTION -> modelLoaded ? null : NEEDS_MODEL_ATTENTION;
          case FUSION -> FusionModel.exists(dataDir) ? null : missingFusionModel(dataDir);
        };
    if (missing != null) throw new IllegalArgumentException(missing);
  }

  /** Why fusion ranking cannot run with {@code dataDir}, and the command that fixes it. */
  public static String missingFusionModel(Path dataDir) {
    return "fusion ranking needs a trained model at "
        + FusionModel.path(dataDir)
        + ": run `fathom train ranker --dataset DIR --data "
        + dataDir
        + "` first";
  }

  /** For the pipeline's ranking stage. */
  public Rankers rankers() {
    return rankers;
  }

  /**
   * The ranker of {@code kind}.
   *
   * @throws IllegalArgumentException saying what is missing to run it
   */
  public Ranker get(RankerKind kind) {
    try {
      return rankers.get(kind);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Every ranker that can run here, {@code none} first. */
  public List<Ranker> available() {
    List<Ranker> out = new ArrayList<>();
    for (RankerKind k : RankerKind.values()) if (rankers.has(k)) out.add(rankers.get(k));
    return out;
  }

  @Override
  public void close() {
    if (fusionModel != null) fusionModel.close();
  }
}
