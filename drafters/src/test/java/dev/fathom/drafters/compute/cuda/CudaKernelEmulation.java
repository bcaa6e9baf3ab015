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

  /** matmul_groups_<type> in matmul.cu: lanes take whole 32-element groups (Dot*::group). */
  static float[] matmulGroups(
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
            for (int g = lane; g < cols / 32; g += LaunchPlans.WARP) {
              for (int j = 0; j < positions; j++) {
                if (p0 + j < n) {
                  acc[lane][j] +=
                      CudaGroupDots.group(
                          type, w, (int) (row * rowBytes), g, x, (p0 + j) * cols + 32 * g);
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
   * attention.cu (attention_partial, then attention_combine) for {@code n} query rows at {@code
   * start ..} over one layer's keys and values laid out as the device mirror holds them ({@code
   * keys[layerOffset + t * kvDim + …]}), in chunks of {@code chunk} positions; returns the output
   * and leaves the softmax weights in {@code scores} (row {@code i * heads + h}, stride {@code
   * start + n}). {@code writes} counts writes of each output float. Each score's dot product is
   * summed in plain order here; the kernel's split of it over a warp's lanes is run from the CUDA
   * source by {@code CudaKernelsHostTest}.
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
      int chunk,
      int[] writes) {
    int stride = start + n;
    int splits = LaunchPlans.attentionSplits(stride, chunk);
    float scale = (float) (1.0 / Math.sqrt(headSize));
    int kvDim = kvHeads * headSize;
    float[] partials = new float[n * heads * splits * (headSize + 2)];
    int[] partialWrites = new int[partials.length];
    LaunchPlan plan = LaunchPlans.attentionPartial(heads, n, splits);
    for (int h = 0; h < plan.gridX(); h++) {
      for (int i = 0; i < plan.gridY(); i++) {
        for (int c = 0; c < plan.gridZ(); c++) {
          int len = start + i + 1;
          int from = c * chunk;
          int to = Math.min(len, from + chunk);
          int kvOff = (h / (heads / kvHeads)) * headSize;
          int qr = i * heads * headSize + h * headSize;
          int s = (i * heads + h) * stride;
          int part = ((i * heads + h) * plan.gridZ() + c) * (headSize + 2);
          float m = Float.NEGATIVE_INFINITY;
          for (int t = from; t < to; t++) {
            float dot = 0f;
            for (int d = 0; d < headSize; d++) {
              dot += q[qr + d] * keys[layerOffset + t * kvDim + kvOff + d];
            }
            scores[s + t] = dot * scale;
            m = Math.max(m, scores[s + t]);
          }
          float[] weight = new float[chunk];
          float l = 0f;
          for (int t = from; t < to; t++) {
            weight[t - from] = (float) Math.exp(scores[s + t] - m);
            l += weight[t - from];
          }
          for (int d = 0; d < headSize; d++) {
            float acc = 0f;
            for (int t = from; t < to; t++) {
              acc += weight[t - from] * values[layerOffset + t * kvDim + kvOff + d];
            }
            partials[part + 2 + d] = acc;
            partialWrites[part + 2 + d]++;
          }
          partials[part] = m;
          partials[part + 1] = l;
          partialWrites[part]++;
          partialWrites[part + 1]++;
        }
      }
    }
    for (int k = 0; k < partialWrites.length; k++) {
      if (partialWrites[k] != 1) {
        throw new AssertionError("partial " + k + " written " + partialWrites[k] + " times");
      }
    }
    float[] out = new float[n * heads * headSize];
    LaunchPlan combine = LaunchPlans.attentionCombine(heads, n);
    for (int h = 0; h < combine.gridX(); h++) {
      for (int i = 0; i < combine.gridY(); i++) {
        int len = start + i + 1;
        int row = i * heads + h;
        int p = row * splits * (headSize + 2);
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < splits; c++) {
          max = Math.max(max, partials[p + c * (headSize + 2)]);
        }
        float sum = 0f;
        for (int c = 0; c < splits; c++) {
          sum +=
              partials[p + c * (headSize + 2) + 1]
                  * (float) Math.exp(partials[p + c * (headSize + 2)] - max);
        }
        for (int d = 0; d < headSize; d++) {
          float acc = 0f;
          for (int c = 0; c < splits; c++) {
            acc +=
                partials[p + c * (headSize + 2) + 2 + d]
                    * (float) Math.exp(partials[p + c * (headSize + 2)] - max);
          }
          out[row * headSize + d] = acc / sum;
          writes[row * headSize + d]++;
        }
        for (int t = 0; t < len; t++) {
          scores[row * stride + t] = (float) Math.exp(scores[row * stride + t] - max) / sum;
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
