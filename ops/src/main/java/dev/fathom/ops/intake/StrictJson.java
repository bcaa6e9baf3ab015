package dev.fathom.ops.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a request body or a Kafka value into a JSON object, strictly: bytes that are not UTF-8
 * are refused rather than replaced with U+FFFD, so a question is never silently changed.
 */
public final class StrictJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StrictJson() {}

  /**
   * The JSON object in {@code bytes}.
   *
   * @param what how messages name the bytes: {@code "body"} (HTTP) or {@code "value"} (Kafka)
   * @throws IntakeException when empty, over {@code maxBytes}, not UTF-8, not JSON or not an object
   */
  public static JsonNode object(byte[] bytes, int maxBytes, String what) {
    if (bytes == null) throw new IntakeException("the " + what + " is empty (null)");
    if (bytes.length > maxBytes) {
      throw new IntakeException(
          "the " + what + " has " + bytes.length + " bytes, more than the limit of " + maxBytes);
    }
    String s;
    try {
      s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IntakeException("the " + what + " is not valid UTF-8: " + e.getMessage());
    }
    JsonNode j;
    try {
      j = MAPPER.readTree(s);
    } catch (JsonProcessingException e) {
      throw new IntakeException("the " + what + " is not JSON: " + e.getOriginalMessage());
    }
    if (j == null || !j.isObject()) {
      throw new IntakeException("the " + what + " is not a JSON object");
    }
    return j;
  }

  /** The string field {@code field}: present, a string and not blank. */
  public static String requiredText(JsonNode j, String field) {
    JsonNode v = j.get(field);
    if (v == null || v.isNull()) throw new IntakeException("field \"" + field + "\" is missing");
    if (!v.isTextual()) {
      throw new IntakeException("field \"" + field + "\" is not a string, got " + v);
    }
    if (v.asText().isBlank()) throw new IntakeException("field \"" + field + "\" is blank");
    return v.asText();
  }
}
