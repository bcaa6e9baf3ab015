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
 * compression_rate} = tokens_compressed / tokens_top5; the empty-evidence rates of selective
 * augmentation ({@code empty_rate}, and split by whether a judged-relevant passage was in the top
 * five: {@code empty_rate_gold_retrieved}, {@code empty_rate_gold_missed}); and the compressor's
 * time per question ({@code compress_ms_p50}, {@code compress_ms_p95}, retrieval excluded).
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
    long goldIn = 0, empty = 0, emptyGoldIn = 0;
    double[] millis = new double[queries.size()];
    for (int i = 0; i < queries.size(); i++) {
      BeirDataset.Query q = queries.get(i);
      List<Hit> hits = retriever.search(q.text(), mode, TOP);
      String top = hits.stream().map(h -> h.passage().text()).collect(Collectors.joining("\n"));
      long start = System.nanoTime();
      Evidence ev = compressor.compress(q.text(), hits);
      millis[i] = (System.nanoTime() - start) / 1e6;
      Map<String, Integer> qrels = dataset.qrels(q.id());
      boolean gold = hits.stream().anyMatch(h -> qrels.getOrDefault(h.passage().source(), 0) > 0);
      if (gold) goldIn++;
      if (ev.isEmpty()) {
        empty++;
        if (gold) emptyGoldIn++;
      }
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
    // Selective augmentation: how often the evidence is empty when retrieval found the gold
    // paragraph (a loss) and when it did not (the point of returning nothing).
    out.put("empty_rate", empty / n);
    out.put("empty_rate_gold_retrieved", goldIn == 0 ? 0 : (double) emptyGoldIn / goldIn);
    long goldOut = queries.size() - goldIn;
    out.put("empty_rate_gold_missed", goldOut == 0 ? 0 : (double) (empty - emptyGoldIn) / goldOut);
    java.util.Arrays.sort(millis);
    out.put("compress_ms_p50", millis[millis.length / 2]);
    out.put("compress_ms_p95", millis[Math.min(millis.length - 1, millis.length * 95 / 100)]);
    out.put("queries", n);
    return out;
  }
}
