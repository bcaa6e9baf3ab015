package dev.fathom.retrieval.parse;

import java.util.List;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Block;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;

/**
 * Markdown rendered to the plain text a reader sees (CommonMark, through commonmark-java): no
 * {@code #}, {@code **}, link targets or fences, a blank line between blocks. Each rendered
 * character keeps the position where it was written, so a passage cut from the plain text cites the
 * right characters of the file ({@link SourceOffsets}).
 *
 * <p>Positions come from commonmark's source spans; within a span, rendered characters are matched
 * to source characters in order, which skips what rendering removed (a backslash of an escape, the
 * body of an entity, a link's target) without knowing each construct.
 */
final class MarkdownText {

  /**
   * How far ahead a rendered character is looked for in its source: further than any markup
   * rendering drops (a link target, an entity), and a bound on the work per character.
   */
  private static final int MAX_SKIP = 2048;

  private static final Parser PARSER =
      Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES).build();

  /** The rendered text and where each of its characters was written. */
  record Rendered(String text, SourceOffsets offsets) {}

  private final String source;
  private final int base;
  private final StringBuilder out = new StringBuilder();
  private int[] start = new int[64];
  private int[] end = new int[64];
  private int lastEnd;

  private MarkdownText(String source, int base) {
    this.source = source;
    this.base = base;
  }

  /**
   * @param markdown the Markdown to render (front matter already removed)
   * @param base where {@code markdown} begins in the file (the length of its front matter)
   */
  static Rendered render(String markdown, int base) {
    MarkdownText r = new MarkdownText(markdown, base);
    PARSER.parse(markdown).accept(r.new Walker());
    int n = r.out.length();
    return new Rendered(
        r.out.toString(),
        SourceOffsets.of(java.util.Arrays.copyOf(r.start, n), java.util.Arrays.copyOf(r.end, n)));
  }

  private final class Walker extends AbstractVisitor {
    @Override
    public void visit(Paragraph p) {
      block(p);
    }

    @Override
    public void visit(Heading h) {
      block(h);
    }

    @Override
    public void visit(Text t) {
      aligned(t.getLiteral(), t.getSourceSpans());
    }

    @Override
    public void visit(Code c) {
      aligned(c.getLiteral(), c.getSourceSpans());
    }

    @Override
    public void visit(SoftLineBreak b) {
      // A wrapped line inside a paragraph reads as one line in a passage.
      separator(" ");
    }

    @Override
    public void visit(HardLineBreak b) {
      separator("\n");
    }

    @Override
    public void visit(HtmlInline h) {
      // A tag is markup; the text around it is visited on its own.
    }

    @Override
    public void visit(HtmlBlock h) {
      blockBreak();
      aligned(Jsoup.parse(h.getLiteral()).text(), h.getSourceSpans());
      blockBreak();
    }

    @Override
    public void visit(FencedCodeBlock f) {
      List<SourceSpan> spans = f.getSourceSpans();
      // The first span is the opening fence; the last one the closing fence, when there is one.
      int to = f.getClosingFenceLength() != null ? spans.size() - 1 : spans.size();
      blockBreak();
      aligned(trimNewline(f.getLiteral()), spans.subList(Math.min(1, to), Math.max(1, to)));
      blockBreak();
    }

    @Override
    public void visit(IndentedCodeBlock c) {
      blockBreak();
      aligned(trimNewline(c.getLiteral()), c.getSourceSpans());
      blockBreak();
    }

    private void block(Block b) {
      blockBreak();
      visitChildren(b);
      blockBreak();
    }
  }

  private boolean pendingBreak;

  private void blockBreak() {
    pendingBreak = true;
  }

  /**
   * Appends {@code literal}, matching its characters in order to the characters of {@code spans}.
   */
  private void aligned(String literal, List<SourceSpan> spans) {
    if (literal.isEmpty()) return;
    flushBreak();
    int span = 0;
    int pos = spans.isEmpty() ? -1 : spans.getFirst().getInputIndex();
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      int found = -1;
      int s = span, p = pos;
      int budget = MAX_SKIP; // a character rendering made up is not searched for to the end
      while (s < spans.size() && budget > 0) {
        SourceSpan sp = spans.get(s);
        int from = Math.max(p, sp.getInputIndex());
        int to = Math.min(sp.getInputIndex() + sp.getLength(), from + budget);
        budget -= Math.max(0, to - from);
        for (int q = from; q < to; q++) {
          if (source.charAt(q) == c) {
            found = q;
            break;
          }
        }
        if (found >= 0) break;
        s++;
        p = -1;
      }
      if (found >= 0) {
        span = s;
        pos = found + 1;
        append(c, base + found, base + found + 1);
      } else {
        // Rendering made this character (a line break inside code, an entity's replacement):
        // it takes no room of its own in the source.
        append(c, lastEnd, lastEnd);
      }
    }
  }

  private void separator(String s) {
    for (int i = 0; i < s.length(); i++) append(s.charAt(i), lastEnd, lastEnd);
  }

  private void flushBreak() {
    if (pendingBreak && !out.isEmpty()) separator("\n\n");
    pendingBreak = false;
  }

  private void append(char c, int from, int to) {
    int n = out.length();
    if (n == start.length) {
      start = java.util.Arrays.copyOf(start, n * 2);
      end = java.util.Arrays.copyOf(end, n * 2);
    }
    // Source positions only move forward, so any span of the rendered text maps to one range.
    from = Math.max(from, lastEnd);
    to = Math.max(to, from);
    out.append(c);
    start[n] = from;
    end[n] = to;
    lastEnd = to;
  }

  private static String trimNewline(String literal) {
    return literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
  }
}
