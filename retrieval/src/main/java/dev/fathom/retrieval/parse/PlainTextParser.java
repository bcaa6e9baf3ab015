package dev.fathom.retrieval.parse;

/**
 * Plain text: the text as written; the first line is the title when it is short enough to be one.
 */
final class PlainTextParser implements FormatParser {

  /** A first line this long is a paragraph, not a title. */
  static final int MAX_TITLE_CHARS = 120;

  @Override
  public ParsedDocument parse(String fileName, byte[] content) {
    String text = Utf8Text.decode(fileName, content);
    return new ParsedDocument(title(text, fileName), text);
  }

  private static String title(String text, String fileName) {
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()) {
        return trimmed.length() < MAX_TITLE_CHARS ? trimmed : Utf8Text.baseName(fileName);
      }
    }
    return Utf8Text.baseName(fileName);
  }
}
