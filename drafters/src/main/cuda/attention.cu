// Causal grouped-query attention over the device KV cache (Vaswani et al. 2017, eq. 1; GQA,
// Ainslie et al. 2023), for decode (n = 1) and for a batch of n positions (prefill, speculative
// verification): query row i sits at position start + i and attends to positions 0 .. start + i.
//
// Split over positions as FlashDecoding does (Dao et al. 2023), so a long context keeps every SM
// busy even at batch 1: attention_partial's block (h, i, c) takes query head h of row i over the
// positions [c * chunk, (c + 1) * chunk) and leaves that chunk's maximum score m_c, its sum
// l_c = sum exp(s - m_c) and its unnormalised output o_c = sum exp(s - m_c) v; attention_combine's
// block (h, i) rescales them to the global maximum M (out = sum_c exp(m_c - M) o_c / L with
// L = sum_c exp(m_c - M) l_c) and turns the raw scores into the softmax weights, which the host
// copies back for an AttentionSink. Launch plans: dev.fathom.drafters.compute.cuda.LaunchPlans.
// Simple rather than fast: no tiling, and the scores go through global memory.
//
// Cache layout: layer l starts layerOffset = l * capacity * kvDim floats into keys and values,
// and its position t's key is at [t * kvDim .. + kvDim) from there, values alike. (The offset is
// an argument rather than host-side pointer arithmetic, so no offset pointer reaches a kernel.)
// Scores: row (i * heads + h) of `stride` floats. Partials: (i * heads + h) * splits + c, each
// [m, l, o[0 .. headSize)).

#define ATTENTION_THREADS 128
#define ATTENTION_CHUNK 256

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

// chunk <= ATTENTION_CHUNK (the host passes ATTENTION_CHUNK; tests emulate smaller ones).
extern "C" __global__ void attention_partial(const float* q, const float* keys,
                                             const float* values, long long layerOffset,
                                             float* scores, float* partials, int start, int heads,
                                             int kvHeads, int headSize, float scale, int stride,
                                             int chunk) {
  __shared__ float partial[ATTENTION_THREADS];
  __shared__ float weight[ATTENTION_CHUNK];
  int h = blockIdx.x;
  int i = blockIdx.y;
  int c = blockIdx.z;
  int len = start + i + 1;
  int from = c * chunk;
  int to = min(len, from + chunk);  // from >= to: an empty chunk past this row's end
  int kvDim = kvHeads * headSize;
  int kvOff = (h / (heads / kvHeads)) * headSize;
  const float* kc = keys + layerOffset;
  const float* vc = values + layerOffset;
  const float* qr = q + (long long)i * heads * headSize + (long long)h * headSize;
  float* s = scores + ((long long)i * heads + h) * stride;
  float* part = partials + (((long long)i * heads + h) * gridDim.z + c) * (headSize + 2);

  // Scores: a warp per position, its lanes over the head's dimensions, so a key row is read in
  // one coalesced sweep; lane 0 keeps the warp's positions' maximum. (The loop's bounds are the
  // same for every lane of a warp, as the shuffle needs.)
  int warp = threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  float localMax = -INFINITY;
  for (int t = from + warp; t < to; t += ATTENTION_THREADS / 32) {
    const float* k = kc + (long long)t * kvDim + kvOff;
    float dot = 0.0f;
    for (int d = lane; d < headSize; d += 32) dot += qr[d] * k[d];
    for (int off = 16; off > 0; off /= 2) dot += __shfl_down_sync(0xffffffffu, dot, off);
    if (lane == 0) {
      s[t] = dot * scale;
      localMax = fmaxf(localMax, s[t]);
    }
  }
  float m = block_reduce(localMax, partial, true);  // its barriers also publish s[]
  float localSum = 0.0f;
  for (int t = from + threadIdx.x; t < to; t += ATTENTION_THREADS) {
    weight[t - from] = expf(s[t] - m);
    localSum += weight[t - from];
  }
  float l = block_reduce(localSum, partial, false);  // its barriers also publish weight[]
  for (int d = threadIdx.x; d < headSize; d += ATTENTION_THREADS) {
    float acc = 0.0f;
    for (int t = from; t < to; t++) acc += weight[t - from] * vc[(long long)t * kvDim + kvOff + d];
    part[2 + d] = acc;
  }
  if (threadIdx.x == 0) {
    part[0] = m;  // -INFINITY for an empty chunk, whose l and o are 0
    part[1] = l;
  }
}

extern "C" __global__ void attention_combine(const float* partials, float* scores, float* out,
                                             int start, int heads, int headSize, int stride,
                                             int splits) {
  int h = blockIdx.x;
  int i = blockIdx.y;
  int len = start + i + 1;
  long long row = (long long)i * heads + h;
  const float* p = partials + row * splits * (headSize + 2);
  float M = -INFINITY;
  for (int c = 0; c < splits; c++) M = fmaxf(M, p[c * (headSize + 2)]);
  float L = 0.0f;  // every thread sums the few partials itself: no reduction needed
  for (int c = 0; c < splits; c++) L += p[c * (headSize + 2) + 1] * expf(p[c * (headSize + 2)] - M);
  float* o = out + row * headSize;  // = i * (heads * headSize) + h * headSize
  for (int d = threadIdx.x; d < headSize; d += ATTENTION_THREADS) {
    float acc = 0.0f;
    for (int c = 0; c < splits; c++) {
      acc += p[c * (headSize + 2) + 2 + d] * expf(p[c * (headSize + 2)] - M);
    }
    o[d] = acc / L;
  }
  float* s = scores + row * stride;
  for (int t = threadIdx.x; t < len; t += ATTENTION_THREADS) s[t] = expf(s[t] - M) / L;
}
