package dev.fathom.compressors.recomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A span of a candidate sentence ({@link ClauseCutter}): the unit the trained compressor scores and
 * keeps. It carries its sentence, whose MiniLM vector and features it shares (spans are not
 * embedded: a question's ~100 spans would cost three times the sentences' embedding time).
 *
 * @param sentence the candidate sentence it was cut from
 * @param sentenceIndex index of that sentence among the question's candidates
 * @param start offset of the span inside {@code sentence.text()}
 * @param end end offset (exclusive) inside {@code sentence.text()}
 * @param piece 0-based position among its sentence's spans
 * @param pieces how many spans its sentence was cut into; 1 for a whole sentence (uncut, or offered
 *     whole besides its spans, {@link ClauseCutter#alsoWhole}), which follows its spans
 */
public record CandidateSpan(
    CandidateSentence sentence, int sentenceIndex, int start, int end, int piece, int pieces) {
  public CandidateSpan {
    Objects.requireNonNull(sentence, "sentence");
    if (start < 0 || end <= start || end > sentence.text().length()) {
      throw new IllegalArgumentException(
          "span must satisfy 0 <= start < end <= "
              + sentence.text().length()
              + ", got ["
              + start
              + ", "
              + end
              + ")");
    }
    if (piece < 0 || piece >= pieces) {
      throw new IllegalArgumentException("piece must be in [0, " + pieces + "), got " + piece);
    }
  }

  /**
   * The spans of {@code sentences}, sentence by sentence, each sentence's in reading order, then
   * the whole sentence when the cutter offers it.
   */
  public static List<CandidateSpan> of(List<CandidateSentence> sentences, ClauseCutter cutter) {
    List<CandidateSpan> out = new ArrayList<>();
    for (int s = 0; s < sentences.size(); s++) {
      CandidateSentence c = sentences.get(s);
      List<int[]> cut = cutter.cut(c.text());
      for (int p = 0; p < cut.size(); p++) {
        out.add(new CandidateSpan(c, s, cut.get(p)[0], cut.get(p)[1], p, cut.size()));
      }
      if (cutter.alsoWhole() && cut.size() > 1) {
        out.add(new CandidateSpan(c, s, cut.getFirst()[0], cut.getLast()[1], 0, 1));
      }
    }
    return out;
  }

  public String text() {
    return sentence.text().substring(start, end);
  }

  /** Whether the span begins its sentence. */
  public boolean first() {
    return piece == 0;
  }

  /** Whether the span ends its sentence. */
  public boolean last() {
    return piece == pieces - 1;
  }

  /** Offset of the span inside its passage's text. */
  public int passageStart() {
    return sentence.span().start() + start;
  }

  /** End offset (exclusive) of the span inside its passage's text. */
  public int passageEnd() {
    return sentence.span().start() + end;
  }
}
