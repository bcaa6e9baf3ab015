package dev.fathom.ops.gpu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link DeviceCheckStep} in a JVM of its own — the same {@code java} and class path as
 * this one, the engine's JVM options, and the backend to test — and ends it when its time is up. A
 * separate process is the only reliable time box (a thread stuck in a native device call cannot be
 * interrupted) and the only way to run two backends in one check, since the backend is chosen once
 * per JVM.
 */
final class StepProcess {
  /** JVM options of every step: the engine's (jvm.options) and a heap sized for the host. */
  static final List<String> JVM_OPTIONS =
      List.of(
          "--add-modules=jdk.incubator.vector",
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow",
          "-XX:MaxRAMPercentage=70",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
          "-Dorg.slf4j.simpleLogger.logFile=System.err");

  /** Characters of a step's log kept in the JSON. */
  static final int LOG_TAIL = 1500;

  private final Path work;

  StepProcess(Path work) {
    this.work = work;
  }

  /**
   * Runs {@code step} on {@code backend} for at most {@code timeoutSeconds}; never throws for a
   * failing step.
   *
   * @param name unique name of this run (its result and log files are named after it)
   * @return {@code status} (ok, error, timeout, crashed), {@code seconds}, {@code reason} when not
   *     ok, {@code result} (the step's own map) and {@code log_tail}
   */
  Map<String, Object> run(
      String name, String backend, String step, List<String> args, long timeoutSeconds) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("step", step);
    entry.put("backend", backend);
    entry.put("timeout_seconds", timeoutSeconds);
    Path result = work.resolve(name + ".json");
    Path log = work.resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(JVM_OPTIONS);
    cmd.add("-Dfathom.engine.backend=" + backend);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(DeviceCheckStep.class.getName());
    cmd.add(step);
    cmd.add(result.toString());
    cmd.addAll(args);
    entry.put("args", args);
    long t0 = System.nanoTime();
    try {
      Files.deleteIfExists(result);
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .directory(work.toFile())
              .start();
      boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!done) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
      entry.put("seconds", (System.nanoTime() - t0) / 1e9);
      Map<String, Object> r = Files.isRegularFile(result) ? DeviceCheckStep.read(result) : null;
      if (r != null) {
        entry.put("result", r);
      }
      if (!done) {
        entry.put("status", "timeout");
        entry.put("reason", "still running after " + timeoutSeconds + " s; ended");
      } else if (r == null) {
        entry.put("status", "crashed");
        entry.put("reason", "exit code " + p.exitValue() + " without a result (see log_tail)");
      } else if (!Boolean.TRUE.equals(r.get("ok"))) {
        entry.put("status", "error");
        entry.put("reason", String.valueOf(r.get("error")));
      } else {
        entry.put("status", "ok");
      }
    } catch (IOException e) {
      entry.put("status", "crashed");
      entry.put("reason", "cannot run the step: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      entry.put("status", "crashed");
      entry.put("reason", "interrupted");
    }
    entry.put("log_tail", tail(log));
    return entry;
  }

  /** This JVM's class path with absolute entries (the step runs in the work folder). */
  static String classPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(java.util.stream.Collectors.joining(File.pathSeparator));
  }

  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  static String tail(Path log) {
    try {
      if (!Files.isRegularFile(log)) {
        return "";
      }
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() <= LOG_TAIL ? s : "…" + s.substring(s.length() - LOG_TAIL);
    } catch (IOException | RuntimeException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
