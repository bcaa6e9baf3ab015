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
 * The committed PTX (what the backend loads; builds without nvcc use it as it is) is what {@code
 * build-ptx.sh} makes of the {@code .cu} sources now: regenerated into {@code target/} with nvcc
 * and compared. Skipped, with the reason, where there is no nvcc.
 */
class CudaPtxInSyncTest {
  private static final Path ROOT =
      Path.of(System.getProperty("fathom.root", ".")).toAbsolutePath().normalize();

  /** The drafters module: the tests run in it, or at the repository root. */
  private static Path module() {
    return Files.isDirectory(ROOT.resolve("src/main/cuda")) ? ROOT : ROOT.resolve("drafters");
  }

  @Test
  void everyModuleIsCommittedAndDeclaresItsTarget() throws Exception {
    for (String name : CudaKernels.MODULES) {
      String ptx = new String(CudaKernels.ptx(name), StandardCharsets.US_ASCII);
      assertTrue(ptx.contains(".target sm_75"), name + ".ptx targets compute_75");
      assertTrue(Files.exists(module().resolve("src/main/cuda/" + name + ".cu")), name + ".cu");
    }
  }

  @Test
  void committedPtxEqualsFreshlyGeneratedPtx() throws Exception {
    Path nvcc = Path.of(System.getenv().getOrDefault("NVCC", "/usr/local/bin/nvcc"));
    assumeTrue(
        Files.isExecutable(nvcc), "no nvcc at " + nvcc + ": the committed PTX is used as is");
    Path out = module().resolve("target/ptx-check");
    Process p =
        new ProcessBuilder(
                "bash", module().resolve("src/main/cuda/build-ptx.sh").toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "nvcc took over 5 minutes");
    assertEquals(0, p.exitValue(), "build-ptx.sh failed:\n" + log);
    for (String name : CudaKernels.MODULES) {
      String fresh = Files.readString(out.resolve(name + ".ptx"));
      String committed =
          new String(CudaKernels.ptx(name), StandardCharsets.US_ASCII).stripTrailing();
      // Trailing NUL added for cuModuleLoadData aside, the text must be identical; if nvcc's
      // version changed, rerun drafters/src/main/cuda/build-ptx.sh and commit the result.
      assertEquals(
          fresh.stripTrailing(),
          committed.replace("\0", "").stripTrailing(),
          name + ".ptx is stale: run drafters/src/main/cuda/build-ptx.sh and commit");
    }
  }

  /**
   * The committed PTX assembles for the GPUs it is meant for (what the driver's JIT does at load):
   * ptxas for Turing (sm_75, the oldest) and Hopper (sm_90, the test machine's H200).
   */
  @Test
  void committedPtxAssemblesForTuringAndHopper() throws Exception {
    Path nvcc = Path.of(System.getenv().getOrDefault("NVCC", "/usr/local/bin/nvcc"));
    // /usr/local/bin/nvcc may be a wrapper script; ptxas then sits in the toolkit's bin.
    Path ptxas = Path.of(System.getenv().getOrDefault("PTXAS", "/usr/local/cuda/bin/ptxas"));
    if (!Files.isExecutable(ptxas) && Files.exists(nvcc)) {
      ptxas = nvcc.toRealPath().resolveSibling("ptxas");
    }
    assumeTrue(Files.isExecutable(ptxas), "no ptxas at /usr/local/cuda/bin or beside " + nvcc);
    Path out = Files.createDirectories(module().resolve("target/ptx-check"));
    for (String name : CudaKernels.MODULES) {
      Path ptx = out.resolve(name + ".committed.ptx");
      byte[] text = CudaKernels.ptx(name);
      Files.write(ptx, java.util.Arrays.copyOf(text, text.length - 1)); // without the NUL
      for (String arch : new String[] {"sm_75", "sm_90"}) {
        Process p =
            new ProcessBuilder(
                    ptxas.toString(),
                    "-arch=" + arch,
                    ptx.toString(),
                    "-o",
                    out.resolve(name + "." + arch + ".cubin").toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "ptxas took over 5 minutes");
        assertEquals(0, p.exitValue(), "ptxas -arch=" + arch + " " + name + ".ptx:\n" + log);
      }
    }
  }
}
