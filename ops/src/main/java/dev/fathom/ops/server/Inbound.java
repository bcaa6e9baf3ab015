package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.intake.IntakeException;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.StrictJson;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.AccessLists;

/**
 * The JSON values that arrive on Fathom's input topics, parsed strictly: anything that does not fit
 * is a {@link PoisonMessageException} naming what is wrong.
 */
final class Inbound {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Inbound() {}

  /**
   * A question as the answers and answer-stream topics echo it (parsed and validated by {@link
   * dev.fathom.ops.intake.QuestionIntake}, whatever door it came through).
   */
  record QuestionMessage(String requestId, String sessionId, String question) {
    static QuestionMessage of(QuestionIntake.Accepted a) {
      return new QuestionMessage(a.question().requestId(), a.sessionId(), a.question().text());
    }
  }

  /**
   * A value of {@code fathom.documents}: {@code {"id","title","text"}}, {@code {"id","path"}} (a
   * file the server reads and parses like {@code fathom ingest}; {@code "title"} optional) or
   * {@code {"id","deleted":true}}.
   *
   * @param title null for a path without a title: the parsed document's title is used
   * @param text null for a path
   * @param path null unless the document is a file
   * @param acl who may read the document: field {@code "acl"} ({@code ["user:alice","group:hr"]},
   *     absent or null = public), read by {@link AccessLists#fromJson}
   */
  record DocumentMessage(
      String id, String title, String text, String path, boolean deleted, AccessList acl) {
    DocumentMessage(String id, String title, String text, String path, boolean deleted) {
      this(id, title, text, path, deleted, AccessList.PUBLIC);
    }
  }

  static DocumentMessage document(byte[] value, int maxBytes) {
    JsonNode j = object(value, maxBytes);
    String id = text(j, "id");
    if (j.path("deleted").asBoolean(false)) return new DocumentMessage(id, "", "", null, true);
    AccessList acl = acl(j);
    if (j.hasNonNull("path") && !j.hasNonNull("text")) {
      String title = j.hasNonNull("title") ? j.get("title").asText() : null;
      return new DocumentMessage(id, title, null, text(j, "path"), false, acl);
    }
    if (!j.hasNonNull("text")) {
      throw new PoisonMessageException(
          "field \"text\" is missing (or give \"path\", a file the server can read)");
    }
    String title = j.hasNonNull("title") ? j.get("title").asText() : id;
    return new DocumentMessage(id, title, text(j, "text"), null, false, acl);
  }

  private static AccessList acl(JsonNode j) {
    try {
      return AccessLists.fromJson(j.get("acl"));
    } catch (IllegalArgumentException e) {
      throw new PoisonMessageException(e.getMessage());
    }
  }

  private static JsonNode object(byte[] value, int maxBytes) {
    try {
      return StrictJson.object(value, maxBytes, "value");
    } catch (IntakeException e) {
      throw new PoisonMessageException(e.getMessage());
    }
  }

  private static String text(JsonNode j, String field) {
    try {
      return StrictJson.requiredText(j, field);
    } catch (IntakeException e) {
      throw new PoisonMessageException(e.getMessage());
    }
  }
}
