package dev.fathom.memory.session;

import java.util.Objects;

/**
 * A source an answer cited, as the transcript keeps it: enough to name the source again in a later
 * turn (its title carries the conversation's subject into the next search) without keeping the
 * passage text, which the index already holds.
 *
 * @param sourceId the id of the cited source (file path or document id), non-blank
 * @param title the source's title, empty when it has none
 */
public record Citation(String sourceId, String title) {
  public Citation {
    if (sourceId == null || sourceId.isBlank()) {
      throw new IllegalArgumentException(
          "citation sourceId must be non-blank, got '" + sourceId + "'");
    }
    Objects.requireNonNull(title, "title of citation " + sourceId);
  }
}
