#!/usr/bin/env bash
# Regenerates the committed PTX of the CUDA backend from the .cu sources beside this script:
#   drafters/src/main/cuda/build-ptx.sh [OUT_DIR]
# OUT_DIR defaults to the resources the backend loads (src/main/resources/dev/fathom/drafters/
# compute/cuda); CudaPtxInSyncTest runs this script into target/ and compares. Needs nvcc
# (NVCC=/path/to/nvcc, default /usr/local/bin/nvcc, else the one on PATH).
#
# -arch=compute_75: PTX for the virtual Turing architecture, which the driver JIT-compiles for
# any GPU from sm_75 on (Turing, Ampere, Ada, Hopper, Blackwell). The PTX ISA version in the
# .version line is nvcc's (9.0 for nvcc 13), and a driver only loads PTX up to its own ISA
# version: 9.0 needs driver 580 (CUDA 13.0) or newer. See docs/engine.md, "CUDA backend".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../resources/dev/fathom/drafters/compute/cuda}"
nvcc="${NVCC:-/usr/local/bin/nvcc}"
[ -x "$nvcc" ] || nvcc="$(command -v nvcc)"
mkdir -p "$out"
for cu in "$here"/*.cu; do
  name="$(basename "$cu" .cu)"
  "$nvcc" -arch=compute_75 -ptx "$cu" -o "$out/$name.ptx"
done
