package dev.fathom.ops.workspace;

import dev.fathom.compressors.CompressorKind;
import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.ExtractiveCompressor;
import dev.fathom.compressors.recomp.AbstractiveCompressor;
import dev.fathom.compressors.recomp.CompressorModel;
import dev.fathom.compressors.recomp.TrainedExtractiveCompressor;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import java.util.function.Supplier;

/**
 * Builds a {@link Workspace}'s context compressors (docs/compression.md): the untrained scorer, the
 * trained one (the data directory's {@code fathom train compressor} model, else the bundled one,
 * loaded once and closed with the workspace), or the abstractive one over a language model.
 */
final class Compressors implements AutoCloseable {

  private final FathomConfig config;
  private final Supplier<Embedder> embedder;
  private CompressorModel trained; // the trained compressor's trees, loaded on first use

  Compressors(FathomConfig config, Supplier<Embedder> embedder) {
    this.config = config;
    this.embedder = embedder;
  }

  /** The untrained compressor, reading sentence vectors from {@code stored}. */
  ExtractiveCompressor untrained(SentenceVectorSource stored) {
    return new ExtractiveCompressor(embedder.get(), config.compression(), true, stored);
  }

  /**
   * The compressor of {@code kind}, the extractive ones reading sentence vectors from {@code
   * stored}; {@code model} is required for the abstractive one and ignored otherwise.
   */
  ContextCompressor of(CompressorKind kind, LanguageModel model, SentenceVectorSource stored) {
    return switch (kind) {
      case UNTRAINED -> untrained(stored);
      case TRAINED -> {
        CompressorModel trained = trained();
        yield new TrainedExtractiveCompressor(
            embedder.get(),
            trained,
            trained.policy(),
            config.compression().topPassages(),
            config.compression().minSentenceChars(),
            stored);
      }
      case ABSTRACTIVE -> {
        if (model == null) {
          throw new IllegalArgumentException(
              "the abstractive compressor needs a language model (--model FILE.gguf)");
        }
        yield new AbstractiveCompressor(
            model, embedder.get(), AbstractiveCompressor.Settings.defaults());
      }
    };
  }

  // Locks only while loading: the embedder is the workspace's, behind the workspace's own lock.
  private synchronized CompressorModel trained() {
    if (trained == null) trained = CompressorModel.load(config.dataDir());
    return trained;
  }

  /**
   * The kind {@code fathom.compressor.kind} names (untrained when unset), for the question
   * pipeline, which refuses the abstractive one.
   */
  CompressorKind configuredKind() {
    CompressorKind kind =
        config.raw().hasPath("fathom.compressor.kind")
            ? CompressorKind.parse(config.raw().getString("fathom.compressor.kind"))
            : CompressorKind.UNTRAINED;
    if (kind == CompressorKind.ABSTRACTIVE) {
      throw new IllegalArgumentException(
          "fathom.compressor.kind must be untrained or trained for ask and serve, got abstractive"
              + " (it is measured with `fathom eval compression --compressor abstractive --model`)");
    }
    return kind;
  }

  @Override
  public synchronized void close() {
    if (trained != null) {
      CompressorModel m = trained;
      trained = null;
      m.close();
    }
  }
}
