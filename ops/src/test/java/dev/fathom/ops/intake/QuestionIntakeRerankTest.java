package dev.fathom.ops.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.rank.RankerKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code rerank}: the same rule and the same error text at every door. */
class QuestionIntakeRerankTest {

  private static final String ERROR = "rerank must be one of none|listwise|attention|fusion, got ";

  private final QuestionIntake intake =
      new QuestionIntake(new QuestionIntake.Settings(50, SearchMode.HYBRID, 5));

  private static JsonNode json(String s) {
    return StrictJson.object(s.getBytes(StandardCharsets.UTF_8), 1000, "body");
  }

  private static String refused(Runnable r) {
    return assertThrows(IntakeException.class, r::run).getMessage();
  }

  @Test
  void everyDoorReadsTheRanker() {
    assertEquals(
        RankerKind.FUSION, intake.fromCommandLine("q", null, null, "fusion").question().rerank());
    assertEquals(
        RankerKind.LISTWISE,
        intake.fromHttp(json("{\"question\":\"q\",\"rerank\":\"LISTWISE\"}")).question().rerank());
    assertEquals(
        RankerKind.ATTENTION,
        intake
            .fromKafka(
                json(
                    "{\"requestId\":\"r\",\"sessionId\":\"s\",\"question\":\"q\","
                        + "\"rerank\":\"attention\"}"))
            .question()
            .rerank());
    assertEquals(RankerKind.FUSION, intake.search("q", null, null, "fusion").rerank());
  }

  @Test
  void absentOrNullIsTheConfiguredDefault() {
    assertEquals(
        RankerKind.NONE, intake.fromHttp(json("{\"question\":\"q\"}")).question().rerank());
    var fusionByDefault =
        new QuestionIntake(
            new QuestionIntake.Settings(50, SearchMode.HYBRID, 5, RankerKind.FUSION));
    assertEquals(
        RankerKind.FUSION,
        fusionByDefault.fromHttp(json("{\"question\":\"q\",\"rerank\":null}")).question().rerank());
    assertEquals(
        RankerKind.FUSION, fusionByDefault.fromCommandLine("q", null, null).question().rerank());
    assertEquals(RankerKind.FUSION, fusionByDefault.fromChat("q", false).question().rerank());
    assertEquals(
        RankerKind.NONE,
        fusionByDefault.fromCommandLine("q", null, null, "none").question().rerank());
  }

  @Test
  void unknownRankersAreRefusedWithTheSameTextEverywhere() {
    assertEquals(ERROR + "'bm25'", refused(() -> intake.fromCommandLine("q", null, null, "bm25")));
    assertEquals(
        ERROR + "'bm25'",
        refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"rerank\":\"bm25\"}"))));
    assertEquals(
        ERROR + "'bm25'",
        refused(
            () ->
                intake.fromKafka(
                    json(
                        "{\"requestId\":\"r\",\"sessionId\":\"s\",\"question\":\"q\","
                            + "\"rerank\":\"bm25\"}"))));
    assertEquals(ERROR + "'bm25'", refused(() -> intake.search("q", null, null, "bm25")));
    assertEquals(
        ERROR + "'3'", refused(() -> intake.fromHttp(json("{\"question\":\"q\",\"rerank\":3}"))));
  }
}
