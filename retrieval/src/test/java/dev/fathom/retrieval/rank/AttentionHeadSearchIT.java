package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.engine.AttentionRecorder;
import dev.fathom.drafters.engine.LlamaSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exploration behind docs/ranking.md's choice of heads and aggregation for stories260K: per query
 * row and head, the share of the row's passage attention that lands on each passage. Heads are
 * chosen on one set of seeded needle trials and reported on another (so the choice is not fitted to
 * the trials it is reported on). Prints only; {@code -Dfathom.rank.attention.search=true}.
 */
class AttentionHeadSearchIT {

  static final int N = AttentionRankerIT.N;

  @org.junit.jupiter.api.BeforeAll
  static void load() throws Exception {
    AttentionRankerIT.load();
  }

  @org.junit.jupiter.api.AfterAll
  static void close() {
    AttentionRankerIT.close();
  }

  /**
   * [layer][head][row][passage] attention mass; [layer][head][row][token] weights over the passage
   * region; each passage's [start, end) in the region.
   */
  record Rows(double[][][][] mass, float[][][][] weights, int[] starts, int[] ends) {}

  static Rows rows(String question, List<String> passages, String asked) {
    var model = AttentionRankerIT.model;
    int[] header = model.promptTokens(AttentionRanker.INSTRUCTION);
    int[] lead = model.tokenizer().encode(AttentionRanker.QUESTION);
    int[] q = model.tokenizer().encode(asked.strip());
    int[] tokens = Arrays.copyOf(lead, lead.length + q.length);
    System.arraycopy(q, 0, tokens, lead.length, q.length);
    List<int[]> blocks = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      blocks.add(model.tokenizer().encode("[" + (i + 1) + "] " + passages.get(i).strip() + "\n"));
    }
    int[] starts = new int[N];
    int[] ends = new int[N];
    int at = header.length;
    List<Integer> prefix = new ArrayList<>();
    for (int t : header) prefix.add(t);
    for (int i = 0; i < N; i++) {
      starts[i] = at;
      for (int t : blocks.get(i)) prefix.add(t);
      at += blocks.get(i).length;
      ends[i] = at;
    }
    LlamaSequence seq = model.engine().newSequence();
    seq.forward(prefix.stream().mapToInt(Integer::intValue).toArray(), false);
    int layers = model.engine().config().layers();
    int heads = model.engine().config().heads();
    int first = lead.length;
    double[][][][] mass = new double[layers][heads][tokens.length - first][N];
    int from = header.length;
    int region = at - from;
    float[][][][] weights = new float[layers][heads][tokens.length - first][region];
    seq.forward(
        tokens,
        false,
        new AttentionRecorder() {
          @Override
          public boolean wants(int index) {
            return index >= first;
          }

          @Override
          public void record(int layer, int head, int index, float[] w, int length) {
            double[] m = mass[layer][head][index - first];
            System.arraycopy(w, from, weights[layer][head][index - first], 0, region);
            for (int p = 0; p < N; p++) {
              double s = 0;
              for (int t = starts[p]; t < ends[p]; t++) s += w[t];
              m[p] = s;
            }
          }
        });
    int[] s = new int[N];
    int[] e = new int[N];
    for (int p = 0; p < N; p++) {
      s[p] = starts[p] - from;
      e[p] = ends[p] - from;
    }
    return new Rows(mass, weights, s, e);
  }

  /** Per head: mean over rows of the share of each passage in the row's passage mass. */
  static double[][][] share(Rows r) {
    int layers = r.mass().length;
    int heads = r.mass()[0].length;
    double[][][] out = new double[layers][heads][N];
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        double[][] rows = r.mass()[l][h];
        for (double[] row : rows) {
          double total = Arrays.stream(row).sum();
          if (total <= 0) continue;
          for (int p = 0; p < N; p++) out[l][h][p] += row[p] / total / rows.length;
        }
      }
    }
    return out;
  }

  /** Per head: mean over rows of raw passage mass (ICR's mean, at passage level). */
  static double[][][] mean(Rows r) {
    int layers = r.mass().length;
    int heads = r.mass()[0].length;
    double[][][] out = new double[layers][heads][N];
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        double[][] rows = r.mass()[l][h];
        for (double[] row : rows) for (int p = 0; p < N; p++) out[l][h][p] += row[p] / rows.length;
      }
    }
    return out;
  }

  /**
   * Per head: the attention of consecutive question rows to consecutive passage tokens, Σ_i Σ_t
   * a_i(t)·a_{i+1}(t+1) within each passage — how much the question is read as a copy of it.
   */
  static double[][][] diagonal(Rows r, boolean renormalise) {
    int layers = r.weights().length;
    int heads = r.weights()[0].length;
    double[][][] out = new double[layers][heads][N];
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        float[][] rows = r.weights()[l][h];
        double[] norm = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
          double t = 0;
          for (float v : rows[i]) t += v;
          norm[i] = renormalise && t > 0 ? 1 / t : 1;
        }
        for (int i = 0; i + 1 < rows.length; i++) {
          for (int p = 0; p < N; p++) {
            double d = 0;
            for (int t = r.starts()[p]; t + 1 < r.ends()[p]; t++) {
              d += rows[i][t] * norm[i] * rows[i + 1][t + 1] * norm[i + 1];
            }
            out[l][h][p] += d;
          }
        }
      }
    }
    return out;
  }

  static double[][][] minus(double[][][] a, double[][][] b) {
    double[][][] out = new double[a.length][a[0].length][N];
    for (int l = 0; l < a.length; l++)
      for (int h = 0; h < a[0].length; h++)
        for (int p = 0; p < N; p++) out[l][h][p] = a[l][h][p] - b[l][h][p];
    return out;
  }

  /** Trial → [aggregation][layer][head][passage] calibrated scores, and the needle. */
  record Scored(double[][][][] byAggregation, int needle) {}

  static final String[] AGGREGATIONS = {"mean", "share", "diagonal", "diagonal-share"};

  static List<Scored> score(long fromSeed, int trials) {
    List<Scored> out = new ArrayList<>();
    for (long seed = fromSeed; seed < fromSeed + trials; seed++) {
      NeedleStories.Trial t = NeedleStories.trial(seed, N);
      Rows real = rows(t.question(), t.passages(), t.question());
      Rows free = rows(t.question(), t.passages(), AttentionSettings.CONTENT_FREE);
      out.add(
          new Scored(
              new double[][][][] {
                minus(mean(real), mean(free)),
                minus(share(real), share(free)),
                diagonal(real, false),
                diagonal(real, true)
              },
              t.needle()));
    }
    return out;
  }

  static double p1(List<Scored> trials, int aggregation, boolean[][] heads) {
    int hit = 0;
    for (Scored s : trials) {
      double[] sum = new double[N];
      double[][][] a = s.byAggregation()[aggregation];
      for (int l = 0; l < a.length; l++)
        for (int h = 0; h < a[0].length; h++)
          if (heads[l][h]) for (int p = 0; p < N; p++) sum[p] += a[l][h][p];
      if (AttentionRankerIT.argmax(sum) == s.needle()) hit++;
    }
    return hit / (double) trials.size();
  }

  @Test
  void chooseOnSomeTrialsReportOnOthers() {
    assumeTrue(
        Boolean.getBoolean("fathom.rank.attention.search"),
        "set -Dfathom.rank.attention.search=true to run");
    int layers = AttentionRankerIT.model.engine().config().layers();
    int heads = AttentionRankerIT.model.engine().config().heads();
    List<Scored> choose = score(0, 300);
    List<Scored> report = score(50_000, 300);
    for (int agg = 0; agg < AGGREGATIONS.length; agg++) {
      double[][] perHead = new double[layers][heads];
      StringBuilder sb = new StringBuilder("HEADS " + AGGREGATIONS[agg] + " (choose set):\n");
      for (int l = 0; l < layers; l++) {
        sb.append("layer ").append(l).append(':');
        for (int h = 0; h < heads; h++) {
          boolean[][] one = new boolean[layers][heads];
          one[l][h] = true;
          perHead[l][h] = p1(choose, agg, one);
          sb.append(String.format(" %.3f", perHead[l][h]));
        }
        sb.append('\n');
      }
      boolean[][] all = new boolean[layers][heads];
      for (boolean[] row : all) Arrays.fill(row, true);
      sb.append(
          String.format(
              "all heads: choose %.3f report %.3f%n", p1(choose, agg, all), p1(report, agg, all)));
      for (int l = 0; l < layers; l++) {
        boolean[][] layer = new boolean[layers][heads];
        Arrays.fill(layer[l], true);
        sb.append(
            String.format(
                "layer %d: choose %.3f report %.3f%n",
                l, p1(choose, agg, layer), p1(report, agg, layer)));
      }
      // The k best heads on the choose set, summed.
      List<int[]> order = new ArrayList<>();
      for (int l = 0; l < layers; l++) for (int h = 0; h < heads; h++) order.add(new int[] {l, h});
      order.sort((a, b) -> Double.compare(perHead[b[0]][b[1]], perHead[a[0]][a[1]]));
      for (int k : new int[] {1, 2, 3, 4, 6, 8, 12}) {
        boolean[][] top = new boolean[layers][heads];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < k; i++) {
          top[order.get(i)[0]][order.get(i)[1]] = true;
          names.add(order.get(i)[0] + "." + order.get(i)[1]);
        }
        sb.append(
            String.format(
                "top %d heads %s: choose %.3f report %.3f%n",
                k, names, p1(choose, agg, top), p1(report, agg, top)));
      }
      System.out.print(sb);
    }
  }
}
