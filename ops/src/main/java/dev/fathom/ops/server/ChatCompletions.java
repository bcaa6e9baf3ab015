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
 * chat.completion.chunk} with the role, the text as a language model writes it (an extractive
 * answer, composed at once, in one chunk), the sources, a chunk with {@code finish_reason} and the
 * citations, the {@code usage} chunk when {@code stream_options.include_usage} asks for it, then
 * {@code data: [DONE]}. {@link OpenAiRoutes} serves it; {@link ChatRequest} reads the request.
 */
final class ChatCompletions {

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

  /**
   * What one answer becomes on the wire: its text within the request's {@code max_tokens} and
   * {@code stop}, the finish reason, the token counts and the sources list.
   *
   * @param model the id the response reports
   * @param text the answer's text, cut where the request's limits say
   * @param sources the "Sources:" lines appended to the content ({@code ""} when none)
   * @param finishReason {@code stop} or {@code length}
   * @param promptTokens tokens the model read (estimated for extractive answers)
   * @param completionTokens tokens of {@code text} (estimated for extractive answers)
   * @param citations the citation objects of {@code fathom ask --json}
   */
  record Reply(
      String model,
      String text,
      String sources,
      String finishReason,
      int promptTokens,
      int completionTokens,
      Object citations) {

    /**
     * The reply to {@code request} answered by {@code a}. A language model's answer keeps its text
     * and reports the model's own counts and finish reason (it generated within {@code max_tokens}
     * and {@code stop}); an extractive answer is cut here at the first stop string and at {@code
     * max_tokens} estimated tokens ({@link TokenEstimate}), {@code length} when that cut it.
     */
    static Reply of(ChatRequest request, String model, QuestionResult.Answered answered) {
      Answer a = answered.answer();
      String sources = ChatCompletions.content(a).substring(a.text().length());
      Object citations = Json.answer(a).get("citations");
      GenerationReport g = a.generation();
      if (g != null && g.generated()) {
        return new Reply(
            model,
            a.text(),
            sources,
            g.finishReason(),
            g.promptTokens(),
            g.completionTokens(),
            citations);
      }
      String text = a.text();
      String finish = "stop";
      for (String s : request.stop()) {
        int at = text.indexOf(s);
        if (at >= 0) text = text.substring(0, at);
      }
      if (request.maxTokens() != null) {
        int cut = TokenEstimate.cut(text, request.maxTokens());
        if (cut >= 0) {
          text = text.substring(0, cut);
          finish = "length";
        }
      }
      return new Reply(
          model,
          text,
          sources,
          finish,
          TokenEstimate.count(request.allText()),
          TokenEstimate.count(text),
          citations);
    }

    String content() {
      return text + sources;
    }

    Map<String, Object> usage() {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("prompt_tokens", promptTokens);
      u.put("completion_tokens", completionTokens);
      u.put("total_tokens", promptTokens + completionTokens);
      return u;
    }
  }

  /** The {@code chat.completion} object for an answer. */
  static Map<String, Object> completion(String id, long created, Reply r) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", r.content());
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("logprobs", null);
    choice.put("finish_reason", r.finishReason());
    Map<String, Object> m = header(id, "chat.completion", created, r.model());
    m.put("choices", List.of(choice));
    m.put("usage", r.usage());
    m.put("citations", r.citations());
    return m;
  }

  /** The first event of a streamed answer: the assistant role. */
  static String opening(String id, long created, String model) {
    return event(chunk(id, created, model, Map.of("role", "assistant", "content", ""), null, null));
  }

  /** A piece of the answer's text as it is generated. */
  static String piece(String id, long created, String model, String text) {
    return event(chunk(id, created, model, Map.of("content", text), null, null));
  }

  /**
   * The last events of an answered stream: the answer's text unless it was streamed already, the
   * sources list, the finish reason with the citations, the usage when asked for ({@code
   * stream_options.include_usage}: a chunk with no choices, as OpenAI sends it), then {@code data:
   * [DONE]}.
   */
  static String closing(String id, long created, Reply r, boolean textStreamed, boolean usage) {
    StringBuilder out = new StringBuilder();
    if (!textStreamed && !r.text().isEmpty()) out.append(piece(id, created, r.model(), r.text()));
    if (!r.sources().isEmpty()) out.append(piece(id, created, r.model(), r.sources()));
    out.append(event(chunk(id, created, r.model(), Map.of(), r.finishReason(), r.citations())));
    if (usage) {
      Map<String, Object> last = header(id, "chat.completion.chunk", created, r.model());
      last.put("choices", List.of());
      last.put("usage", r.usage());
      out.append(event(last));
    }
    return out.append("data: [DONE]\n\n").toString();
  }

  /** A failure after the stream began: an OpenAI error object, then {@code data: [DONE]}. */
  static String failure(String reason) {
    return event(OpenAiError.unavailable(reason).body()) + "data: [DONE]\n\n";
  }

  /** A server-sent-events comment: keeps proxies and clients from closing an idle stream. */
  static final String KEEP_ALIVE = ": keep-alive\n\n";

  private static Map<String, Object> chunk(
      String id,
      long created,
      String model,
      Map<String, Object> delta,
      String finish,
      Object citations) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("logprobs", null);
    choice.put("finish_reason", finish);
    Map<String, Object> m = header(id, "chat.completion.chunk", created, model);
    m.put("choices", List.of(choice));
    if (citations != null) m.put("citations", citations);
    return m;
  }

  private static Map<String, Object> header(String id, String object, long created, String model) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", object);
    m.put("created", created);
    m.put("model", model);
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
