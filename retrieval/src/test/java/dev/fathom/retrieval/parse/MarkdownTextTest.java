package dev.fathom.retrieval.parse;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.text.TextSpan;
import org.junit.jupiter.api.Test;

/** Markdown shown without markup, with every character still pointing where it was written. */
class MarkdownTextTest {

  private static final String SOURCE =
      "# Setup *guide*\n\n"
          + "Run **make** and read [the manual](https://example.org/m) \\* carefully, Tom &amp; Ann.\n"
          + "Wrapped line.\n\n"
          + "- first item\n"
          + "- second `code` item\n\n"
          + "```bash\nmake install\n```\n";

  @Test
  void rendersTheProseWithoutMarkup() {
    String text = MarkdownText.render(SOURCE, 0).text();
    assertEquals(
        "Setup guide\n\n"
            + "Run make and read the manual * carefully, Tom & Ann. Wrapped line.\n\n"
            + "first item\n\n"
            + "second code item\n\n"
            + "make install",
        text);
  }

  @Test
  void everyWrittenCharacterMapsToItselfInTheSource() {
    MarkdownText.Rendered r = MarkdownText.render(SOURCE, 0);
    String text = r.text();
    for (int i = 0; i < text.length(); i++) {
      TextSpan at = r.offsets().toSource(new TextSpan(i, i + 1));
      if (at.length() == 1 && text.charAt(i) != ' ' && text.charAt(i) != '\n') {
        assertEquals(text.charAt(i), SOURCE.charAt(at.start()), "character " + i);
      }
    }
  }

  @Test
  void aSpanOfPlainTextCitesTheMarkdownAsWritten() {
    MarkdownText.Rendered r = MarkdownText.render(SOURCE, 0);
    int from = r.text().indexOf("make and read");
    int to = r.text().indexOf("manual") + "manual".length();
    TextSpan at = r.offsets().toSource(new TextSpan(from, to));
    assertEquals("make** and read [the manual", SOURCE.substring(at.start(), at.end()));

    int code = r.text().indexOf("make install");
    TextSpan block = r.offsets().toSource(new TextSpan(code, code + "make install".length()));
    assertEquals("make install", SOURCE.substring(block.start(), block.end()));
  }

  @Test
  void offsetsIncludeTheFrontMatterTheTextLeavesOut() {
    String front = "---\ntitle: x\n---\n";
    String file = front + "Hello **world**.\n";
    ParsedDocument doc =
        DocumentParsers.parse("a.md", file.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("Hello world.", doc.text());
    TextSpan at = doc.offsets().toSource(new TextSpan(6, 11));
    assertEquals("world", file.substring(at.start(), at.end()));
  }

  @Test
  void entitiesAndHtmlBlocksKeepTheirText() {
    MarkdownText.Rendered r =
        MarkdownText.render("<div>\n<b>Bold</b> words\n</div>\n\nA &copy; sign.\n", 0);
    assertEquals("Bold words\n\nA © sign.", r.text());
  }

  @Test
  void offsetsMustRunForward() {
    assertThrows(
        IllegalArgumentException.class, () -> SourceOffsets.of(new int[] {3, 2}, new int[] {4, 3}));
    assertThrows(
        IllegalArgumentException.class, () -> SourceOffsets.of(new int[] {1}, new int[] {0}));
  }
}
