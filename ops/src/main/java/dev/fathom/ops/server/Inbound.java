package dev.fathom.ops.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The JSON values that arrive on Fathom's input topics, parsed strictly: anything that does not fit
 * is a {@link PoisonMessageException} naming what is wrong.
 */
final class Inbound {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Inbound() {}

  /**
   * A value of {@code fathom.questions}: {@code {"requestId","sessionId","question"}}, optionally
   * {@code "mode"} (bm25, dense, hybrid) and {@code "k"}.
   */
  record QuestionMessage(
      String requestId, String sessionId, String question, String mode, Integer k) {}

  /**
   * A value of {@code fathom.documents}: {@code {"id","title","text"}}, {@code {"id","path"}} (a
   * file the server reads and parses like {@code fathom ingest}; {@code "title"} optional) or
   * {@code {"id","deleted":true}}.
   *
   * @param title null for a path without a title: the parsed document's title is used
   * @param text null for a path
   * @param path null unless the document is a file
   */
  record DocumentMessage(String id, String title, String text, String path, boolean deleted) {}

  static QuestionMessage question(byte[] value, int maxBytes) {
    JsonNode j = object(value, maxBytes);
    Integer k = null;
    if (j.hasNonNull("k")) {
      if (!j.get("k").canConvertToInt())
        throw new PoisonMessageException("\"k\" is not an integer");
      k = j.get("k").asInt();
    }
    return new QuestionMessage(
        text(j, "requestId"),
        text(j, "sessionId"),
        text(j, "question"),
        j.hasNonNull("mode") ? j.get("mode").asText() : null,
        k);
  }

  static DocumentMessage document(byte[] value, int maxBytes) {
    JsonNode j = object(value, maxBytes);
    String id = text(j, "id");
    if (j.path("deleted").asBoolean(false)) return new DocumentMessage(id, "", "", null, true);
    if (j.hasNonNull("path") && !j.hasNonNull("text")) {
      String title = j.hasNonNull("title") ? j.get("title").asText() : null;
      return new DocumentMessage(id, title, null, text(j, "path"), false);
    }
    if (!j.hasNonNull("text")) {
      throw new PoisonMessageException(
          "field \"text\" is missing (or give \"path\", a file the server can read)");
    }
    String title = j.hasNonNull("title") ? j.get("title").asText() : id;
    return new DocumentMessage(id, title, text(j, "text"), null, false);
  }

  private static JsonNode object(byte[] value, int maxBytes) {
    if (value == null) throw new PoisonMessageException("the value is empty (null)");
    if (value.length > maxBytes) {
      throw new PoisonMessageException(
          "the value has " + value.length + " bytes, more than the limit of " + maxBytes);
    }
    String s;
    try {
      s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (CharacterCodingException e) {
      throw new PoisonMessageException("the value is not valid UTF-8: " + e.getMessage());
    }
    JsonNode j;
    try {
      j = MAPPER.readTree(s);
    } catch (JsonProcessingException e) {
      throw new PoisonMessageException("the value is not JSON: " + e.getOriginalMessage());
    }
    if (j == null || !j.isObject()) {
      throw new PoisonMessageException("the value is not a JSON object");
    }
    return j;
  }

  private static String text(JsonNode j, String field) {
    JsonNode v = j.get(field);
    if (v == null || v.isNull())
      throw new PoisonMessageException("field \"" + field + "\" is missing");
    if (!v.isTextual()) throw new PoisonMessageException("field \"" + field + "\" is not a string");
    if (v.asText().isBlank()) throw new PoisonMessageException("field \"" + field + "\" is blank");
    return v.asText();
  }
}
