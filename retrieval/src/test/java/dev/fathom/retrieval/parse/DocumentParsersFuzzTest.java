package dev.fathom.retrieval.parse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the HTML, Markdown and PDF parsers through {@link DocumentParsers#parse(String, byte[])},
 * the entry point for documents that arrive as bytes: every input either yields a document with
 * text or is refused with an {@link UnreadableDocumentException}; any other exception (which would
 * kill an ingest or a document stream) is a bug. Seeds live in {@code
 * DocumentParsersFuzzTestInputs/<method>/} and run in every build; {@code JAZZER_FUZZ=1} fuzzes one
 * method for its {@code maxDuration} (docs/security.md).
 */
class DocumentParsersFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void htmlParsesOrRejects(byte[] content) {
    parseOrReject("fuzz.html", content);
  }

  @FuzzTest(maxDuration = "60s")
  void markdownParsesOrRejects(byte[] content) {
    parseOrReject("fuzz.md", content);
  }

  @FuzzTest(maxDuration = "60s")
  void pdfParsesOrRejects(byte[] content) {
    parseOrReject("fuzz.pdf", content);
  }

  private static void parseOrReject(String name, byte[] content) {
    try {
      ParsedDocument doc = DocumentParsers.parse(name, content);
      if (doc.text().isBlank()) throw new AssertionError("a parsed document must have text");
    } catch (UnreadableDocumentException expected) {
      // a clear refusal is the correct outcome for malformed input
    }
  }
}
