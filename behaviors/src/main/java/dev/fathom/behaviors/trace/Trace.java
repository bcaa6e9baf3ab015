package dev.fathom.behaviors.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one answer saw and wrote: the "solve" step of the metacognitive-reuse pipeline (arXiv
 * 2509.13237 §3), recorded from Fathom's own answers rather than produced by a separate solution
 * prompt. The curator reflects on it and extracts behaviors from it.
 *
 * <p>Its JSON form ({@link TraceJson}) is the same in the CLI's {@code traces.jsonl} and on the
 * {@code fathom.traces} topic.
 *
 * @param requestId the answer's request id (key on the topic, the handle for feedback)
 * @param time when the answer was written
 * @param model the language model's name
 * @param question the question as asked
 * @param topic the question's topic, "" for none (behaviors mined from it get this topic)
 * @param evidence the sources as the prompt numbered them
 * @param text the generated text, reasoning included
 * @param citations the evidence numbers the text cites (each 1..evidence size)
 * @param promptTokens tokens of the prompt (≥ 0)
 * @param completionTokens tokens generated (≥ 0)
 * @param behaviorsOffered names of the behaviors put in the prompt
 * @param behaviorsCited names of the offered behaviors the text cites
 * @param feedback what a person said about the answer, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "requestId",
  "time",
  "model",
  "question",
  "topic",
  "evidence",
  "text",
  "citations",
  "promptTokens",
  "completionTokens",
  "behaviorsOffered",
  "behaviorsCited",
  "feedback"
})
public record Trace(
    String requestId,
    Instant time,
    String model,
    String question,
    String topic,
    List<Source> evidence,
    String text,
    List<Integer> citations,
    int promptTokens,
    int completionTokens,
    List<String> behaviorsOffered,
    List<String> behaviorsCited,
    Feedback feedback) {

  /**
   * One numbered source of the evidence.
   *
   * @param number the number the prompt gave it ({@code [n]}), from 1
   * @param title the source's title
   * @param text the text the model saw
   */
  @JsonPropertyOrder({"number", "title", "text"})
  public record Source(int number, String title, String text) {
    public Source {
      if (number < 1) {
        throw new IllegalArgumentException("source number must be ≥ 1, got " + number);
      }
      Objects.requireNonNull(title, "title of source " + number);
      Objects.requireNonNull(text, "text of source " + number);
    }
  }

  public Trace {
    if (requestId == null || requestId.isBlank()) {
      throw new IllegalArgumentException(
          "trace requestId must be non-blank, got '" + requestId + "'");
    }
    Objects.requireNonNull(time, "time of trace " + requestId);
    model = model == null ? "" : model;
    Objects.requireNonNull(question, "question of trace " + requestId);
    topic = topic == null ? "" : topic.strip();
    evidence = List.copyOf(evidence == null ? List.of() : evidence);
    Objects.requireNonNull(text, "text of trace " + requestId);
    citations = List.copyOf(citations == null ? List.of() : citations);
    for (int c : citations) {
      if (c < 1 || c > evidence.size()) {
        throw new IllegalArgumentException(
            "trace " + requestId + " cites [" + c + "]; legal are 1.." + evidence.size());
      }
    }
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be ≥ 0, got prompt "
              + promptTokens
              + " and completion "
              + completionTokens);
    }
    behaviorsOffered = List.copyOf(behaviorsOffered == null ? List.of() : behaviorsOffered);
    behaviorsCited = List.copyOf(behaviorsCited == null ? List.of() : behaviorsCited);
    Set<String> offered = new HashSet<>(behaviorsOffered);
    for (String name : behaviorsCited) {
      if (!offered.contains(name)) {
        throw new IllegalArgumentException(
            "trace " + requestId + " cites behavior " + name + " that was not offered " + offered);
      }
    }
  }

  /** A trace of an answer with no behaviors offered and no feedback yet. */
  public static Trace of(
      String requestId,
      String model,
      String question,
      List<Source> evidence,
      String text,
      List<Integer> citations,
      int promptTokens,
      int completionTokens) {
    return new Trace(
        requestId,
        Instant.now(),
        model,
        question,
        "",
        evidence,
        text,
        citations,
        promptTokens,
        completionTokens,
        List.of(),
        List.of(),
        null);
  }

  /** This trace with {@code f} as its feedback (replacing any earlier). */
  public Trace withFeedback(Feedback f) {
    return new Trace(
        requestId,
        time,
        model,
        question,
        topic,
        evidence,
        text,
        citations,
        promptTokens,
        completionTokens,
        behaviorsOffered,
        behaviorsCited,
        f);
  }

  /** This trace with the behaviors offered to the answer and those it cited. */
  public Trace withBehaviors(List<String> offered, List<String> cited) {
    return new Trace(
        requestId,
        time,
        model,
        question,
        topic,
        evidence,
        text,
        citations,
        promptTokens,
        completionTokens,
        offered,
        cited,
        feedback);
  }

  /** This trace filed under {@code t}. */
  public Trace withTopic(String t) {
    return new Trace(
        requestId,
        time,
        model,
        question,
        t,
        evidence,
        text,
        citations,
        promptTokens,
        completionTokens,
        behaviorsOffered,
        behaviorsCited,
        feedback);
  }
}
