package dev.fathom.ops.sessions;

import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.session.TurnResult;
import dev.fathom.memory.session.Citation;
import dev.fathom.memory.session.Transcript;
import dev.fathom.memory.session.Turn;
import dev.fathom.ops.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of sessions, shared by the command line and the HTTP API. */
public final class SessionJson {
  private SessionJson() {}

  /** {@code {"session","summary","folded_through","turns":[...]}}, as GET /v1/sessions/{id}. */
  public static Map<String, Object> transcript(String id, Transcript t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("session", id);
    m.put("summary", t.summary());
    m.put("folded_through", t.foldedThrough());
    List<Map<String, Object>> turns = new ArrayList<>();
    for (Turn turn : t.turns()) {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("turn", turn.number());
      tm.put("request_id", turn.requestId().isEmpty() ? null : turn.requestId());
      tm.put("question", turn.question());
      tm.put("rewritten_query", turn.rewrittenQuery());
      tm.put("asked_at", turn.askedAt().toString());
      tm.put("answer", turn.isAnswered() ? turn.answer() : null);
      List<Map<String, Object>> cites = new ArrayList<>();
      for (Citation c : turn.citations())
        cites.add(Map.of("source", c.sourceId(), "title", c.title()));
      tm.put("citations", cites);
      tm.put("answered_at", turn.isAnswered() ? turn.answeredAt().toString() : null);
      turns.add(tm);
    }
    m.put("turns", turns);
    return m;
  }

  /** {@code {"session","turn","rewrite":{"question","query","method"}, ...answer}}. */
  public static Map<String, Object> turn(TurnResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("session", r.sessionId());
    m.put("turn", r.turn());
    Map<String, Object> rewrite = new LinkedHashMap<>();
    rewrite.put("question", r.rewrite().question());
    rewrite.put("query", r.rewrite().query());
    rewrite.put("method", r.rewrite().method());
    m.put("rewrite", rewrite);
    switch (r.result()) {
      case QuestionResult.Answered a -> m.putAll(Json.answer(a.answer()));
      case QuestionResult.Failed f -> {
        m.put("error", f.reason());
        m.put("stage", f.stage());
      }
    }
    return m;
  }
}
