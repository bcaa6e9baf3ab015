// Host harness for dequant.cuh (CudaDequantHostTest): decodes every element of `rows` rows of `cols`
// weights of one type with the very functions the kernels use, compiled for the CPU.
//   dequant_host TYPE ROWS COLS IN.bin OUT.bin
// IN holds the rows as the GGUF stores them; OUT receives rows * cols little-endian floats.
//   dequant_host dot TYPE ROWS COLS IN.bin X.bin OUT.bin
// OUT receives each row's product with the COLS floats of X by the group dot products.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../main/cuda/dequant.cuh"

template <typename Deq>
static void decode(const unsigned char* w, long long rowBytes, int rows, int cols, float* out) {
  for (int r = 0; r < rows; r++)
    for (int i = 0; i < cols; i++) out[(long long)r * cols + i] = Deq::at(w + r * rowBytes, i);
}

// Row r times x with the group dot products, summed per lane and then over lanes as the
// matmul_groups kernel's warp does (lane l takes groups l, l + 32, ...; the shuffle tree sums them).
template <typename Dot>
static void dot_rows(const unsigned char* w, long long rowBytes, int rows, int cols, const float* x,
                     float* out) {
  for (int r = 0; r < rows; r++) {
    float lanes[32];
    for (int lane = 0; lane < 32; lane++) {
      lanes[lane] = 0.0f;
      for (int g = lane; g < cols / 32; g += 32)
        lanes[lane] += Dot::group(w + r * rowBytes, g, x + g * 32);
    }
    for (int off = 16; off > 0; off /= 2)
      for (int lane = 0; lane < 32; lane++)  // ascending: lane + off is read before it is written
        lanes[lane] += lane + off < 32 ? lanes[lane + off] : lanes[lane];
    out[r] = lanes[0];
  }
}

static int dot_main(char** argv) {  // dot TYPE ROWS COLS W.bin X.bin OUT.bin
  const char* type = argv[2];
  int rows = atoi(argv[3]);
  int cols = atoi(argv[4]);
  FILE* in = fopen(argv[5], "rb");
  FILE* xf = fopen(argv[6], "rb");
  if (!in || !xf) return 3;
  fseek(in, 0, SEEK_END);
  long size = ftell(in);
  fseek(in, 0, SEEK_SET);
  unsigned char* w = (unsigned char*)malloc(size);
  float* x = (float*)malloc(sizeof(float) * cols);
  if (fread(w, 1, size, in) != (size_t)size || fread(x, sizeof(float), cols, xf) != (size_t)cols)
    return 4;
  float* out = (float*)malloc(sizeof(float) * rows);
  if (!strcmp(type, "Q8_0")) dot_rows<DotQ8_0>(w, size / rows, rows, cols, x, out);
  else if (!strcmp(type, "Q4_0")) dot_rows<DotQ4_0>(w, size / rows, rows, cols, x, out);
  else if (!strcmp(type, "Q4_K")) dot_rows<DotQ4_K>(w, size / rows, rows, cols, x, out);
  else if (!strcmp(type, "Q6_K")) dot_rows<DotQ6_K>(w, size / rows, rows, cols, x, out);
  else return 5;
  FILE* o = fopen(argv[7], "wb");
  if (!o || fwrite(out, sizeof(float), rows, o) != (size_t)rows) return 6;
  fclose(o);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 8 && !strcmp(argv[1], "dot")) return dot_main(argv);
  if (argc != 6) {
    fprintf(stderr, "usage: dequant_host TYPE ROWS COLS IN OUT\n");
    return 2;
  }
  const char* type = argv[1];
  int rows = atoi(argv[2]);
  int cols = atoi(argv[3]);
  FILE* in = fopen(argv[4], "rb");
  if (!in) return 3;
  fseek(in, 0, SEEK_END);
  long size = ftell(in);
  fseek(in, 0, SEEK_SET);
  unsigned char* w = (unsigned char*)malloc(size);
  if (fread(w, 1, size, in) != (size_t)size) return 4;
  fclose(in);
  long long rowBytes = size / rows;
  float* out = (float*)malloc(sizeof(float) * rows * cols);
  if (!strcmp(type, "F32")) decode<DeqF32>(w, rowBytes, rows, cols, out);
  else if (!strcmp(type, "F16")) decode<DeqF16>(w, rowBytes, rows, cols, out);
  else if (!strcmp(type, "BF16")) decode<DeqBF16>(w, rowBytes, rows, cols, out);
  else if (!strcmp(type, "Q8_0")) decode<DeqQ8_0>(w, rowBytes, rows, cols, out);
  else if (!strcmp(type, "Q4_0")) decode<DeqQ4_0>(w, rowBytes, rows, cols, out);
  else if (!strcmp(type, "Q4_K")) decode<DeqQ4_K>(w, rowBytes, rows, cols, out);
  else if (!strcmp(type, "Q5_K")) decode<DeqQ5_K>(w, rowBytes, rows, cols, out);
  else if (!strcmp(type, "Q6_K")) decode<DeqQ6_K>(w, rowBytes, rows, cols, out);
  else {
    fprintf(stderr, "unknown type %s\n", type);
    return 5;
  }
  FILE* o = fopen(argv[5], "wb");
  if (!o || fwrite(out, sizeof(float), (size_t)rows * cols, o) != (size_t)rows * cols) return 6;
  fclose(o);
  return 0;
}
