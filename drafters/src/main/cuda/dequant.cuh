// Element i of one weight row, for every weight type the CUDA backend multiplies with.
//
// The layouts are ggml's (ggml-common.h), exactly as the GGUF file stores them; the Java reference
// kernels (drafters tensor/ScalarBlockKernels, ScalarKQuantKernels) decode the same bytes. Each
// function computes the element from its index alone: simple rather than fast, so that it can be
// read against the reference and emulated on the host (CudaDequantEmulation in the tests repeats
// this arithmetic line for line). Rows start on an even byte, so every f16 is 2-byte aligned, but
// blocks of 18, 34 and 210 bytes are not 4-byte aligned: every multi-byte value is read bytewise.
#pragma once
#include <cuda_fp16.h>
#include <string.h>

// Every function is __host__ __device__: CudaDequantHostTest compiles this very header into a host
// program (src/test/cuda/dequant_host.cu) and checks it against the Java reference kernels.
#define DEQ __host__ __device__ __forceinline__

DEQ float bits_to_float(unsigned int bits) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(bits);
#else
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
#endif
}

DEQ float f16_at(const unsigned char* p) {
  unsigned short bits = (unsigned short)(p[0] | (p[1] << 8));
  return __half2float(__ushort_as_half(bits));
}

struct DeqF32 {
  DEQ static float at(const unsigned char* row, int i) {
    const unsigned char* p = row + 4 * (long long)i;
    unsigned int bits = p[0] | (p[1] << 8) | (p[2] << 16) | ((unsigned int)p[3] << 24);
    return bits_to_float(bits);
  }
};

struct DeqF16 {
  DEQ static float at(const unsigned char* row, int i) { return f16_at(row + 2 * (long long)i); }
};

struct DeqBF16 {
  DEQ static float at(const unsigned char* row, int i) {
    const unsigned char* p = row + 2 * (long long)i;
    unsigned int bits = (unsigned int)(p[0] | (p[1] << 8)) << 16;
    return bits_to_float(bits);
  }
};

// block_q8_0 {f16 d; int8 qs[32]}: element = qs[i] * d.
struct DeqQ8_0 {
  DEQ static float at(const unsigned char* row, int i) {
    const unsigned char* b = row + 34 * (long long)(i / 32);
    return (float)(signed char)b[2 + i % 32] * f16_at(b);
  }
};

// block_q4_0 {f16 d; u8 qs[16]}: element j < 16 is the low nibble of qs[j], element j >= 16 the
// high nibble of qs[j - 16]; value (q - 8) * d.
struct DeqQ4_0 {
  DEQ static float at(const unsigned char* row, int i) {
    const unsigned char* b = row + 18 * (long long)(i / 32);
    int j = i % 32;
    int q = j < 16 ? (b[2 + j] & 0x0F) : (b[2 + j - 16] >> 4);
    return (float)(q - 8) * f16_at(b);
  }
};

// get_scale_min_k4: the 6-bit scale and min of sub-block s (0..7) from the 12 packed bytes.
DEQ void scale_min_k4(const unsigned char* q, int s, int* sc, int* m) {
  if (s < 4) {
    *sc = q[s] & 63;
    *m = q[s + 4] & 63;
  } else {
    *sc = (q[s + 4] & 0x0F) | ((q[s - 4] >> 6) << 4);
    *m = (q[s + 4] >> 4) | ((q[s] >> 6) << 4);
  }
}

// block_q4_K {f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}: within a super-block, element j lies in
// 64-chunk c = j / 64 at l = j % 32; the low nibble of qs[32c + l] for the first 32 of the chunk
// (sub-block 2c), the high nibble for the next 32 (sub-block 2c + 1); value d*sc*q - dmin*m.
struct DeqQ4_K {
  DEQ static float at(const unsigned char* row, int i) {
    const unsigned char* b = row + 144 * (long long)(i / 256);
    int j = i % 256;
    int c = j / 64;
    int hi = (j / 32) & 1;
    int l = j % 32;
    int sc, m;
    scale_min_k4(b + 4, 2 * c + hi, &sc, &m);
    int byte = b[16 + 32 * c + l];
    int q = hi ? (byte >> 4) : (byte & 0x0F);
    return f16_at(b) * (float)sc * (float)q - f16_at(b + 2) * (float)m;
  }
};

