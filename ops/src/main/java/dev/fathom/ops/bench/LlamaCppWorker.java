package dev.fathom.ops.bench;

import de.kherud.llama.LlamaModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The llama.cpp side of {@code fathom bench engine --vs-llamacpp}, run as a process of its own by
 * {@link LlamaCppProcess}: loads the model once, then answers commands on stdin, one per line, so
 * the parent can alternate llama.cpp runs with Fathom runs while both stay warm.
 *
 * <pre>
 * java -cp fathom.jar dev.fathom.ops.bench.LlamaCppWorker MODEL THREADS DECODE_TOKENS ID,ID,...
 *   → "ready"
 * run   → "ok PREFILL_NANOS DECODE_NANOS"   (one generation, as LlamaCppBenchmark#once)
 * quit  → the process exits 0
 * </pre>
 *
 * Any failure prints {@code error MESSAGE} and exits 1. While it waits for a command it only blocks
 * on a read, so it takes no CPU from the Fathom run in progress.
 */
public final class LlamaCppWorker {
  private LlamaCppWorker() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    if (args.length != 4) {
      out.println("error usage: LlamaCppWorker MODEL THREADS DECODE_TOKENS ID,ID,...");
      System.exit(2);
    }
    try {
      Path model = Path.of(args[0]);
      int threads = Integer.parseInt(args[1]);
      int decodeTokens = Integer.parseInt(args[2]);
      int[] prompt = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
      try (LlamaModel llama = LlamaCppBenchmark.open(model, threads, prompt.length, decodeTokens)) {
        out.println("ready");
        out.flush();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
          switch (line.trim()) {
            case "run" -> {
              long[] t = LlamaCppBenchmark.once(llama, prompt, decodeTokens);
              out.println("ok " + t[0] + " " + t[1]);
              out.flush();
            }
            case "quit" -> {
              return;
            }
            default -> {
              out.println("error unknown command: " + line);
              out.flush();
            }
          }
        }
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      out.println(
          "error " + (e.getMessage() != null ? e.getMessage() : e).toString().replace('\n', ' '));
      out.flush();
      System.exit(1);
    }
  }
}
