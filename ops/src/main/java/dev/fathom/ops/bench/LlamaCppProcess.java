package dev.fathom.ops.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * llama.cpp in a separate JVM ({@link LlamaCppWorker}), started with this JVM's own {@code java}
 * binary and class path, driven one generation at a time. A separate process is what the comparison
 * needs: llama.cpp then has its own heap, threads and native allocator, exactly as when it runs
 * alone, and neither engine's idle threads or caches sit in the other's address space.
 */
public final class LlamaCppProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader replies;
  private final Writer commands;
  private final Path log;

  private LlamaCppProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.replies =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /**
   * Starts the worker and waits until it has loaded {@code model}.
   *
   * @throws IllegalStateException when it cannot start or load the model, with its reason
   */
  public static LlamaCppProcess start(Path model, int threads, int[] prompt, int decodeTokens) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(LlamaCppWorker.class.getName());
    cmd.add(model.toAbsolutePath().toString());
    cmd.add(Integer.toString(threads));
    cmd.add(Integer.toString(decodeTokens));
    cmd.add(Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    try {
      Path log = Files.createTempFile("fathom-llamacpp-worker", ".log");
      log.toFile().deleteOnExit();
      Process p =
          new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
      LlamaCppProcess worker = new LlamaCppProcess(p, log);
      String first = worker.replies.readLine();
      if (!"ready".equals(first)) {
        worker.close();
        throw new IllegalStateException(worker.failure("did not start", first));
      }
      return worker;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start llama.cpp's process: " + e, e);
    }
  }

  /** One generation: nanoseconds of prefill and of decode. */
  public long[] run() {
    String reply;
    try {
      commands.write("run\n");
      commands.flush();
      reply = replies.readLine();
    } catch (IOException e) {
      throw new IllegalStateException(failure("stopped answering", e.toString()), e);
    }
    if (reply == null || !reply.startsWith("ok ")) {
      throw new IllegalStateException(failure("failed a run", reply));
    }
    String[] parts = reply.split(" ");
    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
  }

  private String failure(String what, String reply) {
    String tail = "";
    try {
      List<String> lines = Files.readAllLines(log);
      tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException | RuntimeException e) {
      // the log is only extra detail
    }
    return "llama.cpp's process "
        + what
        + (reply == null ? " (no reply)" : ": " + reply.replaceFirst("^error ", ""))
        + (tail.isBlank() ? "" : "; its log ends: " + tail);
  }

  @Override
  public void close() {
    try {
      commands.write("quit\n");
      commands.flush();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
