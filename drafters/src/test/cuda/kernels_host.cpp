// Runs the CUDA kernels' own source (drafters/src/main/cuda/*.cu) on the CPU: each block's threads
// are std::threads, __syncthreads a barrier over the block, __shfl_down_sync an exchange through a
// per-warp buffer, __shared__ memory a static (blocks run one after another). Every kernel is
// compared with a plain loop written from the operation's definition, on random data; exits 0 and
// prints "all kernels agree" when all do (CudaKernelsHostTest). Not a GPU: it checks indexing,
// barriers and reductions, not speed or the device's float rounding.
//   g++ -std=c++20 -O1 -pthread -I shim kernels_host.cpp -o kernels_host && ./kernels_host
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>
#include <vector>

struct Dim {
  unsigned x = 1, y = 1, z = 1;
};
static thread_local Dim threadIdx, blockIdx;
static Dim blockDim, gridDim;
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
static inline int min(int a, int b) { return a < b ? a : b; }

static std::barrier<>* blockBarrier;
static std::barrier<>* warpBarriers[32];
static float shuffle[32][32];
static inline void __syncthreads() { blockBarrier->arrive_and_wait(); }
static inline float __shfl_down_sync(unsigned, float v, int off) {
  int w = threadIdx.x / 32, l = threadIdx.x % 32;
  shuffle[w][l] = v;
  warpBarriers[w]->arrive_and_wait();
  float r = l + off < 32 ? shuffle[w][l + off] : v;
  warpBarriers[w]->arrive_and_wait();
  return r;
}

#include "../../main/cuda/attention.cu"
#include "../../main/cuda/matmul.cu"
#include "../../main/cuda/ops.cu"

template <typename K, typename... A>
static void launch(K kernel, Dim grid, unsigned threads, A... args) {
  gridDim = grid;
  blockDim = Dim{threads, 1, 1};
  for (unsigned z = 0; z < grid.z; z++)
    for (unsigned y = 0; y < grid.y; y++)
      for (unsigned x = 0; x < grid.x; x++) {
        std::barrier<> block(threads);
        blockBarrier = &block;
        std::vector<std::unique_ptr<std::barrier<>>> warps;
        for (unsigned w = 0; w < (threads + 31) / 32; w++) {
          warps.push_back(std::make_unique<std::barrier<>>(32));
          warpBarriers[w] = warps.back().get();
        }
        std::vector<std::thread> team;
        for (unsigned t = 0; t < threads; t++) {
          team.emplace_back([=] {
            threadIdx = Dim{t, 0, 0};
            blockIdx = Dim{x, y, z};
            kernel(args...);
          });
        }
        for (auto& t : team) t.join();
      }
}

static std::mt19937 rng(7);
static std::vector<float> gaussian(size_t n) {
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (auto& f : v) f = d(rng);
  return v;
}
static int failures = 0;
static void compare(const char* what, const std::vector<float>& ref, const float* got) {
  float scale = 0;
  for (float f : ref) scale = fmaxf(scale, fabsf(f));
  for (size_t i = 0; i < ref.size(); i++) {
    if (!(fabsf(ref[i] - got[i]) <= 1e-4f * scale + 1e-6f)) {
      printf("MISMATCH %s [%zu]: expected %g, kernel %g\n", what, i, ref[i], got[i]);
      failures++;
      return;
    }
  }
  printf("ok %s\n", what);
}

// Random rows of a block type: random bytes, with every f16 scale set to a modest value.
static std::vector<unsigned char> blocks(int rows, int cols, int blockSize, int bytesPerBlock,
                                         std::vector<int> halves) {
  std::vector<unsigned char> w((size_t)rows * cols / blockSize * bytesPerBlock);
  for (auto& b : w) b = rng() & 0xFF;
  for (size_t b = 0; b < w.size(); b += bytesPerBlock)
    for (int h : halves) {
      unsigned short v = 0x2000 + (rng() % 0x0C00);  // about 0.008 .. 0.06, positive
      w[b + h] = v & 0xFF;
      w[b + h + 1] = v >> 8;
    }
  return w;
}

