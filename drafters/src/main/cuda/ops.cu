// The element-wise and row-wise operations of a forward pass (dev.fathom.drafters.compute
// .ComputeBackend): RMSNorm, RoPE, SwiGLU, the residual add and the bias. Launch plans:
// dev.fathom.drafters.compute.cuda.LaunchPlans. Each thread computes one output (or one rotated
// pair); the arithmetic is CpuBackend's, in the same order where it matters.

#define NORM_THREADS 256

// RMSNorm (Zhang and Sennrich 2019): block r normalises row xRow + r of x into row outRow + r of
// out; out may be x (every thread reads its own elements before writing them, after the sum).
extern "C" __global__ void rms_norm(const float* x, int xRow, const float* gain, float eps,
                                    float* out, int outRow, int dim) {
  __shared__ float partial[NORM_THREADS];
  const float* in = x + (long long)(xRow + blockIdx.x) * dim;
  float* o = out + (long long)(outRow + blockIdx.x) * dim;
  float sum = 0.0f;
  for (int j = threadIdx.x; j < dim; j += NORM_THREADS) sum += in[j] * in[j];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int s = NORM_THREADS / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
    __syncthreads();
  }
  float inverseRms = 1.0f / sqrtf(partial[0] / dim + eps);
  for (int j = threadIdx.x; j < dim; j += NORM_THREADS) o[j] = in[j] * inverseRms * gain[j];
}

// RoPE (Su et al. 2021): thread k rotates pair j of head h of row i, k = (i * heads + h) * half + j,
// at position startPos + i. adjacent: elements (2j, 2j+1) of the head (Llama's GGUF layout);
// otherwise (j, j + half) (NeoX/Qwen2).
extern "C" __global__ void rope(float* v, const float* cosTable, const float* sinTable, int n,
                                int heads, int half, int startPos, int adjacent) {
  long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= (long long)n * heads * half) return;
  int j = (int)(k % half);
  long long head = k / half;  // i * heads + h: heads are contiguous, 2 * half floats each
  int i = (int)(head / heads);
  long long base = head * 2 * half;
  long long p = adjacent ? base + 2 * j : base + j;
  long long q = adjacent ? p + 1 : p + half;
  long long t = (long long)(startPos + i) * half + j;
  float c = cosTable[t];
  float s = sinTable[t];
  float x0 = v[p];
  float x1 = v[q];
  v[p] = x0 * c - x1 * s;
  v[q] = x0 * s + x1 * c;
}

// SwiGLU (Shazeer 2020): gate = silu(gate) * up.
extern "C" __global__ void swiglu(float* gate, const float* up, int floats) {
  int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= floats) return;
  float g = gate[k];
  gate[k] = g / (1.0f + expf(-g)) * up[k];
}

// The residual connection: y += x.
extern "C" __global__ void add(float* y, const float* x, int floats) {
  int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= floats) return;
  y[k] += x[k];
}

// y row r += bias, for the first floats = rows * size elements of y.
extern "C" __global__ void add_bias(float* y, const float* bias, int size, int floats) {
  int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= floats) return;
  y[k] += bias[k % size];
}
