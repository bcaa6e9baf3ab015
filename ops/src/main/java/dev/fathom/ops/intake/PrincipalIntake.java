package dev.fathom.ops.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.retrieval.access.Principal;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code "principal"} a Kafka question may claim ({@code fathom.kafka.principal-claims}, see
 * docs/security.md), read strictly into a user {@link Principal}: an object of a {@code "user"}
 * name and optional {@code "groups"}, nothing else, with the same {@link IntakeException} texts at
 * every door.
 */
public final class PrincipalIntake {
  private PrincipalIntake() {}

  /** {@code {"user":"alice","groups":["eng","hr"]?}} as a user principal; strict types. */
  public static Principal fromJson(JsonNode claim) {
    if (!claim.isObject()) {
      throw new IntakeException(
          "field \"principal\" must be an object like {\"user\":\"alice\",\"groups\":[\"eng\"]},"
              + " got "
              + claim);
    }
    Iterator<String> names = claim.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("user") && !n.equals("groups")) {
        throw new IntakeException("field \"principal\" has an unknown field \"" + n + "\"");
      }
    }
    String user;
    try {
      user = StrictJson.requiredText(claim, "user");
    } catch (IntakeException e) {
      throw new IntakeException("field \"principal\": " + e.getMessage());
    }
    Set<String> groups = new LinkedHashSet<>();
    JsonNode g = claim.get("groups");
    if (g != null && !g.isNull()) {
      if (!g.isArray()) {
        throw new IntakeException("\"principal.groups\" must be an array of names, got " + g);
      }
      for (JsonNode e : g) {
        if (!e.isTextual()) {
          throw new IntakeException("\"principal.groups\" must hold strings, got " + e);
        }
        groups.add(e.asText());
      }
    }
    try {
      return Principal.user(user, groups);
    } catch (IllegalArgumentException e) {
      throw new IntakeException("field \"principal\": " + e.getMessage());
    }
  }
}
