package dev.fathom.drafters.engine;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.compute.CpuBackend;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.tensor.KernelBackend;
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
      int steps = warmUpDecode(model, backend, warmupMillis());
      log.debug(
          "Loaded {} ({} layers, dim {}, {} MB of weights per token) on {} in {} ms"
              + " ({} decode warm-up steps)",
          path,
          config.layers(),
          config.dim(),
          model.bytesPerToken() >> 20,
          backend.describe(),
          (System.nanoTime() - t0) / 1_000_000,
          steps);
      return new LlamaEngine(file, backend, model, settings);
    } catch (RuntimeException e) {
      if (backend != null) {
        backend.close();
      }
      file.close();
      throw e;
    }
  }

  /**
   * Milliseconds of single-token forward passes run when a CPU engine opens ({@value
   * #WARMUP_PROPERTY}, default {@value #DEFAULT_WARMUP_MILLIS}; 0 runs none).
   */
  public static final String WARMUP_PROPERTY = "fathom.engine.decode-warmup-ms";

  static final int DEFAULT_WARMUP_MILLIS = 2000;

  /** At most this many warm-up steps: a small model has run its kernels often enough by then. */
  static final int MAX_WARMUP_STEPS = 64;

  static int warmupMillis() {
    String v = System.getProperty(WARMUP_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_WARMUP_MILLIS;
    }
    try {
      int ms = Integer.parseInt(v.strip());
      if (ms >= 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-D" + WARMUP_PROPERTY + " must be a whole number of milliseconds ≥ 0, got '" + v + "'");
  }

  /**
   * Decodes single tokens on a throwaway sequence for about {@code millis} (at least one step, at
   * most {@link #MAX_WARMUP_STEPS}) so that C2 compiles the CPU decode kernels before any batched
   * forward pass runs; returns the steps taken. The kernels share Vector API methods, and so their
   * type and branch profiles, with the prefill's batched products: compiled after a long prefill,
   * in about half of fresh JVMs they kept boxed vectors and spills in their loops, and one-thread
   * Q4_K_M decode ran at 10-23 tok/s instead of 30-36 (docs/performance.md, "Kernels compiled after
   * the prefill"). A device backend runs no kernels of the JVM, so it skips this.
   */
  static int warmUpDecode(LlamaModel model, ComputeBackend backend, int millis) {
    if (millis == 0
        || !(backend instanceof CpuBackend cpu)
        || cpu.kernels() != KernelBackend.VECTOR) {
      return 0;
    }
    LlamaSequence seq = new LlamaSequence(model, model.newCache());
    int limit = Math.min(MAX_WARMUP_STEPS, seq.capacity());
    int token = model.config().vocabularySize() > 1 ? 1 : 0;
    long end = System.nanoTime() + millis * 1_000_000L;
    int steps = 0;
    do {
      seq.forward(new int[] {token}, false);
      steps++;
    } while (steps < limit && System.nanoTime() < end);
    return steps;
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
