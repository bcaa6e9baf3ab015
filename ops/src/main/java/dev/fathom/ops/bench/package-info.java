/**
 * Benchmarks and the engine tooling they need: the engine and llama.cpp decode/prefill runs, RAPID
 * speculative workloads, memory-bandwidth probes, the serve-mode throughput benchmark and synthetic
 * random-weight models ({@link dev.fathom.ops.bench.SyntheticLlama}).
 */
package dev.fathom.ops.bench;
