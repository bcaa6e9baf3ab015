package dev.fathom.drafters.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Matrices;
import dev.fathom.drafters.tensor.Matrix;
import dev.fathom.drafters.tensor.Parallel;
import dev.fathom.drafters.tensor.Quantizer;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernels' per-element dequantisation ({@code dequant.cuh}, emulated by {@link
 * CudaDequantEmulation}) decodes every element of every weight type exactly as the scalar reference
 * kernels do: same bytes, same value, bit for bit (each element is one product of the same
 * factors).
 */
class CudaDequantEmulationTest {
  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
  void everyElementMatchesTheScalarReference(GgmlType type) {
    int rows = 3;
    int cols = 512; // two K-quant super-blocks, sixteen 32-blocks
    Random rnd = new Random(type.ordinal());
    float[] values = new float[rows * cols];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rnd.nextGaussian() * (1 + i % 7);
    }
    byte[] bytes = Quantizer.quantizeRows(type, values, cols);
    try (Parallel p = new Parallel(1)) {
      Matrix m =
          Matrices.of(type, MemorySegment.ofArray(bytes), rows, cols, p, KernelBackend.SCALAR);
      float[] row = new float[cols];
      for (int r = 0; r < rows; r++) {
        m.row(r, row, 0);
        int start = (int) (r * type.byteSize(cols));
        for (int i = 0; i < cols; i++) {
          float device = CudaDequantEmulation.at(type, bytes, start, i);
          assertEquals(
              Float.floatToIntBits(row[i]),
              Float.floatToIntBits(device),
              type + " row " + r + " element " + i + ": " + row[i] + " vs " + device);
        }
      }
    }
  }
}
