package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboundTest {

  private static final Inbound.QuestionMessage Q =
      new Inbound.QuestionMessage("r-1", "s-1", "How tall?");

  @Test
  void anAnswerIsTheAskJsonWithRequestAndSessionIds() {
    Answer a =
        new Answer(
            "How tall?",
            "330 metres. [1]",
            List.of(new Citation(1, "doc", "Tower", 0, 10, "330 metres")),
            Map.of("total", 5L));
    Map<String, Object> json = Outbound.answer(Q, new QuestionResult.Answered("r-1", a));
    assertEquals(
        List.of(
            "requestId", "sessionId", "question", "answer", "sources", "citations", "timings_ms"),
        List.copyOf(json.keySet()));
    assertEquals("r-1", json.get("requestId"));
    assertEquals("s-1", json.get("sessionId"));
    assertEquals("330 metres. [1]", json.get("answer"));
  }

  @Test
  void aFailedQuestionGetsAnAnswerRecordWithTheError() {
    Map<String, Object> json =
        Outbound.answer(
            Q,
            new QuestionResult.Failed("r-1", "retrieve", "timed out after 5 ms in stage retrieve"));
    assertEquals("r-1", json.get("requestId"));
    assertEquals("How tall?", json.get("question"));
    assertTrue(json.containsKey("answer"));
    assertNull(json.get("answer"));
    assertEquals(List.of(), json.get("citations"));
    assertEquals(
        Map.of("stage", "retrieve", "reason", "timed out after 5 ms in stage retrieve"),
        json.get("error"));
  }
}
