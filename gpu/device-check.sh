#!/usr/bin/env bash
# The prepared GPU device check (docs/gpu.md, issue 16).
#
#   gpu/device-check.sh bundle            build Fathom, then write gpu/bundle/ (runtime, jars, models)
#   gpu/device-check.sh assemble [DIR]    write the bundle from an existing build (no Maven)
#   gpu/device-check.sh verify [DIR]      check a bundle's contents and size
#   gpu/device-check.sh run OUT_DIR [--backend cuda|cpu] [--quick] [--budget S] ...
#                                         on the GPU machine: unpack the runtime, run the check,
#                                         write OUT_DIR/device-check.json (+ step logs)
#
# The GPU machine has no JDK and no network, and takes at most 64 MiB of working tree with it, so
# the bundle carries a jlink'd Java 25 runtime (.tgz) and only the jars of the engine path.
# FATHOM_GPU_BUNDLE overrides the bundle folder (default gpu/bundle, ignored by git).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE="${FATHOM_GPU_BUNDLE:-$ROOT/gpu/bundle}"
MAX_BUNDLE_MIB=60   # the bundle's own limit
MAX_TREE_MIB=64     # what travels to the device: tracked + untracked-not-ignored files + the bundle
# Modules of the runtime: the engine (Vector API), JCuda (java.logging), the garbage-collection count
# (java.management) and per-thread CPU clocks (jdk.management) of `bench speculative`, Unsafe users
# (jdk.unsupported). jdeps on the bundle's jars adds java.net.http (only the OpenAI client in
# drafters, not on the check's path) and, for Jackson, optional java.desktop/java.sql types that
# plain maps and lists never load; `run --quick` from the bundle proves the list is enough.
MODULES="java.base,jdk.incubator.vector,java.logging,java.management,jdk.management,jdk.unsupported"
# The jars of the engine path, as file-name patterns under ops/target/lib (fathom.jar is the ops
# module itself: the device check and the benchmark classes it reuses).
JARS=(fathom-drafters-*.jar fathom-memory-*.jar jackson-databind-*.jar jackson-core-*.jar
  jackson-annotations-*.jar slf4j-api-*.jar)
OPTIONAL_JARS=(jcuda-[0-9]*.jar)
MODELS=("$ROOT/../shared/models/stories260K/stories260K.gguf"
  "$ROOT/../shared/models/tiny-random-llama/llama-2-tiny-random.gguf")

die() { echo "device-check: $*" >&2; exit 1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
size_of() { du -sb "$1" | cut -f1; }

jdk() {
  local j="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  [[ -x "$j/bin/jlink" ]] || die "needs a JDK 25 with jlink (set JAVA_HOME; found none at $j)"
  echo "$j"
}

cmd_bundle() {
  local j; j="$(jdk)"
  echo "device-check: building Fathom (mvn -pl ops -am package -DskipTests)..." >&2
  (cd "$ROOT" && JAVA_HOME="$j" mvn -B -ntp -q -pl ops -am package -DskipTests) \
    || die "the build failed"
  # An SLF4J provider that needs no XML parser (logback would pull java.xml into the runtime).
  local api; api="$(ls "$ROOT"/ops/target/lib/slf4j-api-*.jar | head -n 1)"
  local v; v="$(basename "$api" .jar)"; v="${v#slf4j-api-}"
  (cd "$ROOT" && JAVA_HOME="$j" mvn -B -ntp -q dependency:copy \
    -Dartifact="org.slf4j:slf4j-simple:$v" -DoutputDirectory="$ROOT/ops/target/gpu-lib") \
    || echo "device-check: no slf4j-simple $v; the engine's log lines will be dropped" >&2
  cmd_assemble "$BUNDLE"
}

# jcuda-natives without the NVRTC and PTX-compiler bindings (25 MB; the backend compiles PTX with
# nvcc at build time and loads it through the driver API, which needs libJCudaDriver alone).
repack_natives() {
  local src="$1" dst="$2" j="$3" tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && "$j/bin/jar" xf "$src")
  rm -f "$tmp"/lib/libJNvPTXCompiler-* "$tmp"/lib/libJNvrtc-*
  "$j/bin/jar" --create --file "$dst" --manifest "$tmp/META-INF/MANIFEST.MF" -C "$tmp" lib
  rm -rf "$tmp"
}

