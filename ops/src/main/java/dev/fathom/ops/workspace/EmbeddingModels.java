package dev.fathom.ops.workspace;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.embed.CachingEmbedder;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.OnnxEmbedder;

/**
 * The embedding model of a {@link Workspace} (MiniLM over ONNX Runtime, docs/retrieval.md) and the
 * LRU cache of recent texts in front of it, each made on first use. Loading the model is the
 * slowest thing most commands do, so only a command that embeds pays for it; the cache is kept
 * apart from the model so measurements can ask for the model itself.
 *
 * <p>Not thread-safe by itself: {@link Workspace} calls it only from its own synchronized methods,
 * so creation and closing happen under the workspace's lock.
 */
final class EmbeddingModels {

  private final FathomConfig config;
  private OnnxEmbedder model;
  private Embedder embedder;

  EmbeddingModels(FathomConfig config) {
    this.config = config;
  }

  /** The embedding model behind an LRU cache of recent texts (queries, sentences). */
  Embedder cached() {
    if (embedder == null) {
      embedder = new CachingEmbedder(uncached(), config.embeddingCacheEntries());
    }
    return embedder;
  }

  /** The embedding model itself, for measurements that must not hit a cache. */
  Embedder uncached() {
    if (model == null)
      model =
          OnnxEmbedder.miniLm(config.embeddingModel(), config.modelCacheDir(), config.embedding());
    return model;
  }

  /**
   * What closing releases everything opened here: the cache when there is one (the caching embedder
   * closes the model it wraps), else the model, else null.
   */
  AutoCloseable outermost() {
    return embedder == null ? model : embedder;
  }

  /** Forgets the cache and the model once closed, so a later use loads them again. */
  void forget() {
    embedder = null;
    model = null;
  }
}
