package dev.fathom.ops.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.compute.cuda.CudaDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device check as it will run on the GPU machine: {@code gpu/device-check.sh assemble} writes a
 * bundle from this build (jlink'd runtime, the engine path's jars, the models), {@code verify}
 * checks its contents and size, and {@code run} unpacks the bundle's runtime and runs the check
 * from the bundle alone — so a class the check needs but the bundle lacks, or a module missing from
 * the runtime, fails here rather than on the device. The CUDA run skips with the probe's reason
 * where there is no GPU.
 */
class DeviceCheckIT {
  private static final Path ROOT =
      Path.of(System.getProperty("fathom.root", "..")).toAbsolutePath().normalize();
  private static final Path BUNDLE = ROOT.resolve("ops/target/gpu-bundle-it");
  private static final Path WORK = ROOT.resolve("ops/target/gpu-check-it");

  private static Result assembled;

  record Result(int code, String output) {}

  @BeforeAll
  static void assemble() throws Exception {
    assumeTrue(
        Files.isRegularFile(ROOT.resolve("ops/target/fathom.jar")),
        "ops/target/fathom.jar is not built (run the IT through mvn verify)");
    assembled = script(List.of("assemble", BUNDLE.toString()), 300);
  }

  @Test
  void theBundleHoldsTheEnginePathOnlyAndFits() throws Exception {
    assertEquals(0, assembled.code(), assembled.output());
    assertTrue(
        assembled.output().contains("command:   gpu/device-check.sh run $OUT"), assembled.output());
    List<String> jars;
    try (Stream<Path> s = Files.list(BUNDLE.resolve("lib"))) {
      jars = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String needed :
        List.of(
            "fathom-ops.jar", "fathom-drafters-", "fathom-memory-", "jcuda-12", "jcuda-natives-")) {
      assertTrue(jars.stream().anyMatch(j -> j.startsWith(needed)), needed + " in " + jars);
    }
    for (String heavy : List.of("lucene", "kafka", "pekko", "onnxruntime", "logback", "scala")) {
      assertTrue(jars.stream().noneMatch(j -> j.contains(heavy)), heavy + " in " + jars);
    }
    Path natives =
        BUNDLE
            .resolve("lib")
            .resolve(
                jars.stream()
                    .filter(j -> j.startsWith("jcuda-natives-"))
                    .findFirst()
                    .orElseThrow());
    try (ZipFile z = new ZipFile(natives.toFile())) {
      assertNotNull(z.getEntry("lib/libJCudaDriver-12.6.0-linux-x86_64.so"));
      assertTrue(z.stream().noneMatch(e -> e.getName().contains("Nvrtc")), "NVRTC kept");
    }
    long bytes;
    try (Stream<Path> s = Files.walk(BUNDLE)) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertTrue(bytes <= 60L << 20, "bundle of " + bytes + " bytes is over 60 MiB");
    assertEquals(0, script(List.of("verify", BUNDLE.toString()), 60).code());
  }

  @Test
  void theQuickCheckRunsFromTheBundleOnTheCpu() throws Exception {
    assertEquals(0, assembled.code(), assembled.output());
    Path out = WORK.resolve("out-cpu");
    Result r =
        script(
            List.of("run", out.toString(), "--backend", "cpu", "--quick", "--threads", "2"), 900);
    Map<String, Object> json = DeviceCheckStep.read(out.resolve("device-check.json"));
    assertEquals(List.of(), json.get("failed_steps"), r.output());
    assertEquals(0, r.code(), r.output());
    assertEquals("pass", at(json, "greedy", "status"));
    assertEquals(
        List.of(1, 403, 407, 261, 378),
        at(json, "greedy", "backend", "result", "prompt_tokens"),
        "stories260K prompt");
    List<?> tokens = (List<?>) at(json, "greedy", "backend", "result", "tokens");
    // llama2.c's published continuation (../shared/models/README.md) begins with these.
    assertEquals(List.of(432, 383, 286, 261, 376, 298, 315, 421), tokens.subList(0, 8));
    for (String type : CheckPlan.TYPES) {
      assertEquals("pass", at(json, "models", type, "logits", "status"), type);
      Number decode = (Number) at(json, "models", type, "speed", "result", "decode_tok_s");
      assertTrue(decode.doubleValue() > 0, type);
      Number fraction = (Number) at(json, "models", type, "speed", "fraction_of_bandwidth_bound");
      assertTrue(fraction.doubleValue() > 0, type + " fraction " + fraction);
    }
    assertEquals("ok", at(json, "decode_8b", "speed", "status"));
    assertEquals(true, at(json, "rapid", "result", "lossless"));
    assertTrue(((Number) at(json, "rapid", "result", "speedup")).doubleValue() > 0);
    assertTrue(Files.isRegularFile(out.resolve("device-check-steps.log")));
    // The probe ran and said whether a CUDA device is usable, with the reason when not.
    assertNotNull(at(json, "probe", "result", "cuda", "reason"));
  }

