package dev.fathom.drafters.compute.cuda;

import dev.fathom.drafters.gguf.GgmlType;

/**
 * The kernels of {@code drafters/src/main/cuda} run on the host over their {@link LaunchPlans}:
 * every block and thread of the plan computes what the kernel's index arithmetic gives it, and each
 * output records how often it was written. {@code CudaKernelEmulationTest} compares the results
 * with {@code CpuBackend} and checks that every output is written exactly once. A change to a
 * kernel's indexing must be made here too.
 */
final class CudaKernelEmulation {
  private CudaKernelEmulation() {}

  /** matmul.cu over {@code rows × cols} weights {@code w} and {@code n} rows of {@code x}. */
  static float[] matmul(
      GgmlType type, byte[] w, int rows, int cols, float[] x, int n, int[] writes) {
    LaunchPlan plan = LaunchPlans.matmul(rows, n);
    long rowBytes = type.byteSize(cols);
    float[] out = new float[n * rows];
    int positions = LaunchPlans.MATMUL_POSITIONS;
    for (int bx = 0; bx < plan.gridX(); bx++) {
      for (int by = 0; by < plan.gridY(); by++) {
        for (int warp = 0; warp < plan.blockX() / LaunchPlans.WARP; warp++) {
          int row = bx * LaunchPlans.MATMUL_WARPS + warp;
          int p0 = by * positions;
          if (row >= rows) {
            continue;
          }
          float[][] acc = new float[LaunchPlans.WARP][positions];
          for (int lane = 0; lane < LaunchPlans.WARP; lane++) {
            for (int i = lane; i < cols; i += LaunchPlans.WARP) {
              float wi = CudaDequantEmulation.at(type, w, (int) (row * rowBytes), i);
              for (int j = 0; j < positions; j++) {
                if (p0 + j < n) {
                  acc[lane][j] += wi * x[(p0 + j) * cols + i];
                }
              }
            }
          }
          for (int j = 0; j < positions; j++) {
            float[] v = new float[LaunchPlans.WARP];
            for (int lane = 0; lane < v.length; lane++) {
              v[lane] = acc[lane][j];
            }
            float sum = shuffleDownSum(v);
            if (p0 + j < n) {
              out[(p0 + j) * rows + row] = sum;
              writes[(p0 + j) * rows + row]++;
            }
          }
        }
      }
    }
    return out;
  }

  /** matmul_blocks_q8_0 / _q4_0 in matmul.cu: lanes take whole blocks (DotQ8_0, DotQ4_0). */
  static float[] matmulBlocks(
      GgmlType type, byte[] w, int rows, int cols, float[] x, int n, int[] writes) {
    LaunchPlan plan = LaunchPlans.matmul(rows, n);
    int blockBytes = type.bytesPerBlock();
    long rowBytes = type.byteSize(cols);
    float[] out = new float[n * rows];
    int positions = LaunchPlans.MATMUL_POSITIONS;
    for (int bx = 0; bx < plan.gridX(); bx++) {
      for (int by = 0; by < plan.gridY(); by++) {
        for (int warp = 0; warp < plan.blockX() / LaunchPlans.WARP; warp++) {
          int row = bx * LaunchPlans.MATMUL_WARPS + warp;
          int p0 = by * positions;
          if (row >= rows) {
            continue;
          }
          float[][] acc = new float[LaunchPlans.WARP][positions];
          for (int lane = 0; lane < LaunchPlans.WARP; lane++) {
            for (int blk = lane; blk < cols / 32; blk += LaunchPlans.WARP) {
              int b = (int) (row * rowBytes) + blk * blockBytes;
              for (int j = 0; j < positions; j++) {
                if (p0 + j < n) {
                  acc[lane][j] += blockDot(type, w, b, x, (p0 + j) * cols + blk * 32);
                }
              }
            }
          }
          for (int j = 0; j < positions; j++) {
            float[] v = new float[LaunchPlans.WARP];
            for (int lane = 0; lane < v.length; lane++) {
              v[lane] = acc[lane][j];
            }
            float sum = shuffleDownSum(v);
            if (p0 + j < n) {
              out[(p0 + j) * rows + row] = sum;
              writes[(p0 + j) * rows + row]++;
            }
          }
        }
      }
    }
    return out;
  }

  /** DotQ8_0::block / DotQ4_0::block of dequant.cuh. */
  private static float blockDot(GgmlType type, byte[] w, int b, float[] x, int xo) {
    float s = 0f;
    if (type == GgmlType.Q8_0) {
      for (int j = 0; j < 32; j++) {
        s += (float) w[b + 2 + j] * x[xo + j];
      }
    } else {
      for (int j = 0; j < 16; j++) {
        int q = w[b + 2 + j] & 0xFF;
        s += (float) ((q & 0x0F) - 8) * x[xo + j] + (float) ((q >> 4) - 8) * x[xo + j + 16];
      }
    }
    return s * Float.float16ToFloat((short) ((w[b] & 0xFF) | ((w[b + 1] & 0xFF) << 8)));
  }

