package dev.fathom.ops.intake;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.retrieval.SearchMode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuestionIntakeTest {

  private final QuestionIntake intake =
      new QuestionIntake(new QuestionIntake.Settings(20, SearchMode.HYBRID, 5));

  private static JsonNode json(String s) {
    return StrictJson.object(s.getBytes(StandardCharsets.UTF_8), 1000, "body");
  }

  private static String refused(Runnable r) {
    return assertThrows(IntakeException.class, r::run).getMessage();
  }

  @Test
  void httpQuestionsGetDefaultsAndTheHttpSession() {
    var a = intake.fromHttp(json("{\"question\":\"  why?  \"}"));
    assertEquals("why?", a.question().text());
    assertEquals(SearchMode.HYBRID, a.question().mode());
    assertEquals(5, a.question().k());
    assertEquals(QuestionIntake.HTTP_SESSION, a.sessionId());
    assertFalse(a.stream());
    var b =
        intake.fromHttp(
            json(
                "{\"question\":\"q\",\"k\":7,\"mode\":\"bm25\",\"sessionId\":\"s\",\"stream\":true}"));
    assertEquals(7, b.question().k());
    assertEquals(SearchMode.BM25, b.question().mode());
    assertEquals("s", b.sessionId());
    assertTrue(b.stream());
  }

  @Test
  void selfImproveIsAnOptionalBoolean() {
    assertFalse(intake.fromHttp(json("{\"question\":\"q\"}")).question().selfImprove());
    assertTrue(
        intake
            .fromHttp(json("{\"question\":\"q\",\"selfImprove\":true}"))
            .question()
            .selfImprove());
    assertEquals(
        "field \"selfImprove\" must be true or false, got \"yes\"",
        refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"selfImprove\":\"yes\"}"))));
  }

  @Test
  void kMustBeAJsonIntegerInRange() {
    String range = "k must be an integer in 1..1000, got ";
    assertEquals(range + "0", refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"k\":0}"))));
    assertEquals(
        range + "1001", refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"k\":1001}"))));
    assertEquals(
        range + "\"7\"", refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"k\":\"7\"}"))));
    assertEquals(
        range + "2.9", refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"k\":2.9}"))));
    assertEquals(range + "'abc'", refused(() -> intake.search(Map.of("q", "x", "k", "abc"))));
    assertEquals(range + "0", refused(() -> intake.fromCommandLine("q", null, 0)));
  }

  @Test
  void typesAreStrictAndErrorsNameTheField() {
    assertEquals(
        "field \"sessionId\" is not a string, got 5",
        refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"sessionId\":5}"))));
    assertEquals(
        "field \"question\" is not a string, got [1]",
        refused(() -> intake.fromHttp(json("{\"question\":[1]}"))));
    assertEquals(
        "field \"question\" is missing", refused(() -> intake.fromHttp(json("{\"k\":3}"))));
    assertEquals(
        "field \"stream\" must be true or false, got \"yes\"",
        refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"stream\":\"yes\"}"))));
    assertTrue(
        refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"mode\":\"fuzzy\"}")))
            .startsWith("unknown search mode 'fuzzy'"));
  }

  @Test
  void theLengthLimitIsTheSameOnEveryDoor() {
    String longQ = "x".repeat(21);
    String expected =
        "the question is 21 characters long; the limit is 20 (fathom.ask.max-question-chars)";
    assertEquals(expected, refused(() -> intake.fromCommandLine(longQ, null, null)));
    assertEquals(
        expected, refused(() -> intake.fromHttp(json("{\"question\":\"" + longQ + "\"}"))));
    assertEquals(
        expected,
        refused(
            () ->
                intake.fromKafka(
                    json(
                        "{\"requestId\":\"r\",\"sessionId\":\"s\",\"question\":\""
                            + longQ
                            + "\"}"))));
    assertEquals(expected, refused(() -> intake.fromChat(longQ, false)));
    assertEquals(expected, refused(() -> intake.search(Map.of("q", longQ))));
    assertEquals("the question is empty", refused(() -> intake.fromCommandLine("  ", null, null)));
  }

  @Test
  void kafkaPrincipalClaimsAreRefusedUnlessTrustedAndParsedStrictly() {
    String claim =
        "{\"requestId\":\"r\",\"sessionId\":\"s\",\"question\":\"q\","
            + "\"principal\":{\"user\":\"alice\",\"groups\":[\"eng\"]}}";
    assertTrue(refused(() -> intake.fromKafka(json(claim))).contains("principal-claims"));
    assertEquals(
        dev.fathom.retrieval.access.Principal.user("alice", java.util.Set.of("eng")),
        intake.fromKafka(json(claim), true).question().asker());
    assertEquals(
        dev.fathom.retrieval.access.Principal.anonymous(),
        intake
            .fromKafka(json("{\"requestId\":\"r\",\"sessionId\":\"s\",\"question\":\"q\"}"), true)
            .question()
            .asker());
    for (String bad :
        new String[] {
          "\"alice\"",
          "{\"user\":\"\"}",
          "{\"user\":\"a\",\"groups\":\"eng\"}",
          "{\"user\":\"a\",\"role\":\"owner\"}",
          "{\"user\":\"a\",\"groups\":[1]}"
        }) {
      String v =
          "{\"requestId\":\"r\",\"sessionId\":\"s\",\"question\":\"q\",\"principal\":" + bad + "}";
      assertTrue(refused(() -> intake.fromKafka(json(v), true)).contains("principal"), bad);
    }
    // The command line is the owner of its local index; HTTP sets the asker from its key.
    assertTrue(intake.fromCommandLine("q", null, null).question().asker().unrestricted());
  }

  @Test
  void kafkaQuestionsNeedBothIds() {
    var a = intake.fromKafka(json("{\"requestId\":\"r\",\"sessionId\":\"s\",\"question\":\"q\"}"));
    assertEquals("r", a.question().requestId());
    assertEquals("s", a.sessionId());
    assertEquals(
        "field \"requestId\" is missing",
        refused(() -> intake.fromKafka(json("{\"sessionId\":\"s\",\"question\":\"q\"}"))));
    assertEquals(
        "field \"sessionId\" is blank",
        refused(
            () ->
                intake.fromKafka(
                    json("{\"requestId\":\"r\",\"sessionId\":\" \",\"question\":\"q\"}"))));
  }

  @Test
  void bodiesAreStrictUtf8JsonObjects() {
    assertTrue(
        refused(() -> StrictJson.object(new byte[] {'{', (byte) 0xC3, '}'}, 100, "body"))
            .startsWith("the body is not valid UTF-8"));
    assertEquals(
        "the body has 101 bytes, more than the limit of 100",
        refused(() -> StrictJson.object(new byte[101], 100, "body")));
    assertEquals(
        "the value is not a JSON object",
        refused(() -> StrictJson.object("[1]".getBytes(StandardCharsets.UTF_8), 100, "value")));
  }

  @Test
  void settingsRefuseALimitBeyondWhatAQuestionHolds() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new QuestionIntake.Settings(10_001, SearchMode.BM25, 5));
    assertThrows(
        IllegalArgumentException.class, () -> new QuestionIntake.Settings(10, SearchMode.BM25, 0));
  }
}
