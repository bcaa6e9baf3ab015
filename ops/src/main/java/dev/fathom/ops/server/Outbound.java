package dev.fathom.ops.server;

import dev.fathom.actors.QuestionResult;
import dev.fathom.ops.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON values Fathom writes to {@code fathom.answers}. */
final class Outbound {

  private Outbound() {}

  /**
   * The {@code fathom ask --json} object with {@code "requestId"} and {@code "sessionId"} first. A
   * failed question gets {@code "answer": null}, no citations and {@code "error": {"stage",
   * "reason"}}, so the asker learns of the failure instead of waiting for an answer that never
   * comes.
   */
  static Map<String, Object> answer(Inbound.QuestionMessage m, QuestionResult result) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("requestId", m.requestId());
    json.put("sessionId", m.sessionId());
    switch (result) {
      case QuestionResult.Answered a -> json.putAll(Json.answer(a.answer()));
      case QuestionResult.Failed f -> {
        json.put("question", m.question());
        json.put("answer", null);
        json.put("citations", List.of());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("stage", f.stage());
        error.put("reason", f.reason());
        json.put("error", error);
      }
    }
    return json;
  }
}
