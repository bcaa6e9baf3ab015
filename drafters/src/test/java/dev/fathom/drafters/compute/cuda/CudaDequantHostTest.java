package dev.fathom.drafters.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Matrices;
import dev.fathom.drafters.tensor.Matrix;
import dev.fathom.drafters.tensor.Parallel;
import dev.fathom.drafters.tensor.Quantizer;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernels' own dequantisation source, {@code dequant.cuh}, compiled for the CPU by nvcc into a
 * host program ({@code src/test/cuda/dequant_host.cu}) and run on rows quantised by the Java
 * quantiser: every element equals the scalar reference kernel's, bit for bit. Where {@link
 * CudaDequantEmulationTest} checks a Java transcription, this checks the CUDA text itself. Skipped,
 * with the reason, where there is no nvcc.
 */
class CudaDequantHostTest {
  private static final Path NVCC =
      Path.of(System.getenv().getOrDefault("NVCC", "/usr/local/bin/nvcc"));
  private static Path harness; // compiled once per JVM

  private static Path module() {
    Path root = Path.of(System.getProperty("fathom.root", ".")).toAbsolutePath().normalize();
    return Files.isDirectory(root.resolve("src/main/cuda")) ? root : root.resolve("drafters");
  }

  @BeforeEach
  void compileTheHarness() throws Exception {
    assumeTrue(Files.isExecutable(NVCC), "no nvcc at " + NVCC);
    if (harness == null) {
      Path dir = Files.createDirectories(module().resolve("target/dequant-host"));
      Path exe = dir.resolve("dequant_host");
      run(
          NVCC.toString(),
          "-o",
          exe.toString(),
          module().resolve("src/test/cuda/dequant_host.cu").toString());
      harness = exe;
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " took over 5 minutes");
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + log);
  }

  /** The group dot products of matmul_groups_*, in the warp's summation order. */
  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K"})
  void theGroupDotProductsGiveTheReferenceProduct(GgmlType type) throws Exception {
    int rows = 5;
    int cols = 1280; // 40 groups (lanes 0-7 take two), five K-quant super-blocks
    Random rnd = new Random(200 + type.ordinal());
    float[] values = new float[rows * cols];
    float[] x = new float[cols];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rnd.nextGaussian();
    }
    ByteBuffer xb = ByteBuffer.allocate(cols * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < cols; i++) {
      x[i] = (float) rnd.nextGaussian();
      xb.putFloat(x[i]);
    }
    byte[] bytes = Quantizer.quantizeRows(type, values, cols);
    Path dir = harness.getParent();
    Path in = dir.resolve(type + ".dot.in");
    Path xs = dir.resolve(type + ".x");
    Path out = dir.resolve(type + ".dot.out");
    Files.write(in, bytes);
    Files.write(xs, xb.array());
    run(
        harness.toString(),
        "dot",
        type.name(),
        "" + rows,
        "" + cols,
        in.toString(),
        xs.toString(),
        out.toString());
    ByteBuffer got = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    try (Parallel p = new Parallel(1)) {
      Matrix m =
          Matrices.of(type, MemorySegment.ofArray(bytes), rows, cols, p, KernelBackend.SCALAR);
      float[] expected = new float[rows];
      m.matvec(x, 0, expected, 0);
      float scale = 0f;
      for (float e : expected) {
        scale = Math.max(scale, Math.abs(e));
      }
      for (int r = 0; r < rows; r++) {
        assertEquals(expected[r], got.getFloat(r * Float.BYTES), 1e-5f * scale, type + " row " + r);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
  void theCudaSourceDecodesEveryElementAsTheReference(GgmlType type) throws Exception {
    int rows = 4;
    int cols = 768; // three K-quant super-blocks
    Random rnd = new Random(100 + type.ordinal());
    float[] values = new float[rows * cols];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rnd.nextGaussian() * (1 + i % 5);
    }
    byte[] bytes = Quantizer.quantizeRows(type, values, cols);
    Path dir = harness.getParent();
    Path in = dir.resolve(type + ".in");
    Path out = dir.resolve(type + ".out");
    Files.write(in, bytes);
    run(harness.toString(), type.name(), "" + rows, "" + cols, in.toString(), out.toString());
    ByteBuffer decoded = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(rows * cols * Float.BYTES, decoded.capacity());
    try (Parallel p = new Parallel(1)) {
      Matrix m =
          Matrices.of(type, MemorySegment.ofArray(bytes), rows, cols, p, KernelBackend.SCALAR);
      float[] row = new float[cols];
      for (int r = 0; r < rows; r++) {
        m.row(r, row, 0);
        for (int i = 0; i < cols; i++) {
          float host = decoded.getFloat((r * cols + i) * Float.BYTES);
          assertEquals(
              Float.floatToIntBits(row[i]),
              Float.floatToIntBits(host),
              type + " row " + r + " element " + i + ": " + row[i] + " vs " + host);
        }
      }
    }
  }
}
