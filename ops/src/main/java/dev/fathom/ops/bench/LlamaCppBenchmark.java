package dev.fathom.ops.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The anchor of {@code fathom bench engine --vs-llamacpp}: llama.cpp on the same GGUF file, the
 * same prompt token ids and the same thread count, through the prebuilt library bundled in {@code
 * de.kherud:llama} (java-llama.cpp). Only this class and {@link LlamaCppWorker} name that library,
 * and they run in a process of their own ({@link LlamaCppProcess}): sharing a JVM with Fathom's
 * warm engine — its heap, its parked compute threads, its JIT — made llama.cpp measure slower than
 * it runs alone, which flattered Fathom.
 *
 * <p>java-llama.cpp runs llama.cpp's server loop in-process and streams one result per sampled
 * token. The first result arrives after the prompt's forward pass, so prefill is the time to the
 * first token; generation asks for {@code decodeTokens + 1} tokens, and the time from the first
 * result to the last token is {@code decodeTokens} single-token forward passes, the same work
 * {@link EngineBenchmark} times for Fathom. Both include greedy sampling (an argmax) and the
 * per-token hand-over to Java, which is microseconds against milliseconds of matrix work.
 */
public final class LlamaCppBenchmark {
  /**
   * The anchor's coordinates, printed with its numbers. Its linux-x86_64 library is llama.cpp build
   * 4916 (commit c6af2161) compiled for AVX2 + FMA with OpenMP, without AVX-512, as its load log
   * ({@code system_info}) says; a llama.cpp built with {@code GGML_NATIVE} on an AVX-512 machine
   * can be faster.
   */
  public static final String ARTIFACT = "de.kherud:llama:4.2.0 (llama.cpp b4916, AVX2 build)";

  private LlamaCppBenchmark() {}

  /**
   * llama.cpp with {@code model} loaded for generations of {@code prompt} tokens plus {@code
   * decodeTokens}, on {@code threads} threads, the whole prompt in one batch. Only {@link
   * LlamaCppWorker} calls this, in a process of its own.
   *
   * @throws IllegalStateException when the native library or the model cannot be loaded, with a
   *     message saying which
   */
  static LlamaModel open(Path model, int threads, int promptTokens, int decodeTokens) {
    Path libDir = isolateNativeExtraction();
    int context = promptTokens + decodeTokens + 2;
    ModelParameters params =
        new ModelParameters()
            .setModel(model.toString())
            .setThreads(threads)
            .setThreadsBatch(threads)
            .setCtxSize(context)
            // The whole prompt in one batch (Fathom's prefill batches up to 256 positions per
            // pass).
            .setBatchSize(Math.max(512, promptTokens))
            .setUbatchSize(Math.max(512, promptTokens))
            .setParallel(1)
            .disableLog();
    PrintStream out = System.out;
    try {
      // The loader announces the extracted library on stdout, which carries the worker's replies.
      System.setOut(System.err);
      return new LlamaModel(params);
    } catch (LinkageError e) {
      throw new IllegalStateException("cannot load llama.cpp's native library: " + e, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("llama.cpp could not load " + model + ": " + e, e);
    } finally {
      System.setOut(out);
      deleteOnExit(libDir);
    }
  }

  /**
   * Nanoseconds of prefill and of decode of one generation: a fresh prefill of {@code prompt}
   * (prompt caching off), then {@code decodeTokens} greedy tokens (end-of-sequence ignored).
   */
  static long[] once(LlamaModel llama, int[] prompt, int decodeTokens) {
    InferenceParameters p =
        new InferenceParameters("")
            .setNPredict(decodeTokens + 1)
            .setTemperature(0f) // greedy
            .setIgnoreEos(true)
            .setCachePrompt(false); // otherwise later runs would reuse the first run's prefill
    setPromptTokens(p, prompt);
    long start = System.nanoTime();
    long first = 0;
    long last = 0;
    int tokens = 0;
    Iterator<LlamaOutput> it = llama.generate(p).iterator();
    while (it.hasNext()) {
      it.next();
      long now = System.nanoTime();
      if (tokens == 0) {
        first = now;
      }
      if (tokens == decodeTokens) {
        last = now;
      }
      tokens++; // the stream ends with one empty result that carries the stop flag
    }
    if (tokens <= decodeTokens) {
      throw new IllegalStateException(
          "llama.cpp produced " + tokens + " results, expected " + (decodeTokens + 1));
    }
    return new long[] {first - start, last - first};
  }

  /**
   * llama.cpp's server takes a prompt as a JSON array of token ids, which makes both engines run
   * exactly the same tokens; java-llama.cpp only offers a text setter, so the JSON value is put in
   * its parameter map directly.
   */
  private static void setPromptTokens(InferenceParameters p, int[] prompt) {
    String json =
        Arrays.stream(prompt)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "[", "]"));
    try {
      Field f = InferenceParameters.class.getSuperclass().getDeclaredField("parameters");
      f.setAccessible(true);
      @SuppressWarnings("unchecked")
      Map<String, String> parameters = (Map<String, String>) f.get(p);
      parameters.put("prompt", json);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          ARTIFACT + " changed its parameter map; cannot pass prompt token ids: " + e, e);
    }
  }

  /**
   * The library is extracted to {@code de.kherud.llama.tmpdir} (default {@code java.io.tmpdir}),
   * and before extracting it deletes every file there whose name starts with {@code llama} or
   * {@code jllama}. A private directory keeps that away from the user's files.
   */
  private static Path isolateNativeExtraction() {
    if (System.getProperty("de.kherud.llama.tmpdir") != null) {
      return null;
    }
    try {
      Path dir = Files.createTempDirectory("fathom-llamacpp");
      // Registered before the loader registers its file, so it is deleted after it (last in,
      // first out) and is empty by then.
      dir.toFile().deleteOnExit();
      System.setProperty("de.kherud.llama.tmpdir", dir.toString());
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a directory for llama.cpp's library: " + e, e);
    }
  }

  /** Removes the extracted library when the JVM exits (Linux lets a loaded library be unlinked). */
  private static void deleteOnExit(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> f.toFile().deleteOnExit());
    } catch (IOException e) {
      // only a leftover file in a private temporary directory; nothing to report
    }
  }
}
