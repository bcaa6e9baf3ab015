package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.KvEvictionSettings;
import dev.fathom.memory.PassagePolicy;
import java.util.Iterator;

/**
 * A chat request's {@code kv_eviction}, Fathom's extension field: {@code {"policy": "snapkv",
 * "budget": 512}} bounds this request's KV cache to {@code budget} positions under one of the
 * eviction policies of docs/memory.md ({@code streaming-llm}, {@code h2o}, {@code snapkv}), in
 * place of the model's own ({@code GenerationSettings.kvEviction}). A request whose prompt plus
 * {@code max_tokens} fits the budget never evicts. The passage policy is refused: it keeps whole
 * evidence passages, and the answer stage does not yet tell the engine where in the prompt they lie
 * (without them every position is a block of its own, H2O by another name). Each fault is a 400
 * whose {@code param} names the field ({@code kv_eviction}, {@code kv_eviction.policy}, {@code
 * kv_eviction.budget}) and whose message names the value and the legal range.
 */
final class KvEvictionField {
  static final String NAME = "kv_eviction";

  /** Most positions a budget may name: as many as a request may generate. */
  static final int MAX_BUDGET = ChatRequest.MAX_TOKENS;

  private KvEvictionField() {}

  /**
   * The settings {@code body} asks for, or null when it has no {@code kv_eviction} (the model's
   * own).
   *
   * @throws OpenAiError.Failure a 400 naming the field at fault
   */
  static KvEvictionSettings parse(JsonNode body) {
    JsonNode v = body.get(NAME);
    if (v == null || v.isNull()) return null;
    if (!v.isObject()) {
      throw invalid(
          NAME, NAME + " must be an object {\"policy\": name, \"budget\": positions}, got " + v);
    }
    for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
      String n = names.next();
      if (!n.equals("policy") && !n.equals("budget")) {
        throw invalid(NAME + "." + n, NAME + "." + n + " is not a field: use policy and budget");
      }
    }
    KvEvictionPolicy policy = policy(v.get("policy"));
    JsonNode budget = v.get("budget");
    int min = policy.minBudget();
    if (budget == null
        || !budget.isIntegralNumber()
        || budget.asLong() < min
        || budget.asLong() > MAX_BUDGET) {
      throw invalid(
          NAME + ".budget",
          NAME
              + ".budget must be an integer in "
              + min
              + ".."
              + MAX_BUDGET
              + " (positions kept; "
              + policy.name()
              + " needs at least "
              + min
              + "), got "
              + budget);
    }
    return new KvEvictionSettings(policy, budget.asInt());
  }

  /**
   * Refuses {@code requested} (null: nothing to refuse) where {@code modelId} would not honour it:
   * it has no KV cache of Fathom's (extractive answers, a model server) or answers with RAPID,
   * whose verification rewinds the cache an eviction would have renumbered.
   *
   * @throws OpenAiError.Failure a 400 naming {@code kv_eviction} and saying {@code why}
   */
  static void refuse(KvEvictionSettings requested, String modelId, String why) {
    if (requested != null) {
      throw invalid(NAME, NAME + " is not supported by " + modelId + ": " + why + "; omit it");
    }
  }

  private static KvEvictionPolicy policy(JsonNode v) {
    String legal = NAME + ".policy must be streaming-llm, h2o or snapkv, got " + v;
    if (v == null || !v.isTextual()) throw invalid(NAME + ".policy", legal);
    KvEvictionPolicy policy;
    try {
      policy = KvEvictionPolicy.parse(v.asText(), KvEvictionSettings.SINKS);
    } catch (IllegalArgumentException e) {
      throw invalid(NAME + ".policy", legal);
    }
    if (policy instanceof PassagePolicy) {
      throw invalid(
          NAME + ".policy",
          legal
              + ": passage keeps whole evidence passages, and the answer stage does not yet give"
              + " the engine their token spans");
    }
    return policy;
  }

  private static OpenAiError.Failure invalid(String param, String message) {
    return OpenAiError.invalid(param, message).failure();
  }
}
