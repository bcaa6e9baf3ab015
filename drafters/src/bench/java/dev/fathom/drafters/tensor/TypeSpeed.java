package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.*;
import java.util.Random;

/**
 * CPU time per weight of an in-cache matrix-vector product for each type, the types alternating in
 * one JVM (so a loaded machine slows them alike); not a test. Run as {@link KernelSpeed} is, with
 * {@code dev.fathom.drafters.tensor.TypeSpeed}.
 */
public final class TypeSpeed {
  public static void main(String[] a) {
    GgmlType[] types = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K};
    int rows = 512, cols = 2048;
    try (Parallel p = new Parallel(1)) {
      Matrix[] ms = new Matrix[types.length];
      for (int i = 0; i < types.length; i++) {
        MemorySegment src = RandomWeights.of(types[i], (long) rows * cols, new Random(1));
        MemorySegment seg = Arena.ofAuto().allocate(src.byteSize(), 64);
        seg.copyFrom(src);
        ms[i] = Matrices.of(types[i], seg, rows, cols, p, KernelBackend.VECTOR);
      }
      float[] x = RandomWeights.floats(cols, new Random(2));
      float[] out = new float[rows];
      var bean =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      for (int round = 0; round < 6; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int i = 0; i < types.length; i++) {
          long c0 = bean.getProcessCpuTime();
          int calls = 4000;
          for (int k = 0; k < calls; k++) ms[i].matvec(x, 0, out, 0);
          double ns = (bean.getProcessCpuTime() - c0) / (double) calls / rows / cols;
          sb.append(String.format("  %s %.3f ns/weight", types[i], ns));
        }
        System.out.println(sb);
      }
    }
  }
}
