package dev.fathom.drafters.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every kernel's own CUDA source run on the CPU: {@code src/test/cuda/kernels_host.cpp} compiles
 * {@code matmul.cu}, {@code ops.cu} and {@code attention.cu} with a C++ compiler, runs each block's
 * threads as threads (barriers for {@code __syncthreads}, a per-warp exchange for {@code
 * __shfl_down_sync}), and compares every kernel with a plain loop: products of each kernel family,
 * embedding, RMSNorm, both RoPE styles, SwiGLU, add, bias, and split attention with its weights.
 * This checks indexing, barriers and reductions of the real source; not the GPU's speed or
 * rounding. Skipped, with the reason, where there is no C++20 compiler.
 */
class CudaKernelsHostTest {
  @Test
  void theKernelSourcesAgreeWithPlainLoopsWhenRunOnTheCpu() throws Exception {
    Path cxx = Path.of(System.getenv().getOrDefault("CXX", "/usr/bin/g++"));
    assumeTrue(Files.isExecutable(cxx), "no C++ compiler at " + cxx + " (set CXX)");
    Path root = Path.of(System.getProperty("fathom.root", ".")).toAbsolutePath().normalize();
    Path module =
        Files.isDirectory(root.resolve("src/main/cuda")) ? root : root.resolve("drafters");
    Path src = module.resolve("src/test/cuda");
    Path exe =
        Files.createDirectories(module.resolve("target/kernels-host")).resolve("kernels_host");
    String build =
        run(
            cxx.toString(),
            "-std=c++20",
            "-O1",
            "-pthread",
            "-I",
            src.resolve("shim").toString(),
            src.resolve("kernels_host.cpp").toString(),
            "-o",
            exe.toString());
    assertTrue(build.isBlank() || !build.contains("error"), build);
    String out = run(exe.toString());
    assertTrue(out.contains("all kernels agree"), out);
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), command[0] + " took over 5 minutes");
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + log);
    return log;
  }
}
