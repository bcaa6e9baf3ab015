package dev.fathom.ops.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prepared GPU device check (issue 16, docs/gpu.md): {@code java -cp BUNDLE_JARS
 * dev.fathom.ops.gpu.DeviceCheck --out DIR [--backend cuda|cpu] [--quick]} runs, each step
 * time-boxed, (a) stories260K's greedy text on the backend against the CPU's, (b) logits of
 * synthetic TinyLlama-shaped Q8_0, Q4_0 and Q4_K_M models against the CPU's, (c) prefill and decode
 * speed with the fraction of the memory-bandwidth bound, (d) an 8B-shaped Q4_0 model's decode and
 * (e) RAPID self-speculation against plain decoding at an 8K context, and writes {@code
 * DIR/device-check.json} after every step.
 *
 * <p>Exit status: 0 when every step ran and every comparison passed, 1 when any failed (the JSON
 * says which and why), 2 for a bad command line.
 */
public final class DeviceCheck {
  static final String SCHEMA = "fathom.device-check/1";
  static final String RESULT = "device-check.json";

  private DeviceCheck() {}

  public static void main(String[] args) {
    CheckOptions o;
    try {
      o = CheckOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("device check: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(o).isEmpty() ? 0 : 1);
  }

  /**
   * Runs the check; returns the failed steps and comparisons (empty when all passed).
   *
   * @throws UncheckedIOException when the output or work folder cannot be written
   */
  static List<String> run(CheckOptions o) {
    try {
      Files.createDirectories(o.out());
      Files.createDirectories(o.work());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + o.out() + " or " + o.work(), e);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("schema", SCHEMA);
    report.put(
        "note",
        "Figures measured by this run only. Tolerances: logits relative to the largest reference"
            + " logit; targets are issue 16's for an H200.");
    report.put("started_utc", Instant.now().toString());
    report.put("backend", o.backend());
    report.put("reference_backend", o.reference());
    report.put("quick", o.quick());
    report.put("sizes", o.sizes());
    report.put("budget_seconds", o.budgetSeconds());
    report.put("threads", o.threads());
    report.put("work", o.work().toString());
    long t0 = System.nanoTime();
    CheckPlan[] plan = new CheckPlan[1];
    Runnable save =
        () -> {
          report.putAll(plan[0].report);
          report.put("elapsed_seconds", (System.nanoTime() - t0) / 1e9);
          write(o.out().resolve(RESULT), report);
        };
    plan[0] = new CheckPlan(o, save);
    plan[0].run();
    report.put("finished_utc", Instant.now().toString());
    save.run();
    @SuppressWarnings("unchecked")
    List<String> failed = (List<String>) plan[0].report.get("failed_steps");
    System.err.printf(
        "device check: %s written; %d failed%s%n",
        o.out().resolve(RESULT),
        failed.size(),
        failed.isEmpty() ? "" : ": " + String.join("; ", failed));
    return failed;
  }

  /** Writes {@code report} atomically, so a reader never sees half a file. */
  static void write(Path file, Map<String, Object> report) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, DeviceCheckStep.JSON.writeValueAsString(report));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
