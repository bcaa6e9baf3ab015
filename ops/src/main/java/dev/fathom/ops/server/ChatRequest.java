package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.answer.AnswerRequest;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.KvEvictionSettings;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.ScopeIntake;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A {@code POST /v1/chat/completions} body, read and checked field by field as OpenAI's API reads
 * it. Every field is honoured or refused with a 400 naming it ({@code param}); none is dropped
 * unseen:
 *
 * <ul>
 *   <li>{@code messages}: {@code content} a string or an array of text parts; the last user message
 *       is the question, earlier turns are history, system (and {@code developer}) messages are the
 *       caller's instructions
 *   <li>{@code model}: see {@link ServedModels}
 *   <li>{@code temperature} (0..2), {@code top_p} (0 exclusive..1), {@code seed}, {@code
 *       max_tokens} or {@code max_completion_tokens} (1..1,000,000), {@code stop} (a string or up
 *       to 4)
 *   <li>{@code stream}, {@code stream_options.include_usage}
 *   <li>{@code kv_eviction}, Fathom's own: this request's KV eviction ({@link KvEvictionField})
 *   <li>{@code n} must be 1; {@code frequency_penalty} and {@code presence_penalty} must be 0;
 *       {@code tools}, {@code functions}, {@code response_format} other than text, {@code logprobs}
 *       and {@code logit_bias} are refused; {@code user}, {@code metadata}, {@code store} and
 *       {@code parallel_tool_calls} carry nothing Fathom acts on and are accepted
 * </ul>
 */
