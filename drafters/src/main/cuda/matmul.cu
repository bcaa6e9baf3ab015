// Products of a weight matrix with a batch of activation rows, and the embedding lookup, for every
// weight type of dequant.cuh. Launch plans: dev.fathom.drafters.compute.cuda.LaunchPlans.
//
// matmul_<type>: a block of MATMUL_WARPS warps; warp w of block (x, y) computes output row
// x * MATMUL_WARPS + w for the MATMUL_POSITIONS positions y * MATMUL_POSITIONS ..; its 32 lanes
// stride over the columns, so one dequantised weight serves up to eight positions (a batch reads
// the weights n / 8 times instead of n times), and a warp shuffle sums the lanes.
#include "dequant.cuh"

#define MATMUL_WARPS 4
#define MATMUL_POSITIONS 8

template <typename Deq>
__device__ void matmul_body(const unsigned char* w, long long rowBytes, int rows, int cols,
                            const float* x, int n, float* out) {
  int warp = threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  int row = blockIdx.x * MATMUL_WARPS + warp;
  int p0 = blockIdx.y * MATMUL_POSITIONS;
  if (row >= rows) return;  // the whole warp leaves together: row is the same for its lanes
  const unsigned char* r = w + (long long)row * rowBytes;
  float acc[MATMUL_POSITIONS];
  for (int j = 0; j < MATMUL_POSITIONS; j++) acc[j] = 0.0f;
  for (int i = lane; i < cols; i += 32) {
    float wi = Deq::at(r, i);
    for (int j = 0; j < MATMUL_POSITIONS; j++) {
      if (p0 + j < n) acc[j] += wi * x[(long long)(p0 + j) * cols + i];
    }
  }
  for (int j = 0; j < MATMUL_POSITIONS; j++) {
    float v = acc[j];
    for (int off = 16; off > 0; off /= 2) v += __shfl_down_sync(0xffffffffu, v, off);
    if (lane == 0 && p0 + j < n) out[(long long)(p0 + j) * rows + row] = v;
  }
}

// embed_<type>: block i copies row tokens[i] of the table, dequantised, to out row i.
template <typename Deq>
__device__ void embed_body(const unsigned char* table, long long rowBytes, int cols,
                           const int* tokens, float* out) {
  const unsigned char* r = table + (long long)tokens[blockIdx.x] * rowBytes;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    out[(long long)blockIdx.x * cols + c] = Deq::at(r, c);
  }
}

// matmul_groups_<type>: as matmul_<type> (same launch plan), but each lane takes whole 32-element
// groups of the row, g = lane, lane + 32, ..., and the group's dot product with each position.
template <typename Dot>
__device__ void matmul_groups_body(const unsigned char* w, long long rowBytes, int rows, int cols,
                                   const float* x, int n, float* out) {
  int warp = threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  int row = blockIdx.x * MATMUL_WARPS + warp;
  int p0 = blockIdx.y * MATMUL_POSITIONS;
  if (row >= rows) return;
  const unsigned char* r = w + (long long)row * rowBytes;
  float acc[MATMUL_POSITIONS];
  for (int j = 0; j < MATMUL_POSITIONS; j++) acc[j] = 0.0f;
  for (int g = lane; g < cols / 32; g += 32) {
    for (int j = 0; j < MATMUL_POSITIONS; j++) {
      if (p0 + j < n) acc[j] += Dot::group(r, g, x + (long long)(p0 + j) * cols + 32 * g);
    }
  }
  for (int j = 0; j < MATMUL_POSITIONS; j++) {
    float v = acc[j];
    for (int off = 16; off > 0; off /= 2) v += __shfl_down_sync(0xffffffffu, v, off);
    if (lane == 0 && p0 + j < n) out[(long long)(p0 + j) * rows + row] = v;
  }
}

#define GROUP_KERNEL(name, Dot)                                                                  \
  extern "C" __global__ void matmul_groups_##name(const unsigned char* w, long long rowBytes,    \
                                                  int rows, int cols, const float* x, int n,     \
                                                  float* out) {                                  \
    matmul_groups_body<Dot>(w, rowBytes, rows, cols, x, n, out);                                \
  }

GROUP_KERNEL(q8_0, DotQ8_0)
GROUP_KERNEL(q4_0, DotQ4_0)
GROUP_KERNEL(q4_k, DotQ4_K)
GROUP_KERNEL(q6_k, DotQ6_K)

#define TYPE_KERNELS(name, Deq)                                                                 \
  extern "C" __global__ void matmul_##name(const unsigned char* w, long long rowBytes, int rows, \
                                           int cols, const float* x, int n, float* out) {        \
    matmul_body<Deq>(w, rowBytes, rows, cols, x, n, out);                                       \
  }                                                                                             \
  extern "C" __global__ void embed_##name(const unsigned char* table, long long rowBytes,        \
                                          int cols, const int* tokens, float* out) {             \
    embed_body<Deq>(table, rowBytes, cols, tokens, out);                                        \
  }

TYPE_KERNELS(f32, DeqF32)
TYPE_KERNELS(f16, DeqF16)
TYPE_KERNELS(bf16, DeqBF16)
TYPE_KERNELS(q8_0, DeqQ8_0)
TYPE_KERNELS(q4_0, DeqQ4_0)
TYPE_KERNELS(q4_k, DeqQ4_K)
TYPE_KERNELS(q5_k, DeqQ5_K)
TYPE_KERNELS(q6_k, DeqQ6_K)
