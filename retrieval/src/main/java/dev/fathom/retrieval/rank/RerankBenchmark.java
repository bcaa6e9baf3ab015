package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.search.Retriever;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latency of rankers per question ({@code fathom bench rerank}): for each ranker and each candidate
 * count, each question is retrieved (hybrid top {@code n}, not timed) and its candidates reranked
 * at once (timed), as in the question path: a fusion ranker fed by the retriever's lists ({@link
 * RecentSignals}) finds them. The first {@code warmup} questions warm the JIT and caches and are
 * not reported.
 */
public final class RerankBenchmark {

  /**
   * @param ranker the ranker's id
   * @param candidates candidates reranked per question
   * @param questions questions timed
   * @param p50Millis median time per question
   * @param p95Millis 95th percentile
   * @param cpuP50Millis median CPU time of the ranking thread per question: what the ranker itself
   *     costs, which a loaded machine inflates far less than the wall-clock time (a ranker that
   *     waits on other threads, such as a native library's pool, shows less here)
   */
  public record Row(
      String ranker,
      int candidates,
      int questions,
      double p50Millis,
      double p95Millis,
      double cpuP50Millis) {}

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private RerankBenchmark() {}

  /**
   * Times every ranker at every candidate count (the issue asks for 20 and 50).
   *
   * @throws IllegalArgumentException when there are no more questions than {@code warmup}
   */
  public static List<Row> run(
      List<String> questions, Retriever retriever, List<Ranker> rankers, int[] sizes, int warmup) {
    if (questions.size() <= warmup) {
      throw new IllegalArgumentException(
          "need more questions than the " + warmup + " warm-up ones, got " + questions.size());
    }
    List<Row> rows = new ArrayList<>();
    for (int n : sizes) {
      for (Ranker r : rankers) {
        long[] nanos = new long[questions.size() - warmup];
        long[] cpu = new long[nanos.length];
        for (int i = 0; i < questions.size(); i++) {
          List<Hit> candidates = retriever.search(questions.get(i), SearchMode.HYBRID, n);
          long c0 = CPU.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          r.rank(questions.get(i), candidates);
          long t1 = System.nanoTime();
          if (i >= warmup) {
            nanos[i - warmup] = t1 - t0;
            cpu[i - warmup] = CPU.getCurrentThreadCpuTime() - c0;
          }
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        rows.add(
            new Row(
                r.kind().id(),
                n,
                nanos.length,
                nanos[nanos.length / 2] / 1e6,
                nanos[Math.min(nanos.length - 1, (int) Math.ceil(nanos.length * 0.95) - 1)] / 1e6,
                cpu[cpu.length / 2] / 1e6));
      }
    }
    return rows;
  }
}
