package dev.fathom.retrieval.parse;

import dev.fathom.retrieval.meta.DocumentMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML: the visible text of {@code <body>}, with a blank line between blocks. jsoup's own {@code
 * text()} joins paragraphs, headings and list items into one line, which leaves the sentence
 * splitter nothing to cut a heading off its paragraph with.
 */
final class HtmlParser implements FormatParser {

  /** Elements whose content is code, styling or navigation chrome rather than document text. */
  private static final String NOT_CONTENT = "script, style, nav, noscript, template";

  private static final Set<String> BLOCKS =
      Set.of(
          "p",
          "div",
          "li",
          "h1",
          "h2",
          "h3",
          "h4",
          "h5",
          "h6",
          "tr",
          "pre",
          "section",
          "article",
          "ul",
          "ol",
          "dl",
          "dt",
          "dd",
          "table",
          "blockquote",
          "header",
          "footer",
          "main",
          "aside",
          "figure",
          "figcaption",
          "hr",
          "form",
          "fieldset",
          "address",
          "details",
          "summary");

  @Override
  public ParsedDocument parse(String fileName, byte[] content) {
    Document doc = Jsoup.parse(Utf8Text.decode(fileName, content));
    DocumentMetadata meta = meta(doc);
    doc.select(NOT_CONTENT).remove();
    return new ParsedDocument(title(doc, fileName), bodyText(doc), meta);
  }

  /**
   * {@code <meta name="author" content="Ann">} (and {@code property=}, as Open Graph writes it) as
   * metadata; {@code keywords} split on commas. Names that are not legal metadata keys, and
   * technical ones (viewport, charset), are skipped.
   */
  private static DocumentMetadata meta(Document doc) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Element m : doc.select("meta[content]")) {
      String name = m.hasAttr("name") ? m.attr("name") : m.attr("property");
      String content = m.attr("content").strip();
      if (name.isBlank()
          || content.isEmpty()
          || IGNORED_META.contains(name.toLowerCase(java.util.Locale.ROOT))) continue;
      if (content.length() > DocumentMetadata.MAX_VALUE_CHARS) continue;
      String key;
      try {
        key = DocumentMetadata.key(name.replace(':', '.'));
      } catch (IllegalArgumentException e) {
        continue;
      }
      List<String> values = out.computeIfAbsent(key, k -> new ArrayList<>());
      if (key.equals("keywords")) {
        for (String w : content.split(",")) if (!w.isBlank()) values.add(w.strip());
      } else {
        values.add(content);
      }
      if (values.isEmpty() || values.size() > DocumentMetadata.MAX_VALUES) out.remove(key);
      if (out.size() >= DocumentMetadata.MAX_KEYS) break;
    }
    return new DocumentMetadata(out);
  }

  private static final Set<String> IGNORED_META =
      Set.of("viewport", "charset", "generator", "robots", "theme-color", "referrer");

  private static String title(Document doc, String fileName) {
    String title = doc.title().strip();
    if (!title.isEmpty()) return title;
    Element h1 = doc.selectFirst("h1");
    if (h1 != null && !h1.text().isBlank()) return h1.text().strip();
    return Utf8Text.baseName(fileName);
  }

  private static String bodyText(Document doc) {
    BlockText out = new BlockText();
    NodeTraversor.traverse(
        new NodeVisitor() {
          private int preDepth;

          @Override
          public void head(Node node, int depth) {
            if (node instanceof TextNode t) {
              if (preDepth > 0) out.preformatted(t.getWholeText());
              else out.text(t.text());
            } else if (node instanceof Element e) {
              if (e.normalName().equals("pre")) preDepth++;
              if (e.normalName().equals("br")) out.lineBreak();
              else if (BLOCKS.contains(e.normalName())) out.blockBreak();
            }
          }

          @Override
          public void tail(Node node, int depth) {
            if (node instanceof Element e) {
              if (e.normalName().equals("pre")) preDepth--;
              if (BLOCKS.contains(e.normalName())) out.blockBreak();
              else if (e.normalName().equals("td") || e.normalName().equals("th")) out.text(" ");
            }
          }
        },
        doc.body());
    return out.toString();
  }

  /**
   * Accumulates text with collapsed whitespace. Breaks are held back until more text arrives, so
   * nested blocks yield one blank line, not several, and the text never starts or ends with one.
   */
  private static final class BlockText {
    private final StringBuilder sb = new StringBuilder();
    private int pendingNewlines;

    void text(String s) {
      if (s.isEmpty()) return;
      if (pendingNewlines > 0) {
        s = s.stripLeading();
        if (s.isEmpty()) return;
        trimTrailingSpaces();
        if (!sb.isEmpty()) sb.append("\n".repeat(pendingNewlines));
        pendingNewlines = 0;
      } else if (Character.isWhitespace(s.charAt(0))
          && (sb.isEmpty() || Character.isWhitespace(sb.charAt(sb.length() - 1)))) {
        s = s.stripLeading();
      }
      sb.append(s);
    }

    void preformatted(String s) {
      String lines = Utf8Text.normaliseLineEndings(s);
      if (lines.isBlank()) return;
      if (pendingNewlines > 0) {
        trimTrailingSpaces();
        if (!sb.isEmpty()) sb.append("\n".repeat(pendingNewlines));
        pendingNewlines = 0;
        lines = lines.replaceFirst("\\A\\n+", "");
      }
      sb.append(lines);
    }

    void lineBreak() {
      pendingNewlines = Math.min(2, pendingNewlines + 1);
    }

    void blockBreak() {
      pendingNewlines = 2;
    }

    private void trimTrailingSpaces() {
      int end = sb.length();
      while (end > 0 && Character.isWhitespace(sb.charAt(end - 1))) end--;
      sb.setLength(end);
    }

    @Override
    public String toString() {
      trimTrailingSpaces();
      return sb.toString();
    }
  }
}
