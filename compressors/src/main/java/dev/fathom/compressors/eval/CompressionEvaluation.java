package dev.fathom.compressors.eval;

import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.eval.AnswerMatch;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.search.Retriever;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * Measures what RECOMP-style compression keeps (RECOMP §4 reports end-task accuracy against tokens
 * kept; without a reader model Fathom measures the precondition: does the evidence still contain a
 * gold answer?). For each query with gold answers: retrieve the top {@link #TOP} passages,
 * compress, and check both for an answer string (SQuAD normalisation).
 *
 * <p>Reported: {@code answer_recall_top5}, {@code answer_recall_compressed} (fractions of queries),
 * {@code tokens_top5}, {@code tokens_compressed} (means, all-MiniLM-L6-v2 word pieces) and {@code
 * compression_rate} = tokens_compressed / tokens_top5.
 */
public final class CompressionEvaluation {

  public static final int TOP = 5;

  private CompressionEvaluation() {}

  public static Map<String, Double> evaluate(
      BeirDataset dataset,
      Retriever retriever,
      SearchMode mode,
      ContextCompressor compressor,
      IntConsumer progress) {
    List<BeirDataset.Query> queries =
        dataset.queries().stream().filter(q -> !q.answers().isEmpty()).toList();
    if (queries.isEmpty()) {
      throw new IllegalArgumentException(
          "no query of the dataset carries \"answers\": compression evaluation needs them");
    }
    long inTop = 0, inCompressed = 0, tokensTop = 0, tokensCompressed = 0;
    for (int i = 0; i < queries.size(); i++) {
      BeirDataset.Query q = queries.get(i);
      List<Hit> hits = retriever.search(q.text(), mode, TOP);
      String top = hits.stream().map(h -> h.passage().text()).collect(Collectors.joining("\n"));
      Evidence ev = compressor.compress(q.text(), hits);
      String kept =
          ev.sentences().stream().map(EvidenceSentence::text).collect(Collectors.joining("\n"));
      if (AnswerMatch.containsAny(top, q.answers())) inTop++;
      if (AnswerMatch.containsAny(kept, q.answers())) inCompressed++;
      tokensTop += ev.inputTokens();
      tokensCompressed += ev.tokens();
      progress.accept(i + 1);
    }
    double n = queries.size();
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("answer_recall_top5", inTop / n);
    out.put("answer_recall_compressed", inCompressed / n);
    out.put("tokens_top5", tokensTop / n);
    out.put("tokens_compressed", tokensCompressed / n);
    out.put("compression_rate", tokensTop == 0 ? 0 : (double) tokensCompressed / tokensTop);
    out.put("queries", n);
    return out;
  }
}
