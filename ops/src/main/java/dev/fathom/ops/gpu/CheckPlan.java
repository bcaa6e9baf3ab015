package dev.fathom.ops.gpu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The device check's steps in priority order, each time-boxed within the whole run's budget, and
 * the comparisons between the backend under test and the CPU reference. Every result lands in
 * {@link #report} as soon as it is known ({@code onChange} persists it), so a run cut short still
 * leaves what it measured; a step that fails is recorded with its reason and the run goes on.
 */
final class CheckPlan {
  /** The targets on the H200, reported beside the measured values. */
  static final double TARGET_BANDWIDTH_FRACTION = 0.5;

  static final double TARGET_RAPID_SPEEDUP = 1.5;

  /** Matrix types of the per-type models: Q4_K_M is Q4_K with llama.cpp's Q6_K matrices. */
  static final List<String> TYPES = List.of("q8_0", "q4_0", "q4_k_m");

  /** Below this many seconds left, no step starts. */
  static final long MIN_STEP_SECONDS = 15;

  private final CheckOptions o;
  private final StepProcess steps;
  private final Runnable onChange;
  private final long deadline;
  final Map<String, Object> report = new LinkedHashMap<>();
  private final List<String> failed = new ArrayList<>();

  CheckPlan(CheckOptions o, Runnable onChange) {
    this.o = o;
    this.steps = new StepProcess(o.work());
    this.onChange = onChange;
    this.deadline = System.nanoTime() + o.budgetSeconds() * 1_000_000_000L;
  }

  void run() {
    CheckSizes z = o.sizes();
    report.put("failed_steps", failed);
    Map<String, Object> probe =
        step(
            "probe",
            o.backend(),
            "probe",
            60,
            "threads",
            o.threads(),
            "bandwidth_mib",
            z.bandwidthMib(),
            "passes",
            z.bandwidthPasses());
    report.put("probe", probe);
    double bandwidth = bandwidth(probe);
    report.put("bandwidth_bytes_per_s", bandwidth > 0 ? bandwidth : null);
    report.put("greedy", greedy(z));
    Map<String, Object> models = new LinkedHashMap<>();
    report.put("models", models);
    for (String type : TYPES) {
      models.put(type, model(z, type, bandwidth));
    }
    report.put("decode_8b", decodeBig(z, bandwidth));
    report.put("rapid", rapid(z));
    onChange.run();
  }

  private Map<String, Object> greedy(CheckSizes z) {
    Path model = o.models().resolve("stories260K.gguf");
    Object[] args = {
      "model",
      model,
      "threads",
      o.threads(),
      "tokens",
      z.greedyTokens(),
      "prompt",
      "Once upon a time"
    };
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("reference", step("greedy-ref", o.reference(), "greedy", 90, args));
    g.put("backend", step("greedy-test", o.backend(), "greedy", 90, args));
    Object a = field(g.get("reference"), "tokens");
    Object b = field(g.get("backend"), "tokens");
    if (a instanceof List<?> ra && b instanceof List<?> rb) {
      int first = 0;
      while (first < Math.min(ra.size(), rb.size())
          && Objects.equals(ra.get(first), rb.get(first))) {
        first++;
      }
      boolean same = ra.equals(rb);
      g.put("status", same ? "pass" : "fail");
      g.put("identical", same);
      g.put("first_difference", same ? null : first);
      g.put("text", field(g.get("backend"), "text"));
      if (!same) {
        failed.add("greedy: stories260K output differs from token " + first);
      }
    } else {
      g.put("status", "not_run");
    }
    return g;
  }

  private Map<String, Object> model(CheckSizes z, String type, double bandwidth) {
    Map<String, Object> m = new LinkedHashMap<>();
    Path file = o.work().resolve(z.shape() + "-" + type + ".gguf");
    Map<String, Object> synth = synth(z.shape(), type, file);
    m.put("synth", synth);
    if (!"ok".equals(synth.get("status"))) {
      return m;
    }
    Object[] args = {
      "model",
      file,
      "threads",
      o.threads(),
      "positions",
      z.logitsPositions(),
      "decode",
      z.logitsDecode()
    };
    Map<String, Object> logits = new LinkedHashMap<>();
    Path refFile = o.work().resolve("logits-" + type + "-ref.bin");
    Path testFile = o.work().resolve("logits-" + type + "-test.bin");
    logits.put(
        "reference",
        step("logits-" + type + "-ref", o.reference(), "logits", 120, with(args, "out", refFile)));
    logits.put(
        "backend",
        step("logits-" + type + "-test", o.backend(), "logits", 120, with(args, "out", testFile)));
    compare(logits, type, refFile, testFile);
    m.put("logits", logits);
    m.put("speed", speed("speed-" + type, file, z, bandwidth, 150));
    return m;
  }

  private void compare(Map<String, Object> logits, String type, Path refFile, Path testFile) {
    Object vocab = field(logits.get("reference"), "vocabulary");
    if (!(vocab instanceof Number v) || !ok(logits.get("backend"))) {
      logits.put("status", "not_run");
      return;
    }
    try {
      LogitsDiff d =
          LogitsDiff.of(LogitsDiff.read(refFile), LogitsDiff.read(testFile), v.intValue());
      logits.put("status", d.withinTolerance() ? "pass" : "fail");
      logits.put("max_abs_diff", d.maxAbsDiff());
      logits.put("max_abs_reference_logit", d.maxAbsReference());
      logits.put("relative_diff", d.relative());
      logits.put("tolerance_relative", LogitsDiff.TOLERANCE);
      logits.put("positions", d.positions());
      logits.put("argmax_mismatches", d.argmaxMismatches());
      if (!d.withinTolerance()) {
        failed.add("logits-" + type + ": relative difference " + d.relative() + " over tolerance");
      }
    } catch (Exception e) {
      logits.put("status", "error");
      logits.put("reason", e.toString());
    }
  }

  private Map<String, Object> decodeBig(CheckSizes z, double bandwidth) {
    Map<String, Object> m = new LinkedHashMap<>();
    Path file = o.work().resolve(z.bigShape() + "-q4_0.gguf");
    Map<String, Object> synth = synth(z.bigShape(), "q4_0", file);
    m.put("synth", synth);
    if ("ok".equals(synth.get("status"))) {
      Map<String, Object> s = speed("speed-" + z.bigShape(), file, z, bandwidth, 240);
      m.put("speed", s);
      Object f = s.get("fraction_of_bandwidth_bound");
      m.put("target_fraction", TARGET_BANDWIDTH_FRACTION);
      m.put("target_met", f instanceof Double d ? d >= TARGET_BANDWIDTH_FRACTION : null);
    }
    return m;
  }

  private Map<String, Object> rapid(CheckSizes z) {
    Path file = o.work().resolve(z.bigShape() + "-q4_0.gguf");
    Map<String, Object> r =
        step(
            "rapid",
            o.backend(),
            "rapid",
            360,
            "model",
            file,
            "threads",
            o.threads(),
            "long",
            z.longContext(),
            "short",
            z.shortContext(),
            "tokens",
            z.rapidTokens(),
            "prompts",
            z.rapidPrompts(),
            "gamma",
            z.gamma());
    Object speedup = field(r, "speedup");
    r.put("target_speedup", TARGET_RAPID_SPEEDUP);
    r.put(
        "target_met", speedup instanceof Number n ? n.doubleValue() >= TARGET_RAPID_SPEEDUP : null);
    if (Boolean.FALSE.equals(field(r, "lossless"))) {
      failed.add("rapid (η = 0 output differs from plain decoding)");
    }
    return r;
  }

  private Map<String, Object> synth(String shape, String type, Path file) {
    return step(
        "synth-" + shape + "-" + type,
        o.reference(),
        "synth",
        300,
        "shape",
        shape,
        "type",
        type,
        "tokenizer",
        o.models().resolve("llama-2-tiny-random.gguf"),
        "out",
        file);
  }

  /** A speed step, with the fraction of the bandwidth bound decoding reached. */
  private Map<String, Object> speed(
      String name, Path file, CheckSizes z, double bandwidth, long timeout) {
    Map<String, Object> s =
        step(
            name,
            o.backend(),
            "speed",
            timeout,
            "model",
            file,
            "threads",
            o.threads(),
            "prompt",
            z.promptTokens(),
            "decode",
            z.decodeTokens(),
            "runs",
            z.runs());
    Object tps = field(s, "decode_tok_s");
    Object bytes = field(s, "bytes_per_token");
    if (tps instanceof Number t && bytes instanceof Number b && bandwidth > 0) {
      s.put("fraction_of_bandwidth_bound", t.doubleValue() * b.doubleValue() / bandwidth);
    }
    return s;
  }

  /** Runs a step within the budget, or records why it was skipped. */
  private Map<String, Object> step(
      String name, String backend, String step, long timeout, Object... args) {
    long left = (deadline - System.nanoTime()) / 1_000_000_000L;
    Map<String, Object> entry;
    if (left < MIN_STEP_SECONDS) {
      entry = new LinkedHashMap<>();
      entry.put("step", step);
      entry.put("status", "skipped");
      entry.put("reason", "the run's budget of " + o.budgetSeconds() + " s is spent");
    } else {
      System.err.printf(
          "device check: %s on %s (at most %d s)%n", name, backend, Math.min(timeout, left - 5));
      entry = steps.run(name, backend, step, StepArgs.of(args), Math.min(timeout, left - 5));
      System.err.printf(
          "device check: %s %s in %.1f s%n", name, entry.get("status"), entry.get("seconds"));
    }
    if (!"ok".equals(entry.get("status"))) {
      failed.add(name + ": " + entry.get("status") + " (" + entry.get("reason") + ")");
    }
    onChange.run();
    return entry;
  }

  private static Object[] with(Object[] args, String key, Object value) {
    Object[] out = java.util.Arrays.copyOf(args, args.length + 2);
    out[args.length] = key;
    out[args.length + 1] = value;
    return out;
  }

  private static boolean ok(Object entry) {
    return entry instanceof Map<?, ?> m && "ok".equals(m.get("status"));
  }

  /** A field of a step entry's result, or null. */
  static Object field(Object entry, String key) {
    if (entry instanceof Map<?, ?> m && m.get("result") instanceof Map<?, ?> r) {
      return r.get(key);
    }
    return null;
  }

  /** The device's bandwidth (CUDA probe) or, on a CPU backend, the measured CPU bandwidth. */
  static double bandwidth(Map<String, Object> probe) {
    if (field(probe, "cuda") instanceof Map<?, ?> cuda
        && cuda.get("bandwidth_bytes_per_s") instanceof Number n
        && field(probe, "cpu_bandwidth_bytes_per_s") == null) {
      return n.doubleValue();
    }
    return field(probe, "cpu_bandwidth_bytes_per_s") instanceof Number n ? n.doubleValue() : 0;
  }
}
