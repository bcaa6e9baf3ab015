package dev.fathom.retrieval.rank;

import dev.fathom.drafters.engine.AttentionRecorder;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.retrieval.Hit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Attention-based in-context ranking: no generation, one prefill. The prompt is ICR's layout (Chen
 * et al., ICLR 2025): an instruction, the passages as numbered blocks, then the question; a
 * passage's score is the attention the question's tokens pay to its tokens, summed over layers and
 * heads and calibrated by the same pass with a content-free query ({@link AttentionScores}). The
 * passages' KV cache is computed once and shared by both queries (the sequence is cut back to the
 * end of the passages between them), so the cost is one prefill of the candidates plus two short
 * question passes.
 *
 * <p>BlockRank (arXiv 2510.05396) reads the same signal at one middle layer of a fine-tuned model
 * with a block-sparse mask in which a passage sees only the instruction and itself, every passage
 * at the same positions; {@link AttentionSettings#blocks()} gives that structure without a mask by
 * reading each passage in its own pass after the shared instruction (so no passage scores by its
 * place in the list). Without BlockRank's fine-tune, {@link AttentionSettings#layers()} can
 * restrict the sum to the layers (or {@link AttentionSettings#heads()} to the heads) that carry the
 * copying signal of the model at hand (see docs/ranking.md for stories260K).
 *
 * <p>Needs the in-JVM engine ({@link LocalLanguageModel}); an OpenAI-compatible server exposes no
 * attention.
 */
public final class AttentionRanker implements Ranker {

  static final String INSTRUCTION = "Here are some paragraphs:";
  static final String QUESTION =
      "Please answer the following question based on the information in the paragraphs above."
          + " Query:";

  private final LocalLanguageModel model;
  private final AttentionSettings settings;

  public AttentionRanker(LocalLanguageModel model, AttentionSettings settings) {
    this.model = Objects.requireNonNull(model, "model");
    this.settings = Objects.requireNonNull(settings, "settings");
    int layers = model.engine().config().layers();
    int heads = model.engine().config().heads();
    for (int l : settings.layers()) {
      if (l >= layers) {
        throw new IllegalArgumentException(
            "layer " + l + " does not exist: the model has layers 0.." + (layers - 1));
      }
    }
    for (AttentionSettings.Head h : settings.heads()) {
      if (h.layer() >= layers || h.head() >= heads) {
        throw new IllegalArgumentException(
            "head "
                + h.layer()
                + "."
                + h.head()
                + " does not exist: the model has layers 0.."
                + (layers - 1)
                + " of heads 0.."
                + (heads - 1));
      }
    }
  }

  @Override
  public RankerKind kind() {
    return RankerKind.ATTENTION;
  }

  @Override
  public Ranking rank(String question, List<Hit> candidates) {
    Ranking.requireQuestion(question);
    if (candidates.size() < 2)
      return Ranking.retrievalOrder(candidates, "attention: nothing to order");
    List<String> texts = candidates.stream().map(h -> h.passage().text()).toList();
    AttentionScores a = score(question, texts);
    double[] s = a.passageScores(settings.filter(), settings.calibrate());
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < s.length; i++) {
      notes.add(
          String.format("attention mass %.4f over %d tokens", s[i], a.ends()[i] - a.starts()[i]));
    }
    return Ranking.byScore(
        candidates,
        s,
        notes,
        "attention: "
            + model.name()
            + ", "
            + settings.describe()
            + (settings.calibrate()
                ? ", calibrated by '" + AttentionSettings.CONTENT_FREE + "'"
                : ""));
  }

  /** Runs the passes and returns the raw per-head attention (for analysis and tests). */
  public AttentionScores score(String question, List<String> passages) {
    int[] header = model.promptTokens(INSTRUCTION);
    int[] lead = model.tokenizer().encode(QUESTION);
    int[] q = concat(lead, List.of(model.tokenizer().encode(question.strip())));
    int[] na = concat(lead, List.of(model.tokenizer().encode(AttentionSettings.CONTENT_FREE)));
    LlamaSequence seq = model.engine().newSequence();
    int room = seq.capacity() - header.length - Math.max(q.length, na.length) - 1;
    int perPassage =
        Math.min(
            settings.passageTokens(),
            settings.blocks() ? room : room / Math.max(1, passages.size()));
    if (perPassage < 4) {
      throw new IllegalArgumentException(
          passages.size()
              + " passages do not fit the model's "
              + seq.capacity()
              + " positions with the question; rank fewer candidates");
    }
    List<int[]> blocks = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      int[] t = model.tokenizer().encode("[" + (i + 1) + "] " + passages.get(i).strip() + "\n");
      blocks.add(t.length > perPassage ? Arrays.copyOf(t, perPassage) : t);
    }
    int[] starts = new int[blocks.size()];
    int[] ends = new int[blocks.size()];
    int region = 0;
    for (int i = 0; i < blocks.size(); i++) {
      starts[i] = region;
      region += blocks.get(i).length;
      ends[i] = region;
    }
    int layers = model.engine().config().layers();
    int heads = model.engine().config().heads();
    float[][][] query = new float[layers][heads][region];
    float[][][] free = settings.calibrate() ? new float[layers][heads][region] : null;
    if (settings.blocks()) {
      // BlockRank's structure: every passage sees the instruction and itself, at the same
      // positions; the instruction's KV cache is computed once and kept between passages.
      seq.forward(header, false);
      for (int i = 0; i < blocks.size(); i++) {
        seq.truncate(header.length);
        seq.forward(blocks.get(i), false);
        passes(
            seq, q, na, lead.length, header.length, blocks.get(i).length, query, free, starts[i]);
      }
    } else {
      seq.forward(concat(header, blocks), false);
      passes(seq, q, na, lead.length, header.length, region, query, free, 0);
    }
    return new AttentionScores(query, free, starts, ends);
  }

  /**
   * The question's pass and, when calibrating, the content-free one from the same cache (cut back
   * to where the question started), each adding the attention over {@code span} tokens from
   * position {@code from} into its array at {@code at}.
   */
  private void passes(
      LlamaSequence seq,
      int[] q,
      int[] na,
      int firstRow,
      int from,
      int span,
      float[][][] query,
      float[][][] free,
      int at) {
    int end = seq.length();
    pass(seq, q, firstRow, from, span, query, at);
    if (free != null) {
      seq.truncate(end);
      pass(seq, na, firstRow, from, span, free, at);
    }
  }

  /**
   * Forwards {@code tokens} and adds the mean attention of their rows from {@code firstRow} on (the
   * question's own tokens, after the fixed lead-in) to {@code acc}.
   */
  private static void pass(
      LlamaSequence seq, int[] tokens, int firstRow, int from, int span, float[][][] acc, int at) {
    float share = 1f / (tokens.length - firstRow);
    AttentionRecorder recorder =
        new AttentionRecorder() {
          @Override
          public boolean wants(int index) {
            return index >= firstRow;
          }

          @Override
          public void record(int layer, int head, int index, float[] weights, int length) {
            float[] a = acc[layer][head];
            synchronized (a) {
              for (int t = 0; t < span; t++) a[at + t] += weights[from + t] * share;
            }
          }
        };
    seq.forward(tokens, false, recorder);
  }

  private static int[] concat(int[] header, List<int[]> blocks) {
    int n = header.length + blocks.stream().mapToInt(b -> b.length).sum();
    int[] out = Arrays.copyOf(header, n);
    int at = header.length;
    for (int[] b : blocks) {
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    return out;
  }
}
