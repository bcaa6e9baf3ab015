package dev.fathom.ops.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.fathom.actors.PipelineSettings;
import dev.fathom.actors.RankingSettings;
import dev.fathom.compressors.ExtractiveCompressor;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.embed.OnnxEmbedder;
import dev.fathom.retrieval.ingest.Ingestor;
import dev.fathom.retrieval.rank.AttentionSettings;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.text.Chunker;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole configuration, read once from {@code application.conf} (HOCON; system properties and
 * the environment variables named there override) into typed, validated records.
 */
public record FathomConfig(
    Path dataDir,
    String defaultCorpus,
    MiniLmModel embeddingModel,
    OnnxEmbedder.Settings embedding,
    int embeddingCacheEntries,
    Ingestor.Settings ingest,
    SearchMode mode,
    int k,
    HybridRetriever.Settings retrieval,
    ExtractiveCompressor.Settings compression,
    int maxQuestionChars,
    PipelineSettings pipeline,
    Config raw) {

  /** Loads the defaults plus overrides. */
  public static FathomConfig load() {
    return from(ConfigFactory.load());
  }

  /**
   * An empty {@code data-dir} (e.g. {@code FATHOM_DATA=} in the environment) would make the working
   * directory the data directory, whose files ingest then skips as Fathom's own: refused instead.
   */
  private static Path dataDir(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(
          "fathom.data-dir is empty (is FATHOM_DATA set to an empty value?): unset it, or name a"
              + " directory");
    }
    return Path.of(value);
  }

  /**
   * Reads and validates {@code config}.
   *
   * @throws IllegalArgumentException naming the setting that is missing or wrong
   */
  public static FathomConfig from(Config config) {
    try {
      Config f = config.getConfig("fathom");
      Config emb = f.getConfig("embedding");
      int threads = emb.getInt("intra-op-threads");
      if (threads == 0) threads = Runtime.getRuntime().availableProcessors();
      Config in = f.getConfig("ingest");
      Config r = f.getConfig("retrieval");
      Config c = f.getConfig("compression");
      Config a = f.getConfig("ask");
      PipelineSettings pipeline = PipelineSettings.fromConfig(config);
      return new FathomConfig(
          dataDir(f.getString("data-dir")),
          f.getString("default-corpus"),
          MiniLmModel.parse(emb.getString("model")),
          new OnnxEmbedder.Settings(emb.getInt("batch-size"), threads, emb.getInt("predictors")),
          emb.getInt("cache-entries"),
          new Ingestor.Settings(
              new Chunker(in.getInt("chunk-words"), in.getInt("overlap-sentences")),
              in.getInt("embed-batch"),
              in.getInt("commit-every-passages"),
              !in.hasPath("sentence-vectors") || in.getBoolean("sentence-vectors")),
          SearchMode.parse(r.getString("mode")),
          r.getInt("k"),
          new HybridRetriever.Settings(
              r.getInt("candidates"),
              r.getInt("rrf-k"),
              r.getDouble("bm25-weight"),
              r.getDouble("dense-weight")),
          new ExtractiveCompressor.Settings(
              c.getInt("top-passages"),
              c.getInt("budget-tokens"),
              c.getInt("max-sentences"),
              c.getDouble("threshold"),
              c.getInt("min-sentence-chars"),
              c.getDouble("lexical-weight")),
          a.getInt("max-question-chars"),
          pipeline,
          config);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }

  /** A copy with another data directory (the --data option). */
  public FathomConfig withDataDir(Path dir) {
    return new FathomConfig(
        dir,
        defaultCorpus,
        embeddingModel,
        embedding,
        embeddingCacheEntries,
        ingest,
        mode,
        k,
        retrieval,
        compression,
        maxQuestionChars,
        pipeline,
        raw);
  }

  /**
   * The budget of one question when a language model writes the answer ({@code
   * fathom.ask.model-question-timeout}): generation takes far longer than extraction.
   */
  public Duration modelQuestionTimeout() {
    try {
      return raw.getDuration("fathom.ask.model-question-timeout");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }

  /**
   * The ranker of questions that name none ({@code fathom.rerank.default}).
   *
   * @throws IllegalArgumentException naming the setting and the legal values
   */
  public RankerKind rerankDefault() {
    try {
      return RankerKind.parse(raw.getString("fathom.rerank.default"));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "configuration: fathom.rerank.default: " + e.getMessage(), e);
    }
  }

  /** How the ranking stage runs ({@code fathom.rerank.parallelism} and {@code .timeout}). */
  public RankingSettings ranking() {
    try {
      return RankingSettings.fromConfig(raw);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }

  /**
   * What the attention ranker reads ({@code fathom.rerank.attention}, docs/ranking.md).
   *
   * @throws IllegalArgumentException naming the key and its legal values
   */
  public AttentionSettings attention() {
    return AttentionConfig.from(raw);
  }

  public Path indexDir() {
    return dataDir.resolve("index");
  }

  public Path modelCacheDir() {
    return dataDir.resolve("models");
  }
}
