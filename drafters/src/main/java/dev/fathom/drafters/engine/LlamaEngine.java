package dev.fathom.drafters.engine;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.memory.PrefixCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GGUF model loaded for inference: the mapped file, the transformer, the compute backend chosen
 * at start-up ({@link ComputeBackends}) with its threads. Opening maps the file and reads only the
 * header, norms and biases, so it takes well under a second even for gigabyte files; weights are
 * paged in by the first forward pass.
 */
public final class LlamaEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LlamaEngine.class);

  private final GgufFile file;
  private final ComputeBackend backend;
  private final LlamaModel model;
  private final EngineSettings settings;
  // Shared by every request of this model (budget: PrefixCache.BUDGET_PROPERTY).
  private final PrefixCache prefixCache = PrefixCache.fromSystemProperty();

  private LlamaEngine(
      GgufFile file, ComputeBackend backend, LlamaModel model, EngineSettings settings) {
    this.file = file;
    this.backend = backend;
    this.model = model;
    this.settings = settings;
  }

  /** Opens {@code path}; a missing, unreadable or malformed file fails with a message naming it. */
  public static LlamaEngine open(Path path, EngineSettings settings) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such model file");
    }
    long t0 = System.nanoTime();
    GgufFile file = GgufFile.open(path);
    ComputeBackend backend = null;
    try {
      ModelConfig config = ModelConfig.from(file);
      backend = ComputeBackends.open(settings.threads());
      LlamaModel model =
          new LlamaModel(file, config, backend, settings.positionsFor(config.contextLength()));
      log.debug(
          "Loaded {} ({} layers, dim {}, {} MB of weights per token) on {} in {} ms",
          path,
          config.layers(),
          config.dim(),
          model.bytesPerToken() >> 20,
          backend.describe(),
          (System.nanoTime() - t0) / 1_000_000);
      return new LlamaEngine(file, backend, model, settings);
    } catch (RuntimeException e) {
      if (backend != null) {
        backend.close();
      }
      file.close();
      throw e;
    }
  }

  public GgufFile file() {
    return file;
  }

  public LlamaModel model() {
    return model;
  }

  public ModelConfig config() {
    return model.config();
  }

  public EngineSettings settings() {
    return settings;
  }

  /** KV pages of earlier prompts, for {@link CachedPrefill}. */
  public PrefixCache prefixCache() {
    return prefixCache;
  }

  /** A new, empty sequence with its own KV cache. */
  public LlamaSequence newSequence() {
    return new LlamaSequence(model, model.newCache());
  }

  @Override
  public void close() {
    backend.close();
    file.close();
  }
}
