package dev.fathom.retrieval.parse;

/** Turns the bytes of one file format into a title and text. One implementation per format. */
interface FormatParser {

  /**
   * @param fileName the name used in error messages and as the fallback title
   * @param content the raw file content
   * @throws UnreadableDocumentException when the content is not valid for this format
   */
  ParsedDocument parse(String fileName, byte[] content);
}
