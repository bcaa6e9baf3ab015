// Stand-in for CUDA's cuda_fp16.h when kernels_host.cpp compiles the kernels with a plain C++
// compiler: only what dequant.cuh uses, with IEEE half -> float conversion in software.
#pragma once
#include <cstring>

struct __half {
  unsigned short bits;
};

inline __half __ushort_as_half(unsigned short b) { return __half{b}; }

inline float __half2float(__half h) {
  unsigned int sign = (h.bits & 0x8000u) << 16;
  unsigned int exp = (h.bits >> 10) & 0x1F;
  unsigned int man = h.bits & 0x3FF;
  unsigned int bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (man << 13);  // inf, nan
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);  // normal: rebias 15 -> 127
  } else if (man == 0) {
    bits = sign;  // zero
  } else {  // subnormal half: normalise
    int e = -1;
    do {
      man <<= 1;
      e++;
    } while ((man & 0x400) == 0);
    bits = sign | ((112 - e) << 23) | ((man & 0x3FF) << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}
