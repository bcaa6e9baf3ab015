package dev.fathom.ops.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.answer.GenerationReport;
import dev.fathom.ops.intake.IntakeException;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI chat-completions wire format ({@code POST /v1/chat/completions}) over Fathom's
 * answers, so that clients written for that API can ask Fathom. The question is the last {@code
 * user} message. The answer text keeps its {@code [n]} markers and ends with a "Sources:" list; the
 * citation objects of {@code fathom ask --json} travel in an extra top-level field {@code
 * "citations"} (in the last chunk when streaming), which OpenAI clients ignore.
 *
 * <p>Streaming ({@code "stream": true}) uses the format's server-sent events: one {@code
 * chat.completion.chunk} with the role, one per answer sentence, a final one with {@code
 * finish_reason} and the citations, then {@code data: [DONE]}. The extractive answerer produces the
 * whole answer at once, so the events are sent together once it is ready.
 */
final class ChatCompletions {

  static final String MODEL = "fathom-extractive";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ChatCompletions() {}

  /**
   * Reads a chat-completions request body: the last user message is the question, validated by
   * {@code intake} like every other question.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static QuestionIntake.Accepted parse(JsonNode j, QuestionIntake intake) {
    JsonNode messages = j.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new IntakeException("field \"messages\" must be a non-empty array");
    }
    String question = ChatHistory.lastUser(ChatHistory.messages(messages));
    if (question == null || question.isBlank()) {
      throw new IntakeException("no message with role \"user\" and text content");
    }
    return intake.fromChat(question, QuestionIntake.flag(j, "stream"));
  }

  /** The {@code chat.completion} object for an answer. */
  static Map<String, Object> completion(String id, long created, QuestionResult.Answered a) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", content(a.answer()));
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("finish_reason", finishReason(a));
    Map<String, Object> m = header(id, "chat.completion", created);
    m.put("choices", List.of(choice));
    m.put("citations", Json.answer(a.answer()).get("citations"));
    return m;
  }

  /**
   * {@code length} when the model stopped at its token or context limit, {@code stop} otherwise
   * (and for extractive answers), as the OpenAI API reports it.
   */
  private static String finishReason(QuestionResult.Answered a) {
    GenerationReport g = a.answer().generation();
    return g == null ? "stop" : g.finishReason();
  }

  /** The first event of a streamed answer: the assistant role. */
  static String opening(String id, long created) {
    return event(chunk(id, created, Map.of("role", "assistant"), null, null));
  }

  /** A piece of the answer's text as it is generated. */
  static String piece(String id, long created, String text) {
    return event(chunk(id, created, Map.of("content", text), null, null));
  }

  /**
   * The last events of an answered stream: the sources list as content, the finish reason with the
   * citations, then {@code data: [DONE]}.
   */
  static String closing(String id, long created, QuestionResult.Answered a) {
    StringBuilder out = new StringBuilder();
    String sources = content(a.answer()).substring(a.answer().text().length());
    if (!sources.isEmpty()) {
      out.append(event(chunk(id, created, Map.of("content", sources), null, null)));
    }
    out.append(
        event(
            chunk(
                id, created, Map.of(), finishReason(a), Json.answer(a.answer()).get("citations"))));
    return out.append("data: [DONE]\n\n").toString();
  }

  /** A failure after the stream began: an OpenAI error object, then {@code data: [DONE]}. */
  static String failure(String reason) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", reason);
    error.put("type", "server_error");
    return event(Map.of("error", error)) + "data: [DONE]\n\n";
  }

  private static Map<String, Object> chunk(
      String id, long created, Map<String, Object> delta, String finish, Object citations) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("finish_reason", finish);
    Map<String, Object> m = header(id, "chat.completion.chunk", created);
    m.put("choices", List.of(choice));
    if (citations != null) m.put("citations", citations);
    return m;
  }

  private static Map<String, Object> header(String id, String object, long created) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", object);
    m.put("created", created);
    m.put("model", MODEL);
    return m;
  }

  private static String event(Map<String, Object> data) {
    try {
      return "data: " + MAPPER.writeValueAsString(data) + "\n\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** The answer text, then its sources as "[n] title (source)" lines. */
  static String content(Answer a) {
    StringBuilder b = new StringBuilder(a.text());
    if (!a.citations().isEmpty()) {
      b.append("\n\nSources:");
      for (Citation c : a.citations()) {
        b.append("\n[")
            .append(c.n())
            .append("] ")
            .append(c.title())
            .append(" (")
            .append(c.source())
            .append(')');
      }
    }
    return b.toString();
  }
}
