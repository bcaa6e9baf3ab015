package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.answer.AnswerRequest;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.KvEvictionSettings;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.ScopeIntake;
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
    ChatFields.refuseUnsupported(j);
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
    String model = ChatFields.optionalText(j, "model");
    Float temperature = ChatFields.number(j, "temperature", 0, 2);
    Float topP = ChatFields.number(j, "top_p", 0, 1);
    if (topP != null && topP == 0f) {
      throw OpenAiError.invalid("top_p", "top_p must be in (0, 1], got 0").failure();
    }
    Long seed = ChatFields.seed(j);
    Integer maxTokens = ChatFields.whole(j, "max_completion_tokens");
    if (maxTokens == null) maxTokens = ChatFields.whole(j, "max_tokens");
    boolean includeUsage = ChatFields.includeUsage(j, stream);
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
        ChatFields.stop(j),
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
}