template <typename Deq, typename K>
static void product(const char* name, K kernel, const std::vector<unsigned char>& w, int rows,
                    int cols, int n) {
  long long rowBytes = (long long)(w.size() / rows);
  auto x = gaussian((size_t)n * cols);
  std::vector<float> ref((size_t)n * rows), out((size_t)n * rows, NAN);
  for (int p = 0; p < n; p++)
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int i = 0; i < cols; i++) s += (double)Deq::at(w.data() + r * rowBytes, i) * x[p * cols + i];
      ref[p * rows + r] = (float)s;
    }
  launch(kernel, Dim{(unsigned)(rows + 3) / 4, (unsigned)(n + 7) / 8, 1}, 128, w.data(), rowBytes,
         rows, cols, (const float*)x.data(), n, out.data());
  char what[64];
  snprintf(what, sizeof what, "%s n=%d", name, n);
  compare(what, ref, out.data());
}

int main() {
  const int rows = 13, cols = 1280;  // 13: the last block of 4 rows is partly empty
  auto q8 = blocks(rows, cols, 32, 34, {0});
  auto q4 = blocks(rows, cols, 32, 18, {0});
  auto q4k = blocks(rows, cols, 256, 144, {0, 2});
  auto q6k = blocks(rows, cols, 256, 210, {208});
  auto f32 = gaussian((size_t)rows * cols);
  std::vector<unsigned char> f32b(f32.size() * 4);
  memcpy(f32b.data(), f32.data(), f32b.size());
  for (int n : {1, 9}) {
    product<DeqQ8_0>("matmul_q8_0", matmul_q8_0, q8, rows, cols, n);
    product<DeqQ8_0>("matmul_groups_q8_0", matmul_groups_q8_0, q8, rows, cols, n);
    product<DeqQ4_0>("matmul_groups_q4_0", matmul_groups_q4_0, q4, rows, cols, n);
    product<DeqQ4_K>("matmul_q4_k", matmul_q4_k, q4k, rows, cols, n);
    product<DeqQ4_K>("matmul_groups_q4_k", matmul_groups_q4_k, q4k, rows, cols, n);
    product<DeqQ6_K>("matmul_groups_q6_k", matmul_groups_q6_k, q6k, rows, cols, n);
    product<DeqF32>("matmul_f32", matmul_f32, f32b, rows, cols, n);
  }
  {  // embed
    int tokens[] = {3, 0, 12, 3};
    std::vector<float> ref(4 * cols), out(4 * cols, NAN);
    for (int i = 0; i < 4; i++)
      for (int c = 0; c < cols; c++) ref[i * cols + c] = DeqQ4_K::at(q4k.data() + tokens[i] * (q4k.size() / rows), c);
    launch(embed_q4_k, Dim{4, 1, 1}, 256, q4k.data(), (long long)(q4k.size() / rows), cols,
           (const int*)tokens, out.data());
    compare("embed_q4_k", ref, out.data());
  }
  {  // rms_norm of rows 1, 2 into rows 0, 1
    int dim = 300;
    auto x = gaussian(3 * dim), gain = gaussian(dim);
    std::vector<float> ref(2 * dim), out(2 * dim, NAN);
    for (int r = 0; r < 2; r++) {
      double ss = 0;
      for (int j = 0; j < dim; j++) ss += (double)x[(r + 1) * dim + j] * x[(r + 1) * dim + j];
      float inv = (float)(1.0 / sqrt(ss / dim + 1e-5));
      for (int j = 0; j < dim; j++) ref[r * dim + j] = x[(r + 1) * dim + j] * inv * gain[j];
    }
    launch(rms_norm, Dim{2, 1, 1}, 256, (const float*)x.data(), 1, (const float*)gain.data(), 1e-5f,
           out.data(), 0, dim);
    compare("rms_norm", ref, out.data());
  }
  for (int adjacent : {1, 0}) {  // rope: 3 rows of 4 heads of 2 * 16 at positions 5 ..
    int n = 3, heads = 4, half = 16, start = 5;
    auto cosT = gaussian((start + n) * half), sinT = gaussian((start + n) * half);
    auto v = gaussian((size_t)n * heads * 2 * half);
    std::vector<float> ref = v;
    for (int i = 0; i < n; i++)
      for (int h = 0; h < heads; h++)
        for (int j = 0; j < half; j++) {
          int base = (i * heads + h) * 2 * half;
          int p = adjacent ? base + 2 * j : base + j, q = adjacent ? p + 1 : p + half;
          float c = cosT[(start + i) * half + j], s = sinT[(start + i) * half + j];
          ref[p] = v[p] * c - v[q] * s;
          ref[q] = v[p] * s + v[q] * c;
        }
    int total = n * heads * half;
    launch(rope, Dim{(unsigned)(total + 255) / 256, 1, 1}, 256, v.data(), (const float*)cosT.data(),
           (const float*)sinT.data(), n, heads, half, start, adjacent);
    compare(adjacent ? "rope adjacent" : "rope halves", ref, v.data());
  }
  {  // swiglu, add, add_bias over 1000 floats (rows of 250)
    int f = 1000;
    auto g = gaussian(f), u = gaussian(f), b = gaussian(250);
    std::vector<float> ref(f);
    for (int k = 0; k < f; k++) ref[k] = g[k] / (1 + expf(-g[k])) * u[k] + u[k] + b[k % 250];
    launch(swiglu, Dim{4, 1, 1}, 256, g.data(), (const float*)u.data(), f);
    launch(add, Dim{4, 1, 1}, 256, g.data(), (const float*)u.data(), f);
    launch(add_bias, Dim{4, 1, 1}, 256, g.data(), (const float*)b.data(), 250, f);
    compare("swiglu, add, add_bias", ref, g.data());
  }
  for (int chunk : {3, 256}) {  // attention: layer 1 of a mirror of capacity 16
    int heads = 4, kvHeads = 2, hs = 8, start = 5, n = 3, cap = 16, kvDim = kvHeads * hs;
    int stride = start + n, splits = (stride + chunk - 1) / chunk;
    auto keys = gaussian(2 * cap * kvDim), values = gaussian(2 * cap * kvDim);
    auto q = gaussian(n * heads * hs);
    long long layerOffset = (long long)cap * kvDim;
    std::vector<float> ref(n * heads * hs), out(n * heads * hs, NAN);
    std::vector<float> refW(n * heads * stride, 0), scores(n * heads * stride, 0);
    std::vector<float> partials((size_t)n * heads * splits * (hs + 2), NAN);
    for (int i = 0; i < n; i++)
      for (int h = 0; h < heads; h++) {
        int len = start + i + 1, kvOff = (h / (heads / kvHeads)) * hs;
        std::vector<double> s(len);
        double mx = -INFINITY, sum = 0;
        for (int t = 0; t < len; t++) {
          double d = 0;
          for (int e = 0; e < hs; e++) d += (double)q[(i * heads + h) * hs + e] * keys[layerOffset + t * kvDim + kvOff + e];
          s[t] = d / sqrt((double)hs);
          mx = fmax(mx, s[t]);
        }
        for (int t = 0; t < len; t++) sum += (s[t] = exp(s[t] - mx));
        for (int t = 0; t < len; t++) refW[(i * heads + h) * stride + t] = (float)(s[t] / sum);
        for (int e = 0; e < hs; e++) {
          double a = 0;
          for (int t = 0; t < len; t++) a += s[t] / sum * values[layerOffset + t * kvDim + kvOff + e];
          ref[(i * heads + h) * hs + e] = (float)a;
        }
      }
    launch(attention_partial, Dim{(unsigned)heads, (unsigned)n, (unsigned)splits}, 128,
           (const float*)q.data(), (const float*)keys.data(), (const float*)values.data(),
           layerOffset, scores.data(), partials.data(), start, heads, kvHeads, hs,
           (float)(1.0 / sqrt((double)hs)), stride, chunk);
    launch(attention_combine, Dim{(unsigned)heads, (unsigned)n, 1}, 128,
           (const float*)partials.data(), scores.data(), out.data(), start, heads, hs, stride,
           splits);
    char what[64];
    snprintf(what, sizeof what, "attention (chunk %d)", chunk);
    compare(what, ref, out.data());
    snprintf(what, sizeof what, "attention weights (chunk %d)", chunk);
    compare(what, refW, scores.data());
  }
  if (failures) {
    printf("%d kernels disagree\n", failures);
    return 1;
  }
  printf("all kernels agree\n");
  return 0;
}
