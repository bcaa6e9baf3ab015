package dev.fathom.retrieval.parse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict decoding for the text formats: binary or mis-encoded files are rejected, not guessed. */
final class Utf8Text {

  private Utf8Text() {}

  /**
   * Decodes UTF-8, drops a leading byte-order mark and normalises line endings to {@code \n}.
   *
   * @throws UnreadableDocumentException on a NUL byte or a byte sequence that is not UTF-8
   */
  static String decode(String fileName, byte[] content) {
    // A NUL byte almost never occurs in text and almost always in binaries (images, archives,
    // UTF-16), so it names the problem better than "malformed UTF-8" would.
    for (int i = 0; i < content.length; i++) {
      if (content[i] == 0) {
        throw new UnreadableDocumentException(
            fileName, "binary content (NUL byte at offset " + i + ")");
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(content);
    // UTF-8 never yields more chars than bytes, so one buffer of that size always suffices.
    CharBuffer out = CharBuffer.allocate(content.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) result = decoder.flush(out);
    if (result.isError()) {
      throw new UnreadableDocumentException(
          fileName, "binary content (not valid UTF-8 at byte offset " + in.position() + ")");
    }
    String text = out.flip().toString();
    if (text.startsWith("\uFEFF")) text = text.substring(1);
    return normaliseLineEndings(text);
  }

  static String normaliseLineEndings(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n');
  }

  /** The file name without directories or extension, the title of last resort. */
  static String baseName(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    String name = fileName.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    return base.isBlank() ? fileName : base;
  }
}
