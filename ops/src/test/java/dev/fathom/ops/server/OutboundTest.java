package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.answer.CitedScore;
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
  @SuppressWarnings("unchecked")
  void eachSourceCarriesTheRelevanceAndRawScoreOfItsBestCitedPassage() {
    Answer a =
        new Answer(
                "When does the lease end?",
                "In May. [1] Notice in March. [2] The car is red. [3]",
                List.of(
                    new Citation(1, "lease.md", "Lease", 0, 22, "The lease ends in May."),
                    new Citation(2, "lease.md", "Lease", 23, 46, "Notice is due in March."),
                    new Citation(3, "car.md", "Car", 0, 15, "The car is red.")),
                Map.of("total", 5L))
            .withScores(Map.of(1, new CitedScore(0.4, 0.02), 2, new CitedScore(0.9, 0.06)));
    Map<String, Object> json = Outbound.answer(Q, new QuestionResult.Answered("r-1", a));
    List<Map<String, Object>> sources = (List<Map<String, Object>>) json.get("sources");
    assertEquals(
        List.of("n", "source", "path", "title", "relevance", "score", "passages"),
        List.copyOf(sources.getFirst().keySet()));
    assertEquals(0.9, sources.getFirst().get("relevance"));
    assertEquals(0.06, sources.getFirst().get("score"));
    // No retrieved passage behind it: the keys stay, with null, so scripts see one shape.
    assertTrue(sources.get(1).containsKey("relevance"));
    assertNull(sources.get(1).get("relevance"));
    assertNull(sources.get(1).get("score"));
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
