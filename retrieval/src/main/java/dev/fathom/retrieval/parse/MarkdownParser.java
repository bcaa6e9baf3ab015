package dev.fathom.retrieval.parse;

import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.meta.FrontMatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown is kept as written, so that passage offsets point into what the author wrote and the
 * sentence splitter can use headings and list markers as boundaries. Only YAML front matter is
 * removed: it is metadata, not prose, and becomes the document's {@link DocumentMetadata} ({@link
 * FrontMatter}).
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
    String raw = Utf8Text.decode(fileName, content);
    String text = stripFrontMatter(raw);
    DocumentMetadata meta =
        text.length() == raw.length()
            ? DocumentMetadata.EMPTY
            : FrontMatter.parse(raw.substring(raw.indexOf('\n') + 1, raw.length() - text.length()));
    return new ParsedDocument(title(text, fileName), text, meta);
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
