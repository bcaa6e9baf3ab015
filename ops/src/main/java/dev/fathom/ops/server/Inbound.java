package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.intake.IntakeException;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.StrictJson;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.AccessLists;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.meta.DocumentMetadata;

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
   * @param collection field {@code "collection"}: the collection it belongs to (absent: {@code
   *     default})
   * @param metadata field {@code "metadata"}: {@code {"author":"Ann","tags":["a","b"]}} (strings,
   *     numbers or arrays of them), searchable with filters; a path document's own metadata (front
   *     matter…) is kept where this names no such key
   */
  record DocumentMessage(
      String id,
      String title,
      String text,
      String path,
      boolean deleted,
      AccessList acl,
      CollectionName collection,
      DocumentMetadata metadata) {
    DocumentMessage(String id, String title, String text, String path, boolean deleted) {
      this(id, title, text, path, deleted, AccessList.PUBLIC);
    }

    DocumentMessage(
        String id, String title, String text, String path, boolean deleted, AccessList acl) {
      this(id, title, text, path, deleted, acl, CollectionName.DEFAULT, DocumentMetadata.EMPTY);
    }
  }

  /**
   * The record key of a document on {@code fathom.documents}: its id in the default collection,
   * {@code @<collection>/<id>} in another, so the same id in two collections is two records of the
   * compacted topic (and a null tombstone names which one it deletes).
   */
  static String documentKey(CollectionName collection, String id) {
    return collection.equals(CollectionName.DEFAULT) ? id : "@" + collection + "/" + id;
  }

  /** The collection and id a record key names (see {@link #documentKey}). */
  static java.util.Map.Entry<CollectionName, String> parseKey(String key) {
    int slash = key.indexOf('/');
    if (key.startsWith("@") && slash > 1) {
      try {
        return java.util.Map.entry(
            new CollectionName(key.substring(1, slash)), key.substring(slash + 1));
      } catch (IllegalArgumentException e) {
        // not a collection key: an id that happens to start with '@'
      }
    }
    return java.util.Map.entry(CollectionName.DEFAULT, key);
  }

  static DocumentMessage document(byte[] value, int maxBytes) {
    JsonNode j = object(value, maxBytes);
    String id = text(j, "id");
    CollectionName collection = collection(j);
    if (j.path("deleted").asBoolean(false)) {
      return new DocumentMessage(
          id, "", "", null, true, AccessList.PUBLIC, collection, DocumentMetadata.EMPTY);
    }
    AccessList acl = acl(j);
    DocumentMetadata meta = metadata(j);
    if (j.hasNonNull("path") && !j.hasNonNull("text")) {
      String title = j.hasNonNull("title") ? j.get("title").asText() : null;
      return new DocumentMessage(id, title, null, text(j, "path"), false, acl, collection, meta);
    }
    if (!j.hasNonNull("text")) {
      throw new PoisonMessageException(
          "field \"text\" is missing (or give \"path\", a file the server can read)");
    }
    String title = j.hasNonNull("title") ? j.get("title").asText() : id;
    return new DocumentMessage(id, title, text(j, "text"), null, false, acl, collection, meta);
  }

  private static CollectionName collection(JsonNode j) {
    JsonNode c = j.get("collection");
    if (c == null || c.isNull()) return CollectionName.DEFAULT;
    if (!c.isTextual()) {
      throw new PoisonMessageException("field \"collection\" must be a string, got " + c);
    }
    try {
      return new CollectionName(c.asText());
    } catch (IllegalArgumentException e) {
      throw new PoisonMessageException(e.getMessage());
    }
  }

  /** Field {@code "metadata"}: an object of strings, numbers, booleans or arrays of them. */
  static DocumentMetadata metadata(JsonNode j) {
    JsonNode m = j.get("metadata");
    if (m == null || m.isNull()) return DocumentMetadata.EMPTY;
    if (!m.isObject()) {
      throw new PoisonMessageException(
          "field \"metadata\" must be an object like {\"author\":\"Ann\",\"year\":2024}, got " + m);
    }
    java.util.Map<String, java.util.List<String>> fields = new java.util.LinkedHashMap<>();
    var it = m.fields();
    while (it.hasNext()) {
      var e = it.next();
      java.util.List<String> values = new java.util.ArrayList<>();
      JsonNode v = e.getValue();
      for (JsonNode x : v.isArray() ? v : java.util.List.of(v)) {
        if (!x.isValueNode() || x.isNull()) {
          throw new PoisonMessageException(
              "metadata \""
                  + e.getKey()
                  + "\" must be a string, number, boolean or an array of them, got "
                  + v);
        }
        values.add(x.asText());
      }
      fields.put(e.getKey(), values);
    }
    try {
      return new DocumentMetadata(fields);
    } catch (IllegalArgumentException e) {
      throw new PoisonMessageException(e.getMessage());
    }
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
