package dev.fathom.ops.intake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fathom.retrieval.SearchMode;

/**
 * Fuzzes the one question intake on raw bytes, as the HTTP body of {@code POST /v1/ask} and as a
 * value of {@code fathom.questions} (with principal claims trusted, the widest parse): every input
 * is accepted as a valid question or refused with an {@link IntakeException} naming what is wrong.
 * Any other exception would become a 500 on HTTP or an unhandled error in the question stream.
 * Seeds live in {@code QuestionIntakeFuzzTestInputs/<method>/} and run in every build; {@code
 * JAZZER_FUZZ=1} fuzzes for {@code maxDuration} (docs/security.md).
 */
class QuestionIntakeFuzzTest {

  private static final QuestionIntake INTAKE =
      new QuestionIntake(new QuestionIntake.Settings(2000, SearchMode.HYBRID, 5));

  @FuzzTest(maxDuration = "60s")
  void kafkaQuestionParsesOrRejects(byte[] value) {
    try {
      var a = INTAKE.fromKafka(StrictJson.object(value, 64 * 1024, "value"), true);
      check(a);
    } catch (IntakeException expected) {
      // a clear refusal is the correct outcome for malformed input
    }
  }

  @FuzzTest(maxDuration = "60s")
  void httpQuestionParsesOrRejects(byte[] body) {
    try {
      check(INTAKE.fromHttp(StrictJson.object(body, 64 * 1024, "body")));
    } catch (IntakeException expected) {
      // refused with a message
    }
  }

  private static void check(QuestionIntake.Accepted a) {
    var q = a.question();
    if (q.text().isBlank() || q.text().length() > 2000) {
      throw new AssertionError("accepted an out-of-range question: " + q.text().length());
    }
    if (q.k() < 1 || q.k() > 1000) throw new AssertionError("accepted k=" + q.k());
    if (q.asker().unrestricted()) throw new AssertionError("a message claimed the owner");
    if (a.sessionId() == null || a.sessionId().isBlank()) throw new AssertionError("no session");
  }
}
