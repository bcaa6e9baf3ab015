package dev.fathom.compressors.recomp;

import dev.fathom.compressors.EvidenceSentence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns kept spans back into text a person can read: the spans of one sentence become one evidence
 * entry, in passage order, and wherever the sentence was cut, an ellipsis ({@value #ELLIPSIS})
 * stands for what was left out: before a span that does not start its sentence, between two spans
 * that are not adjacent, after a span that does not end it. Adjacent spans are rejoined with the
 * sentence's own text between them.
 *
 * <p>Each ellipsis is one model token, and it is counted: the compression rate is measured on the
 * text the compressor hands on ({@link #markers}, shared by the compressor and the training).
 */
final class SpanEvidence {

  static final String ELLIPSIS = "\u2026";

  private SpanEvidence() {}

  /**
   * The evidence entries of the {@code kept} spans, in reading order (source, offset).
   *
   * @param probability each span's probability; an entry scores its best span's
   */
  static List<EvidenceSentence> assemble(
      List<CandidateSpan> spans, List<Integer> kept, double[] probability) {
    List<Integer> reading = new ArrayList<>(kept);
    reading.sort(
        Comparator.comparingInt((Integer i) -> spans.get(i).sentence().sourceOrder())
            .thenComparingInt(i -> spans.get(i).sentence().offset())
            .thenComparingInt(i -> spans.get(i).sentenceIndex())
            .thenComparingInt(i -> spans.get(i).piece()));
    List<EvidenceSentence> out = new ArrayList<>();
    int from = 0;
    while (from < reading.size()) {
      int to = from + 1;
      CandidateSpan first = spans.get(reading.get(from));
      while (to < reading.size()
          && spans.get(reading.get(to)).sentenceIndex() == first.sentenceIndex()) {
        to++;
      }
      StringBuilder text = new StringBuilder();
      if (!first.first()) text.append(ELLIPSIS).append(' ');
      double score = 0;
      CandidateSpan previous = null;
      for (int k = from; k < to; k++) {
        CandidateSpan s = spans.get(reading.get(k));
        score = Math.max(score, probability[reading.get(k)]);
        if (previous == null) {
          text.append(s.text());
        } else if (s.piece() == previous.piece() + 1) {
          text.append(s.sentence().text(), previous.end(), s.end());
        } else {
          text.append(' ').append(ELLIPSIS).append(' ').append(s.text());
        }
        previous = s;
      }
      if (!previous.last()) text.append(' ').append(ELLIPSIS);
      out.add(
          new EvidenceSentence(
              text.toString(),
              first.sentence().passage(),
              first.passageStart(),
              previous.passageEnd(),
              (float) score));
      from = to;
    }
    return out;
  }

  /**
   * How many ellipses the kept spans are shown with.
   *
   * @param sentence per span: index of its sentence
   * @param piece per span: its position in its sentence
   * @param pieces per span: the number of spans of its sentence
   */
  static int markers(int[] sentence, int[] piece, int[] pieces, List<Integer> kept) {
    List<Integer> order = new ArrayList<>(kept);
    order.sort(Comparator.comparingInt((Integer i) -> sentence[i]).thenComparingInt(i -> piece[i]));
    int markers = 0;
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      boolean opens = k == 0 || sentence[order.get(k - 1)] != sentence[i];
      boolean closes = k == order.size() - 1 || sentence[order.get(k + 1)] != sentence[i];
      if (opens && piece[i] > 0) markers++;
      if (!opens && piece[i] > piece[order.get(k - 1)] + 1) markers++;
      if (closes && piece[i] < pieces[i] - 1) markers++;
    }
    return markers;
  }

  /** {@link #markers} of spans. */
  static int markers(List<CandidateSpan> spans, List<Integer> kept) {
    int n = spans.size();
    int[] sentence = new int[n], piece = new int[n], pieces = new int[n];
    for (int i = 0; i < n; i++) {
      sentence[i] = spans.get(i).sentenceIndex();
      piece[i] = spans.get(i).piece();
      pieces[i] = spans.get(i).pieces();
    }
    return markers(sentence, piece, pieces, kept);
  }
}