record ChatRequest(
    QuestionIntake.Accepted question,
    List<ChatHistory.Message> messages,
    String model,
    Float temperature,
    Float topP,
    Long seed,
    Integer maxTokens,
    List<String> stop,
    boolean stream,
    boolean includeUsage,
    String instructions,
    KvEvictionSettings kvEviction) {

  static final int MAX_TOKENS = 1_000_000;

  private static final Set<String> KNOWN =
      Set.of(
          "messages",
          "model",
          "temperature",
          "top_p",
          "seed",
          "max_tokens",
          "max_completion_tokens",
          "stop",
          "stream",
          "stream_options",
          "n",
          "frequency_penalty",
          "presence_penalty",
          "user",
          "metadata",
          "store",
          "parallel_tool_calls",
          "response_format",
          "logprobs",
          "top_logprobs",
          "logit_bias",
          "tools",
          "tool_choice",
          "functions",
          "function_call",
          // Fathom's own (docs/collections.md), sent as extra body fields by OpenAI clients.
          "collection",
          "filter",
          KvEvictionField.NAME);

  /**
   * Reads {@code j}; the question goes through {@code intake} like every other question.
   *
   * @throws OpenAiError.Failure a 400 naming the field at fault
   */
  static ChatRequest parse(JsonNode j, QuestionIntake intake) {
    for (Iterator<String> names = j.fieldNames(); names.hasNext(); ) {
      String n = names.next();
      if (!KNOWN.contains(n)) {
        throw OpenAiError.invalid(n, "Unrecognized request argument supplied: " + n).failure();
      }
    }
    refuseUnsupported(j);
    boolean stream;
    try {
      stream = QuestionIntake.flag(j, "stream");
    } catch (IllegalArgumentException e) {
      throw OpenAiError.invalid("stream", e.getMessage()).failure();
    }
    List<ChatHistory.Message> messages;
    QuestionIntake.Accepted accepted;
    try {
      accepted = ChatCompletions.parse(j, intake);
      messages = ChatHistory.messages(j.get("messages"));
    } catch (IllegalArgumentException e) {
      throw OpenAiError.invalid("messages", e.getMessage()).failure();
    }
    accepted = scoped(accepted, j);
    String model = optionalText(j, "model");
    Float temperature = number(j, "temperature", 0, 2);
    Float topP = number(j, "top_p", 0, 1);
    if (topP != null && topP == 0f) {
      throw OpenAiError.invalid("top_p", "top_p must be in (0, 1], got 0").failure();
    }
    Long seed = null;
    if (present(j, "seed")) {
      if (!j.get("seed").isIntegralNumber() || !j.get("seed").canConvertToLong()) {
        throw OpenAiError.invalid("seed", "seed must be an integer, got " + j.get("seed"))
            .failure();
      }
      seed = j.get("seed").asLong();
    }
    Integer maxTokens = whole(j, "max_completion_tokens");
    if (maxTokens == null) maxTokens = whole(j, "max_tokens");
    boolean includeUsage = false;
    if (present(j, "stream_options")) {
      JsonNode o = j.get("stream_options");
      if (!stream) {
        throw OpenAiError.invalid(
                "stream_options", "stream_options is only allowed when stream is true")
            .failure();
      }
      if (!o.isObject()) {
        throw OpenAiError.invalid("stream_options", "stream_options must be an object").failure();
      }
      for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
        String n = names.next();
        if (!n.equals("include_usage")) {
          throw OpenAiError.invalid(
                  "stream_options." + n, "stream_options." + n + " is not supported")
              .failure();
        }
      }
      try {
        includeUsage = QuestionIntake.flag(o, "include_usage");
      } catch (IllegalArgumentException e) {
        throw OpenAiError.invalid("stream_options.include_usage", e.getMessage()).failure();
      }
    }
    StringBuilder system = new StringBuilder();
    for (ChatHistory.Message m : messages) {
      if ((m.role().equals("system") || m.role().equals("developer")) && !m.text().isBlank()) {
        if (!system.isEmpty()) system.append('\n');
        system.append(m.text().strip());
      }
    }
    return new ChatRequest(
        accepted,
        messages,
        model,
        temperature,
        topP,
        seed,
        maxTokens,
        stop(j),
        stream,
        includeUsage,
        system.toString(),
        KvEvictionField.parse(j));
  }

  /** What the answer stage is asked for: the chosen mode, these settings, the instructions. */
  AnswerRequest answerRequest(boolean extractive, TokenListener stream) {
    return new AnswerRequest(
        stream, extractive, maxTokens, temperature, topP, seed, stop, instructions, kvEviction);
  }

  /**
   * Refuses what the extractive answerer cannot honour: sampling (its answers are deterministic, as
   * at temperature 0, whatever the seed).
   */
  void checkExtractive(String modelId) {
    if (temperature != null && temperature > 0f) {
      throw OpenAiError.invalid(
              "temperature",
              "temperature "
                  + temperature
                  + " is not supported by "
                  + modelId
                  + ": it composes answers from the evidence without sampling; send 0 or omit"
                  + " it, or choose a language model (GET /v1/models)")
          .failure();
    }
    if (topP != null && topP < 1f) {
      throw OpenAiError.invalid(
              "top_p",
              "top_p "
                  + topP
                  + " is not supported by "
                  + modelId
                  + ": it composes answers without sampling; send 1 or omit it")
          .failure();
    }
  }

  /** The text of every message, for a prompt-token estimate. */
  String allText() {
    StringBuilder b = new StringBuilder();
    for (ChatHistory.Message m : messages) b.append(m.text()).append('\n');
    return b.toString();
  }

  /**
   * The question searched in the body's {@code collection} and {@code filter}, read as {@code POST
   * /v1/ask} reads them; a bad one is a 400 naming it.
   */
  private static QuestionIntake.Accepted scoped(QuestionIntake.Accepted a, JsonNode j) {
    try {
      return new QuestionIntake.Accepted(
          a.question().withScope(ScopeIntake.fromJson(j)), a.sessionId(), a.stream());
    } catch (IllegalArgumentException e) {
      String param = e.getMessage().contains("collection") ? "collection" : "filter";
      throw OpenAiError.invalid(param, e.getMessage()).failure();
    }
  }

  private static void refuseUnsupported(JsonNode j) {
    for (String f : List.of("tools", "tool_choice", "functions", "function_call")) {
      if (present(j, f)) {
        throw OpenAiError.invalid(f, f + " is not supported: Fathom answers from documents")
            .failure();
      }
    }
    if (present(j, "n") && !(j.get("n").isIntegralNumber() && j.get("n").asInt() == 1)) {
      throw OpenAiError.invalid("n", "n must be 1 (one answer per request), got " + j.get("n"))
          .failure();
    }
    for (String f : List.of("frequency_penalty", "presence_penalty")) {
      if (present(j, f) && !(j.get(f).isNumber() && j.get(f).asDouble() == 0)) {
        throw OpenAiError.invalid(f, f + " is not supported; send 0 or omit it, got " + j.get(f))
            .failure();
      }
    }
    if (present(j, "logprobs")
        && !(j.get("logprobs").isBoolean() && !j.get("logprobs").asBoolean())) {
      throw OpenAiError.invalid("logprobs", "logprobs are not supported; send false or omit it")
          .failure();
    }
    if (present(j, "top_logprobs")) {
      throw OpenAiError.invalid("top_logprobs", "top_logprobs are not supported").failure();
    }
    if (present(j, "logit_bias")
        && !(j.get("logit_bias").isObject() && j.get("logit_bias").isEmpty())) {
      throw OpenAiError.invalid("logit_bias", "logit_bias is not supported").failure();
    }
    if (present(j, "response_format")
        && !j.get("response_format").path("type").asText().equals("text")) {
      throw OpenAiError.invalid(
              "response_format",
              "response_format must be {\"type\":\"text\"}: answers are cited text, got "
                  + j.get("response_format"))
          .failure();
    }
  }

  private static boolean present(JsonNode j, String field) {
    return j.has(field) && !j.get(field).isNull();
  }

  private static String optionalText(JsonNode j, String field) {
    if (!present(j, field)) return null;
    if (!j.get(field).isTextual() || j.get(field).asText().isBlank()) {
      throw OpenAiError.invalid(field, field + " must be a non-empty string, got " + j.get(field))
          .failure();
    }
    return j.get(field).asText();
  }

  private static Float number(JsonNode j, String field, double min, double max) {
    if (!present(j, field)) return null;
    JsonNode v = j.get(field);
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
      throw OpenAiError.invalid(
              field, field + " must be a number in " + min + ".." + max + ", got " + v)
          .failure();
    }
    return (float) v.asDouble();
  }

  private static Integer whole(JsonNode j, String field) {
    if (!present(j, field)) return null;
    JsonNode v = j.get(field);
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > MAX_TOKENS) {
      throw OpenAiError.invalid(
              field, field + " must be an integer in 1.." + MAX_TOKENS + ", got " + v)
          .failure();
    }
    return v.asInt();
  }

  private static List<String> stop(JsonNode j) {
    if (!present(j, "stop")) return List.of();
    JsonNode v = j.get("stop");
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray() && v.size() <= 4) {
      for (JsonNode s : v) {
        if (!s.isTextual()) {
          throw OpenAiError.invalid("stop", "stop must hold strings, got " + s).failure();
        }
        out.add(s.asText());
      }
    } else {
      throw OpenAiError.invalid("stop", "stop must be a string or an array of up to 4 strings")
          .failure();
    }
    if (out.stream().anyMatch(String::isEmpty)) {
      throw OpenAiError.invalid("stop", "stop strings must not be empty").failure();
    }
    return List.copyOf(out);
  }
}