  /** The lane-0 result of {@code v += __shfl_down_sync(v, off)} for off = 16, 8, 4, 2, 1. */
  static float shuffleDownSum(float[] lanes) {
    float[] v = lanes.clone();
    for (int off = 16; off > 0; off /= 2) {
      float[] next = new float[v.length];
      for (int lane = 0; lane < v.length; lane++) {
        // A lane whose source is past the warp gets its own value back.
        next[lane] = v[lane] + (lane + off < v.length ? v[lane + off] : v[lane]);
      }
      v = next;
    }
    return v[0];
  }

  /** rope in ops.cu, in place. */
  static void rope(
      float[] v,
      float[] cos,
      float[] sin,
      int n,
      int heads,
      int half,
      int startPos,
      boolean adjacent,
      int[] writes) {
    LaunchPlan plan = LaunchPlans.rope(n, heads, half);
    for (long k = 0; k < plan.threads(); k++) {
      if (k >= (long) n * heads * half) {
        continue;
      }
      int j = (int) (k % half);
      long head = k / half;
      int i = (int) (head / heads);
      long base = head * 2 * half;
      int p = (int) (adjacent ? base + 2 * j : base + j);
      int q = adjacent ? p + 1 : p + half;
      int t = (startPos + i) * half + j;
      float c = cos[t];
      float s = sin[t];
      float x0 = v[p];
      float x1 = v[q];
      v[p] = x0 * c - x1 * s;
      v[q] = x0 * s + x1 * c;
      writes[p]++;
      writes[q]++;
    }
  }

  /**
   * attention.cu for {@code n} query rows at {@code start ..} over one layer's keys and values laid
   * out as the device mirror holds them ({@code keys[layerOffset + t * kvDim + …]}); returns the
   * output and leaves the softmax weights in {@code scores} (row {@code i * heads + h}, stride
   * {@code start + n}).
   */
  static float[] attention(
      float[] q,
      float[] keys,
      float[] values,
      int layerOffset,
      float[] scores,
      int start,
      int n,
      int heads,
      int kvHeads,
      int headSize,
      int[] writes) {
    LaunchPlan plan = LaunchPlans.attention(heads, n);
    int stride = start + n;
    int qDim = heads * headSize;
    int kvDim = kvHeads * headSize;
    float scale = (float) (1.0 / Math.sqrt(headSize));
    float[] out = new float[n * qDim];
    for (int h = 0; h < plan.gridX(); h++) {
      for (int i = 0; i < plan.gridY(); i++) {
        int len = start + i + 1;
        int kvOff = (h / (heads / kvHeads)) * headSize;
        int qr = i * qDim + h * headSize;
        int s = (i * heads + h) * stride;
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < len; t++) {
          float dot = 0f;
          for (int d = 0; d < headSize; d++) {
            dot += q[qr + d] * keys[layerOffset + t * kvDim + kvOff + d];
          }
          scores[s + t] = dot * scale;
          max = Math.max(max, scores[s + t]);
        }
        float sum = 0f;
        for (int t = 0; t < len; t++) {
          scores[s + t] = (float) Math.exp(scores[s + t] - max);
          sum += scores[s + t];
        }
        float inverse = 1f / sum;
        for (int t = 0; t < len; t++) {
          scores[s + t] *= inverse;
        }
        for (int d = 0; d < headSize; d++) {
          float acc = 0f;
          for (int t = 0; t < len; t++) {
            acc += scores[s + t] * values[layerOffset + t * kvDim + kvOff + d];
          }
          out[qr + d] = acc;
          writes[qr + d]++;
        }
      }
    }
    return out;
  }

  /** rms_norm in ops.cu, one block per row, partial sums combined as the tree does. */
  static float[] rmsNorm(float[] x, float[] gain, float eps, int rows) {
    int dim = gain.length;
    LaunchPlan plan = LaunchPlans.rmsNorm(rows);
    float[] out = new float[rows * dim];
    for (int r = 0; r < plan.gridX(); r++) {
      float[] partial = new float[plan.blockX()];
      for (int tid = 0; tid < plan.blockX(); tid++) {
        for (int j = tid; j < dim; j += plan.blockX()) {
          partial[tid] += x[r * dim + j] * x[r * dim + j];
        }
      }
      for (int s = plan.blockX() / 2; s > 0; s /= 2) {
        for (int tid = 0; tid < s; tid++) {
          partial[tid] += partial[tid + s];
        }
      }
      float inverseRms = 1f / (float) Math.sqrt(partial[0] / dim + eps);
      for (int j = 0; j < dim; j++) {
        out[r * dim + j] = x[r * dim + j] * inverseRms * gain[j];
      }
    }
    return out;
  }
}