// block_q5_K {f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}: Q4_K plus a fifth bit,
// bit (2c + hi) of qh[l].
struct DeqQ5_K {
  DEQ static float at(const unsigned char* row, int i) {
    const unsigned char* b = row + 176 * (long long)(i / 256);
    int j = i % 256;
    int c = j / 64;
    int hi = (j / 32) & 1;
    int l = j % 32;
    int sc, m;
    scale_min_k4(b + 4, 2 * c + hi, &sc, &m);
    int byte = b[48 + 32 * c + l];
    int q = (hi ? (byte >> 4) : (byte & 0x0F)) | (((b[16 + l] >> (2 * c + hi)) & 1) << 4);
    return f16_at(b) * (float)sc * (float)q - f16_at(b + 2) * (float)m;
  }
};

// block_q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}: two halves of 128; in half h, element
// 32k + l (k = 0..3) takes the low nibble (k < 2) or high nibble (k >= 2) of ql[64h + 32(k&1) + l],
// bits 2k, 2k+1 of qh[32h + l] on top, minus 32, times d * scales[8h + l/16 + 2k].
struct DeqQ6_K {
  DEQ static float at(const unsigned char* row, int i) {
    const unsigned char* b = row + 210 * (long long)(i / 256);
    int j = i % 256;
    int h = j / 128;
    int k = (j % 128) / 32;
    int l = j % 32;
    int byte = b[64 * h + 32 * (k & 1) + l];
    int low = k < 2 ? (byte & 0x0F) : (byte >> 4);
    int q = low | (((b[128 + 32 * h + l] >> (2 * k)) & 3) << 4);
    float scale = (float)(signed char)b[192 + 8 * h + l / 16 + 2 * k];
    return f16_at(b + 208) * scale * (float)(q - 32);
  }
};

// Dot products of 32-element groups: group g of a row is elements [32g, 32g + 32), and
// group(row, g, x) is their sum times x[0 .. 32) (x already offset to the group). The products of
// Q8_0, Q4_0, Q4_K and Q6_K (matmul_groups_* in matmul.cu) give a lane whole groups, so the scales
// are decoded once per group rather than once per element: the same sums, grouped (so within
// rounding of the per-element kernel), in a fraction of the instructions.
struct DotQ8_0 {
  DEQ static float group(const unsigned char* row, int g, const float* x) {
    const unsigned char* b = row + 34 * (long long)g;
    float s = 0.0f;
    for (int j = 0; j < 32; j++) s += (float)(signed char)b[2 + j] * x[j];
    return s * f16_at(b);
  }
};

struct DotQ4_0 {
  DEQ static float group(const unsigned char* row, int g, const float* x) {
    const unsigned char* b = row + 18 * (long long)g;
    float s = 0.0f;
    for (int j = 0; j < 16; j++) {
      int q = b[2 + j];
      s += (float)((q & 0x0F) - 8) * x[j] + (float)((q >> 4) - 8) * x[j + 16];
    }
    return s * f16_at(b);
  }
};

// Group g of a Q4_K row is sub-block s = g % 8 of super-block g / 8: chunk c = s / 2, the low
// (s even) or high (s odd) nibbles of qs[32c .. 32c + 32); d*sc*sum(q x) - dmin*m*sum(x).
struct DotQ4_K {
  DEQ static float group(const unsigned char* row, int g, const float* x) {
    const unsigned char* b = row + 144 * (long long)(g / 8);
    int s = g % 8;
    int c = s / 2;
    int hi = s & 1;
    int sc, m;
    scale_min_k4(b + 4, s, &sc, &m);
    float qx = 0.0f;
    float sx = 0.0f;
    for (int l = 0; l < 32; l++) {
      int byte = b[16 + 32 * c + l];
      qx += (float)(hi ? (byte >> 4) : (byte & 0x0F)) * x[l];
      sx += x[l];
    }
    return f16_at(b) * (float)sc * qx - f16_at(b + 2) * (float)m * sx;
  }
};

// Group g of a Q6_K row is elements 32k' .. of super-block g / 8 with k' = g % 8: half h = k' / 4,
// k = k' % 4, as in DeqQ6_K; its first 16 elements take scale l/16 = 0, the last 16 scale 1.
struct DotQ6_K {
  DEQ static float group(const unsigned char* row, int g, const float* x) {
    const unsigned char* b = row + 210 * (long long)(g / 8);
    int h = (g % 8) / 4;
    int k = g % 4;
    float sums[2] = {0.0f, 0.0f};
    for (int l = 0; l < 32; l++) {
      int byte = b[64 * h + 32 * (k & 1) + l];
      int low = k < 2 ? (byte & 0x0F) : (byte >> 4);
      int q = low | (((b[128 + 32 * h + l] >> (2 * k)) & 3) << 4);
      sums[l / 16] += (float)(q - 32) * x[l];
    }
    const unsigned char* sc = b + 192 + 8 * h + 2 * k;
    return f16_at(b + 208) * ((float)(signed char)sc[0] * sums[0] + (float)(signed char)sc[1] * sums[1]);
  }
};
