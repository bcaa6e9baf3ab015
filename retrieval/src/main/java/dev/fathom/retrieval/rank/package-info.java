/**
 * The ranking stage between retrieval and compression: a {@link dev.fathom.retrieval.rank.Ranker}
 * reorders the retrieved candidates for one question.
 *
 * <ul>
 *   <li>{@link dev.fathom.retrieval.rank.ListwiseRanker} — RankGPT (Sun et al., "Is ChatGPT Good at
 *       Search?", EMNLP 2023): the language model writes a permutation, slid over the list from the
 *       bottom up.
 *   <li>{@link dev.fathom.retrieval.rank.AttentionRanker} — in-context re-ranking from attention
 *       (ICR, Chen et al., ICLR 2025; BlockRank, arXiv 2510.05396): one prefill, a passage scores
 *       the attention the question pays it, calibrated by a content-free query.
 *   <li>{@link dev.fathom.retrieval.rank.FusionRanker} — learned fusion of the signals retrieval
 *       already has, trained with XGBoost's LambdaMART objective ({@link
 *       dev.fathom.retrieval.rank.RankerTraining}).
 * </ul>
 *
 * Evaluation: {@link dev.fathom.retrieval.rank.RerankEvaluation}; latency: {@link
 * dev.fathom.retrieval.rank.RerankBenchmark}. See docs/ranking.md.
 */
package dev.fathom.retrieval.rank;