  @Test
  void theCudaBackendAgreesWithTheCpuOnTheDevice() throws Exception {
    CudaDevice.Probe probe = CudaDevice.probe();
    assumeTrue(probe.available(), probe.reason());
    assertEquals(0, assembled.code(), assembled.output());
    Path out = WORK.resolve("out-cuda");
    script(List.of("run", out.toString(), "--backend", "cuda", "--quick"), 900);
    Map<String, Object> json = DeviceCheckStep.read(out.resolve("device-check.json"));
    assertEquals(true, at(json, "probe", "result", "cuda", "usable"));
    assertEquals("pass", at(json, "greedy", "status"), String.valueOf(json.get("failed_steps")));
    for (String type : CheckPlan.TYPES) {
      assertEquals("pass", at(json, "models", type, "logits", "status"), type);
    }
    assertEquals(true, at(json, "rapid", "result", "lossless"));
  }

  /**
   * Without a GPU, asking for CUDA makes every CUDA step fail with the probe's reason while the CPU
   * steps still run (and a spent budget skips the rest): the JSON says all of it, the exit status
   * is 1, and the run is never aborted.
   */
  @Test
  void failedStepsAreRecordedWithTheirReasonAndTheRunGoesOn() throws Exception {
    CudaDevice.Probe probe = CudaDevice.probe();
    assumeFalse(probe.available(), "a CUDA device is usable here: " + probe.reason());
    assertEquals(0, assembled.code(), assembled.output());
    Path out = WORK.resolve("out-no-gpu");
    Result r =
        script(
            List.of("run", out.toString(), "--backend", "cuda", "--quick", "--budget", "40"), 300);
    assertEquals(1, r.code(), r.output());
    Map<String, Object> json = DeviceCheckStep.read(out.resolve("device-check.json"));
    assertEquals("error", at(json, "probe", "status"));
    assertTrue(String.valueOf(at(json, "probe", "reason")).contains(probe.reason()), r.output());
    assertEquals(false, at(json, "probe", "result", "cuda", "usable"));
    assertEquals("ok", at(json, "greedy", "reference", "status"));
    assertEquals("error", at(json, "greedy", "backend", "status"));
    assertEquals("not_run", at(json, "greedy", "status"));
    // The last step fails like every CUDA step, or was skipped once 40 s were spent (how far the
    // run gets depends on the machine's speed).
    Object rapid = at(json, "rapid", "status");
    assertTrue(rapid.equals("error") || rapid.equals("skipped"), String.valueOf(rapid));
    if (rapid.equals("skipped")) {
      assertTrue(String.valueOf(at(json, "rapid", "reason")).contains("budget of 40 s is spent"));
    }
    List<?> failed = (List<?>) json.get("failed_steps");
    assertTrue(
        failed.stream().anyMatch(f -> f.toString().startsWith("greedy-test: error")), r.output());
    assertNotNull(json.get("finished_utc"));
  }

  @Test
  void runWithoutABundleSaysHowToMakeOne() throws Exception {
    ProcessBuilder pb = command(List.of("run", WORK.resolve("out-none").toString()));
    pb.environment().put("FATHOM_GPU_BUNDLE", WORK.resolve("no-such-bundle").toString());
    Result r = wait(pb, 60);
    assertFalse(r.code() == 0);
    assertTrue(r.output().contains("gpu/device-check.sh bundle"), r.output());
  }

  /** A value inside the report: nested maps by key. */
  static Object at(Map<String, Object> json, String... keys) {
    Object v = json;
    for (String k : keys) {
      assertTrue(v instanceof Map<?, ?>, "no " + k + " in " + v);
      v = ((Map<?, ?>) v).get(k);
    }
    return v;
  }

  static Result script(List<String> args, long timeoutSeconds) throws Exception {
    ProcessBuilder pb = command(args);
    pb.environment().put("FATHOM_GPU_BUNDLE", BUNDLE.toString());
    pb.environment().put("FATHOM_GPU_WORK", WORK.resolve("work").toString());
    return wait(pb, timeoutSeconds);
  }

  static ProcessBuilder command(List<String> args) {
    List<String> cmd =
        new ArrayList<>(List.of("bash", ROOT.resolve("gpu/device-check.sh").toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb;
  }

  static Result wait(ProcessBuilder pb, long timeoutSeconds) throws Exception {
    Files.createDirectories(WORK);
    Path log = Files.createTempFile(WORK, "script", ".log");
    Process p = pb.redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "gpu/device-check.sh took over " + timeoutSeconds + " s: " + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
