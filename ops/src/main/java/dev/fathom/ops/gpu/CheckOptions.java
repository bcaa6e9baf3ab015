package dev.fathom.ops.gpu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The device check's command line: {@code --out DIR} (required), {@code --backend cuda|cpu|scalar}
 * (default cuda), {@code --models DIR} (stories260K.gguf and llama-2-tiny-random.gguf), {@code
 * --work DIR} (synthetic models and step files), {@code --budget SECONDS}, {@code --threads N},
 * {@code --quick}.
 *
 * @param backend the compute backend under test ({@code -Dfathom.engine.backend})
 * @param reference the backend it is compared with (always the CPU's Vector API kernels)
 */
record CheckOptions(
    Path out,
    String backend,
    String reference,
    Path models,
    Path work,
    long budgetSeconds,
    int threads,
    boolean quick) {

  static final List<String> BACKENDS = List.of("cuda", "cpu", "scalar");

  /** Ten minutes of device time, less a minute for unpacking the runtime and JVM starts. */
  static final long DEFAULT_BUDGET_SECONDS = 540;

  CheckOptions {
    if (!BACKENDS.contains(backend)) {
      throw new IllegalArgumentException(
          "--backend must be one of " + BACKENDS + ", got " + backend);
    }
    if (budgetSeconds < 30 || budgetSeconds > 24 * 3600) {
      throw new IllegalArgumentException(
          "--budget must be 30..86400 seconds, got " + budgetSeconds);
    }
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("--threads must be 1..256, got " + threads);
    }
  }

  CheckSizes sizes() {
    return quick ? CheckSizes.QUICK : CheckSizes.FULL;
  }

  static CheckOptions parse(String[] args) {
    Path out = null;
    String backend = "cuda";
    Path models = Path.of("gpu", "bundle", "models");
    Path work = Path.of(System.getProperty("java.io.tmpdir"), "fathom-device-check");
    long budget = DEFAULT_BUDGET_SECONDS;
    int threads = Math.min(256, Runtime.getRuntime().availableProcessors());
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--backend" -> backend = value(args, ++i, a).toLowerCase(Locale.ROOT);
        case "--models" -> models = Path.of(value(args, ++i, a));
        case "--work" -> work = Path.of(value(args, ++i, a));
        case "--budget" -> budget = number(value(args, ++i, a), a);
        case "--threads" -> threads = (int) number(value(args, ++i, a), a);
        default ->
            throw new IllegalArgumentException(
                "unknown option '"
                    + a
                    + "'; options: --out DIR --backend cuda|cpu|scalar --models DIR --work DIR"
                    + " --budget SECONDS --threads N --quick");
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required (where the JSON is written)");
    }
    for (String f : List.of("stories260K.gguf", "llama-2-tiny-random.gguf")) {
      if (!Files.isRegularFile(models.resolve(f))) {
        throw new IllegalArgumentException(
            "--models " + models + " has no " + f + " (the bundle's models folder)");
      }
    }
    return new CheckOptions(
        out.toAbsolutePath(),
        backend,
        "cpu",
        models.toAbsolutePath(),
        work.toAbsolutePath(),
        budget,
        threads,
        quick);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static long number(String v, String option) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, got '" + v + "'");
    }
  }
}