cmd_assemble() {
  local out="${1:-$BUNDLE}" j lib="$ROOT/ops/target/lib" p f
  j="$(jdk)"
  [[ -f "$ROOT/ops/target/fathom.jar" && -d "$lib" ]] \
    || die "no build at ops/target (run: gpu/device-check.sh bundle)"
  rm -rf "$out"
  mkdir -p "$out/lib" "$out/models"
  cp "$ROOT/ops/target/fathom.jar" "$out/lib/fathom-ops.jar"
  for p in "${JARS[@]}"; do
    f="$(ls "$lib"/$p 2>/dev/null | head -n 1)" || true
    [[ -n "$f" ]] || die "no $p in ops/target/lib"
    cp "$f" "$out/lib/"
  done
  for p in "${OPTIONAL_JARS[@]}"; do
    f="$(ls "$lib"/$p 2>/dev/null | head -n 1)" || true
    if [[ -n "$f" ]]; then cp "$f" "$out/lib/"; else
      echo "device-check: no $p in the build: the CUDA backend is not in it yet" >&2; fi
  done
  f="$(ls "$lib"/jcuda-natives-*-linux-x86_64.jar 2>/dev/null | head -n 1)" || true
  [[ -n "$f" ]] && repack_natives "$f" "$out/lib/$(basename "$f")" "$j"
  f="$(ls "$ROOT"/ops/target/gpu-lib/slf4j-simple-*.jar 2>/dev/null | head -n 1)" || true
  [[ -z "$f" ]] && f="$(ls ~/.m2/repository/org/slf4j/slf4j-simple/*/slf4j-simple-2*.jar 2>/dev/null \
    | sort -V | tail -n 1)" || true
  [[ -n "$f" ]] && cp "$f" "$out/lib/"
  for f in "${MODELS[@]}"; do
    [[ -f "$f" ]] || die "missing test model $f (../shared/models)"
    cp "$f" "$out/models/"
  done
  echo "device-check: jlink ($MODULES)..." >&2
  local stage; stage="$(mktemp -d)"
  "$j/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-9 --output "$stage/runtime"
  if command -v strip >/dev/null; then
    strip --strip-unneeded "$stage/runtime/lib/server/libjvm.so"
  else
    echo "device-check: no strip(1); libjvm.so keeps its symbols (about 5 MiB more)" >&2
  fi
  tar -C "$stage" -czf "$out/runtime.tgz" runtime
  rm -rf "$stage"
  { echo "modules: $MODULES"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "ptx (in the drafters jar): $("$j/bin/jar" tf "$(compgen -G "$out/lib/fathom-drafters-*.jar" \
      | head -n 1)" | grep '\.ptx$' | tr '\n' ' ')"
    (cd "$out" && find . -type f ! -name MANIFEST.txt -printf '%P %s\n' | sort)
  } >"$out/MANIFEST.txt"
  cmd_verify "$out"
  local rel="${out#"$ROOT"/}"
  echo
  echo "Bundle ready: $rel ($(mib "$(size_of "$out")") MiB)."
  echo "On the GPU machine (device tool), from the repository root:"
  echo "  carry:     [\"$rel\"]"
  echo "  command:   gpu/device-check.sh run \$OUT"
  echo "  timeout_s: 600"
  echo "The JSON comes back as \$OUT/device-check.json (docs/gpu.md explains its fields)."
}

