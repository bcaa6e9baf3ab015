// Causal grouped-query attention over the device KV cache (Vaswani et al. 2017, eq. 1; GQA,
// Ainslie et al. 2023), one kernel for decode (n = 1) and for a batch of n positions (prefill,
// speculative verification). Block (h, i) computes query head h of batch row i, at position
// start + i, over cached positions 0 .. start + i; launch plan:
// dev.fathom.drafters.compute.cuda.LaunchPlans.attention.
//
// Scores go to global scratch (row (i * heads + h) of stride `stride` floats), so the length is
// not bounded by shared memory and the host can copy the softmax weights back for an
// AttentionSink. Simple rather than fast: each thread takes whole key rows; no tiling
// (FlashAttention, Dao et al. 2022, would keep scores on chip).
//
// Cache layout: layer l starts layerOffset = l * capacity * kvDim floats into kc and vc, and its
// position t's key is at [t * kvDim .. + kvDim) from there, values alike. (The offset is an
// argument rather than pointer arithmetic on the host, so no host-side pointer offsets reach a
// kernel.)

#define ATTENTION_THREADS 128

__device__ float block_reduce(float v, float* partial, bool isMax) {
  partial[threadIdx.x] = v;
  __syncthreads();
  for (int s = ATTENTION_THREADS / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) {
      float o = partial[threadIdx.x + s];
      partial[threadIdx.x] = isMax ? fmaxf(partial[threadIdx.x], o) : partial[threadIdx.x] + o;
    }
    __syncthreads();
  }
  float r = partial[0];
  __syncthreads();  // partial is reused by the next reduction
  return r;
}

extern "C" __global__ void attention(const float* q, const float* keys, const float* values,
                                     long long layerOffset, float* out, float* scores, int start,
                                     int heads, int kvHeads, int headSize, float scale,
                                     int stride) {
  __shared__ float partial[ATTENTION_THREADS];
  const float* kc = keys + layerOffset;
  const float* vc = values + layerOffset;
  int h = blockIdx.x;
  int i = blockIdx.y;
  int len = start + i + 1;
  int qDim = heads * headSize;
  int kvDim = kvHeads * headSize;
  int kvOff = (h / (heads / kvHeads)) * headSize;
  const float* qr = q + (long long)i * qDim + (long long)h * headSize;
  float* s = scores + ((long long)i * heads + h) * stride;

  float localMax = -INFINITY;
  for (int t = threadIdx.x; t < len; t += ATTENTION_THREADS) {
    const float* k = kc + (long long)t * kvDim + kvOff;
    float dot = 0.0f;
    for (int d = 0; d < headSize; d++) dot += qr[d] * k[d];
    s[t] = dot * scale;
    localMax = fmaxf(localMax, s[t]);
  }
  float max = block_reduce(localMax, partial, true);
  float localSum = 0.0f;
  for (int t = threadIdx.x; t < len; t += ATTENTION_THREADS) {
    s[t] = expf(s[t] - max);
    localSum += s[t];
  }
  float inverseSum = 1.0f / block_reduce(localSum, partial, false);
  for (int t = threadIdx.x; t < len; t += ATTENTION_THREADS) s[t] *= inverseSum;
  __syncthreads();  // every weight is written before any thread sums the values

  float* o = out + (long long)i * qDim + (long long)h * headSize;
  for (int d = threadIdx.x; d < headSize; d += ATTENTION_THREADS) {
    float acc = 0.0f;
    for (int t = 0; t < len; t++) acc += s[t] * vc[(long long)t * kvDim + kvOff + d];
    o[d] = acc;
  }
}
