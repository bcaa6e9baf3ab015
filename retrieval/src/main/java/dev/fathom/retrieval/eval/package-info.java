/**
 * Offline evaluation: BEIR-layout test collections, ranking metrics computed as trec_eval and BEIR
 * compute them, and SQuAD answer matching.
 *
 * <p>The BEIR layout is described in Thakur et al., "BEIR: A Heterogeneous Benchmark for Zero-shot
 * Evaluation of Information Retrieval Models" (NeurIPS 2021 Datasets and Benchmarks).
 */
package dev.fathom.retrieval.eval;
