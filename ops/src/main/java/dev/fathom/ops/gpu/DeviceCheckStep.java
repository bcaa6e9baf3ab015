package dev.fathom.ops.gpu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.compute.CpuBackend;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.ops.bench.BandwidthProbe;
import dev.fathom.ops.bench.SyntheticLlama;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One step of the device check, in a JVM of its own whose compute backend is the one named by
 * {@code -Dfathom.engine.backend}: {@code java ... DeviceCheckStep STEP RESULT.json key=value...}.
 * It writes what it measured to {@code RESULT.json}; an exception is written there too (message and
 * the first stack frames), so the planner records why a step failed instead of stopping.
 */
public final class DeviceCheckStep {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DeviceCheckStep() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: DeviceCheckStep STEP RESULT.json [key=value ...]");
      System.exit(2);
    }
    Path result = Path.of(args[1]);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("step", args[0]);
    out.put("backend_property", System.getProperty(ComputeBackends.PROPERTY, "auto"));
    long t0 = System.nanoTime();
    int code = 0;
    try {
      run(args[0], new StepArgs(Arrays.asList(args).subList(2, args.length)), out);
      out.put("ok", true);
    } catch (Throwable e) { // a device error can be an Error (UnsatisfiedLinkError) too
      out.put("ok", false);
      out.put("error", e.toString());
      out.put("stack", Arrays.stream(e.getStackTrace()).limit(12).map(String::valueOf).toList());
      if (e.getCause() != null) {
        out.put("cause", e.getCause().toString());
      }
      code = 1;
    }
    out.put("step_seconds", (System.nanoTime() - t0) / 1e9);
    Files.writeString(result, JSON.writeValueAsString(out));
    // Native libraries may leave non-daemon threads behind; the result is written, so leave.
    System.exit(code);
  }

  static void run(String step, StepArgs a, Map<String, Object> out) throws Exception {
    switch (step) {
      case "probe" -> probe(a, out);
      case "synth" -> synth(a, out);
      case "greedy" -> EngineSteps.greedy(a, out);
      case "logits" -> EngineSteps.logits(a, out);
      case "speed" -> EngineSteps.speed(a, out);
      case "rapid" -> EngineSteps.rapid(a, out);
      default ->
          throw new IllegalArgumentException(
              "unknown step '" + step + "'; one of probe, synth, greedy, logits, speed, rapid");
    }
  }

  /**
   * The JVM, the backend this JVM chose, the CUDA device (or why none), and — on a CPU backend —
   * this machine's memory read bandwidth, the roofline of CPU decoding.
   */
  static void probe(StepArgs a, Map<String, Object> out) {
    out.put("java_version", System.getProperty("java.version"));
    out.put("java_vm", System.getProperty("java.vm.name"));
    out.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    out.put("processors", Runtime.getRuntime().availableProcessors());
    out.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    out.put("cuda", DeviceProbe.cuda());
    int threads = a.integer("threads", 1, 256);
    boolean cpu;
    try (ComputeBackend b = ComputeBackends.open(threads)) {
      out.put("backend", b.describe());
      cpu = b instanceof CpuBackend;
    }
    if (cpu) {
      BandwidthProbe.Result r =
          BandwidthProbe.measure(
              (long) a.integer("bandwidth_mib", 1, 65536) << 20,
              threads,
              a.integer("passes", 1, 100));
      out.put("cpu_bandwidth_bytes_per_s", r.bytesPerSecond());
    }
  }

  /**
   * Writes a synthetic model ({@link SyntheticLlama}, as {@code fathom model synth}) unless the
   * file is already there: files appear only when complete, and the same seed gives the same bytes.
   */
  static void synth(StepArgs a, Map<String, Object> out) throws IOException {
    Path target = a.path("out").toAbsolutePath();
    SyntheticLlama model = model(a.text("shape"), a.text("type"));
    out.put("path", target.toString());
    out.put("shape", model.shape().name().toLowerCase(Locale.ROOT));
    out.put("type", a.text("type"));
    if (Files.isRegularFile(target)) {
      out.put("reused", true);
    } else {
      out.put("reused", false);
      try (GgufFile tokenizer = GgufFile.open(a.path("tokenizer"))) {
        out.put("tensors", model.writeFile(tokenizer.metadata(), target, (done, total) -> {}));
      }
    }
    out.put("bytes", Files.size(target));
  }

  static SyntheticLlama model(String shape, String type) {
    SyntheticLlama.Shape s = SyntheticLlama.Shape.valueOf(shape.toUpperCase(Locale.ROOT));
    return switch (type) {
      case "q8_0" -> new SyntheticLlama(s, GgmlType.Q8_0, 42);
      case "q4_0" -> new SyntheticLlama(s, GgmlType.Q4_0, 42);
      case "q4_k" -> new SyntheticLlama(s, GgmlType.Q4_K, 42);
      case "q4_k_m" -> new SyntheticLlama(s, GgmlType.Q4_K, 42, SyntheticLlama.Mix.Q4_K_M);
      default ->
          throw new IllegalArgumentException(
              "type=" + type + " is not one of q8_0, q4_0, q4_k, q4_k_m");
    };
  }

  /** Reads a step's result file. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), LinkedHashMap.class);
  }
}
