package dev.fathom.retrieval.parse;

import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.meta.FrontMatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown is shown as the prose a reader sees ({@link MarkdownText}: no heading hashes, emphasis
 * stars or link targets, a blank line between blocks), while passage offsets stay those of the file
 * as written, front matter included. YAML front matter is not prose: it is left out of the text and
 * becomes the document's {@link DocumentMetadata} ({@link FrontMatter}).
 */
final class MarkdownParser implements FormatParser {

  /** Front matter: a first line of {@code ---}, closed by a line of {@code ---} or {@code ...}. */
  private static final Pattern FRONT_MATTER =
      Pattern.compile("\\A---[ \\t]*\\n.*?\\n(?:---|\\.\\.\\.)[ \\t]*(?:\\n+|\\z)", Pattern.DOTALL);

  /** An ATX level-one heading; trailing closing hashes are decoration. */
  private static final Pattern H1 = Pattern.compile("^ {0,3}# +(.*?)(?:\\s+#+)?\\s*$");

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~).*");

  @Override
  public ParsedDocument parse(String fileName, byte[] content) {
    String source = Utf8Text.decode(fileName, content);
    String text = stripFrontMatter(source);
    DocumentMetadata meta =
        text.length() == source.length()
            ? DocumentMetadata.EMPTY
            : FrontMatter.parse(
                source.substring(source.indexOf('\n') + 1, source.length() - text.length()));
    // Passages show the prose without markup; offsets stay those of the file (MarkdownText).
    MarkdownText.Rendered plain = MarkdownText.render(text, source.length() - text.length());
    return new ParsedDocument(title(text, fileName), plain.text(), meta, plain.offsets());
  }

  static String stripFrontMatter(String text) {
    Matcher m = FRONT_MATTER.matcher(text);
    return m.lookingAt() ? text.substring(m.end()) : text;
  }

  private static String title(String text, String fileName) {
    // A "# comment" inside a fenced code block is a shell comment, not a heading.
    boolean inFence = false;
    for (String line : text.split("\n")) {
      if (FENCE.matcher(line).matches()) {
        inFence = !inFence;
        continue;
      }
      if (inFence) continue;
      Matcher m = H1.matcher(line);
      if (m.matches() && !m.group(1).isBlank()) return m.group(1).strip();
    }
    return Utf8Text.baseName(fileName);
  }
}