cmd_verify() {
  local out="${1:-$BUNDLE}" f p bytes tree
  [[ -d "$out" ]] || die "no bundle at $out"
  [[ -f "$out/runtime.tgz" ]] || die "$out has no runtime.tgz"
  tar -tzf "$out/runtime.tgz" runtime/bin/java >/dev/null 2>&1 || die "runtime.tgz has no runtime/bin/java"
  [[ -f "$out/lib/fathom-ops.jar" ]] || die "$out/lib has no fathom-ops.jar"
  for p in "${JARS[@]}"; do
    compgen -G "$out/lib/$p" >/dev/null || die "$out/lib has no $p"
  done
  for f in stories260K.gguf llama-2-tiny-random.gguf; do
    [[ -f "$out/models/$f" ]] || die "$out/models has no $f"
  done
  # Nothing of the server stack: the check must run on the engine's jars alone.
  for p in lucene kafka pekko onnxruntime scala-library logback djl; do
    if compgen -G "$out/lib/*$p*" >/dev/null; then die "$out/lib holds a $p jar"; fi
  done
  bytes="$(size_of "$out")"
  (( bytes <= MAX_BUNDLE_MIB * 1048576 )) \
    || die "the bundle is $(mib "$bytes") MiB, over its $MAX_BUNDLE_MIB MiB"
  if git -C "$ROOT" rev-parse >/dev/null 2>&1; then
    tree="$( (cd "$ROOT" && { git ls-files -z; git ls-files -z --others --exclude-standard; } \
      | xargs -0 -r stat -c %s 2>/dev/null) | awk '{ s += $1 } END { print s + 0 }')"
    (( tree + bytes <= MAX_TREE_MIB * 1048576 )) \
      || die "working tree $(mib "$tree") MiB + bundle $(mib "$bytes") MiB exceed $MAX_TREE_MIB MiB"
    echo "device-check: bundle $(mib "$bytes") MiB (limit $MAX_BUNDLE_MIB), with the working" \
      "tree $(mib $((tree + bytes))) MiB (limit $MAX_TREE_MIB)" >&2
  fi
  if ! compgen -G "$out/lib/jcuda-[0-9]*.jar" >/dev/null; then
    echo "device-check: note: no JCuda jar, so this bundle can only run --backend cpu" >&2
  else
    # The kernels travel as PTX resources inside the drafters jar.
    local jar="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jar" ptx
    if [[ -x "$jar" ]]; then
      ptx="$("$jar" tf "$(compgen -G "$out/lib/fathom-drafters-*.jar" | head -n 1)" \
        | grep -c '^dev/fathom/drafters/compute/cuda/.*\.ptx$' || true)"
      (( ptx > 0 )) || die "the drafters jar holds no CUDA PTX (dev/fathom/drafters/compute/cuda/*.ptx)"
      echo "device-check: $ptx PTX modules in the drafters jar" >&2
    fi
  fi
}

cmd_run() {
  local out="${1:-}"
  [[ -n "$out" ]] || die "usage: gpu/device-check.sh run OUT_DIR [--backend cuda|cpu] [--quick] ..."
  shift
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  [[ -f "$BUNDLE/runtime.tgz" ]] || die "no bundle at $BUNDLE (carry gpu/bundle; build it with: gpu/device-check.sh bundle)"
  local work="${FATHOM_GPU_WORK:-${TMPDIR:-/tmp}/fathom-device-check}"
  mkdir -p "$work"
  rm -rf "$work/runtime"
  tar -C "$work" -xzf "$BUNDLE/runtime.tgz"
  local java="$work/runtime/bin/java" cp rc=0
  cp="$(ls "$BUNDLE"/lib/*.jar | tr '\n' ':')"
  cp "$BUNDLE/MANIFEST.txt" "$out/bundle-manifest.txt" 2>/dev/null || true
  command -v nvidia-smi >/dev/null && nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true
  "$java" -version 2>&1 | head -n 1 >&2
  timeout --kill-after=10 580 "$java" --add-modules=jdk.incubator.vector \
    --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -cp "$cp" dev.fathom.ops.gpu.DeviceCheck --out "$out" --models "$BUNDLE/models" \
    --work "$work/steps" "$@" || rc=$?
  # One file for every step's log (the device returns at most 8 files).
  for f in "$work"/steps/*.log; do
    [[ -f "$f" ]] && { echo "===== $(basename "$f")"; tail -c 20000 "$f"; }
  done >"$out/device-check-steps.log" 2>/dev/null || true
  echo "device-check: exit $rc; results in $out/device-check.json" >&2
  return "$rc"
}

case "${1:-}" in
  bundle) shift; cmd_bundle "$@" ;;
  assemble) shift; cmd_assemble "$@" ;;
  verify) shift; cmd_verify "$@" ;;
  run) shift; cmd_run "$@" ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
