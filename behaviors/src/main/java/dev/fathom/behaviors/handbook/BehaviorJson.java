package dev.fathom.behaviors.handbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.behaviors.trace.TraceJson;
import java.util.ArrayList;
import java.util.List;

/**
 * The handbook's JSON formats (documented in {@code docs/behaviors.md}).
 *
 * <p><b>One behavior</b> (the value of a {@code fathom.behaviors} record, keyed by name): {@code
 * {"name":"behavior_x","instruction":"...","topic":"","provenance":["req-1"],"uses":3}}. Only
 * {@code name} and {@code instruction} are required.
 *
 * <p><b>A handbook file</b> ({@code fathom behaviors import/export}): {@code
 * {"format":"fathom-behaviors","version":1,"behaviors":[ ... ]}}; a bare array of behaviors is
 * accepted on import too, so a hand-written file can be just the list.
 */
public final class BehaviorJson {

  /** The {@code format} field of a handbook file. */
  public static final String FORMAT = "fathom-behaviors";

  /** The version written; readers accept it and ignore unknown fields. */
  public static final int VERSION = 1;

  private static final ObjectMapper MAPPER = TraceJson.MAPPER;

  private BehaviorJson() {}

  /** One behavior, one line. */
  public static String write(Behavior b) {
    try {
      return MAPPER.writeValueAsString(b);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write behavior " + b.name(), e);
    }
  }

  /**
   * Reads one behavior.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static Behavior read(String json) {
    try {
      return fromNode(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid behavior JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A handbook file, pretty-printed for people who edit it. */
  public static String writeFile(List<Behavior> behaviors) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    ArrayNode list = root.putArray("behaviors");
    behaviors.forEach(b -> list.add(MAPPER.valueToTree(b)));
    try {
      return MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write handbook", e);
    }
  }

  /**
   * Reads a handbook file (object with {@code behaviors}, or a bare array).
   *
   * @throws IllegalArgumentException naming the entry and the problem
   */
  public static List<Behavior> readFile(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid handbook JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode list = root != null && root.isObject() ? root.get("behaviors") : root;
    if (root != null && root.isObject()) {
      String format = root.path("format").asText(FORMAT);
      if (!format.equals(FORMAT)) {
        throw new IllegalArgumentException(
            "handbook file format must be '" + FORMAT + "', got '" + format + "'");
      }
    }
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException(
          "a handbook file is {\"format\":\"" + FORMAT + "\",\"behaviors\":[...]} or an array");
    }
    List<Behavior> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      try {
        out.add(fromNode(list.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("behavior #" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static Behavior fromNode(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("a behavior is a JSON object, got " + n);
    }
    List<String> provenance = new ArrayList<>();
    n.path("provenance").forEach(p -> provenance.add(p.asText()));
    return new Behavior(
        n.path("name").isTextual() ? n.get("name").asText() : null,
        n.path("instruction").isTextual() ? n.get("instruction").asText() : null,
        n.path("topic").asText(""),
        provenance,
        n.path("uses").asLong(0));
  }
}
