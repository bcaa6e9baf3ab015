package dev.fathom.retrieval.parse;

/**
 * A document that cannot be turned into text. The message is one line that starts with the file
 * name and says why, e.g. {@code "notes.txt: binary content (NUL byte at offset 12)"}, so ingestion
 * can log it and move on to the next file.
 */
public final class UnreadableDocumentException extends RuntimeException {

  public UnreadableDocumentException(String fileName, String reason) {
    super(fileName + ": " + reason);
  }

  public UnreadableDocumentException(String fileName, String reason, Throwable cause) {
    super(fileName + ": " + reason, cause);
  }
}
