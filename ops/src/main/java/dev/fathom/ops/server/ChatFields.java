package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.ops.intake.QuestionIntake;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Readers of single {@code /v1/chat/completions} fields for {@link ChatRequest}: each returns the
 * field's value (null when absent) or throws a 400 naming the field and what it must be, as
 * OpenAI's API does.
 */
final class ChatFields {
  private ChatFields() {}

  /** {@code stream_options.include_usage}; the object is only allowed when streaming. */
  static boolean includeUsage(JsonNode j, boolean stream) {
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
    return includeUsage;
  }

  /** {@code seed}: any integer that fits in a long. */
  static Long seed(JsonNode j) {
    if (!present(j, "seed")) return null;
    if (!j.get("seed").isIntegralNumber() || !j.get("seed").canConvertToLong()) {
      throw OpenAiError.invalid("seed", "seed must be an integer, got " + j.get("seed")).failure();
    }
    return j.get("seed").asLong();
  }

  static void refuseUnsupported(JsonNode j) {
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

  static boolean present(JsonNode j, String field) {
    return j.has(field) && !j.get(field).isNull();
  }

  static String optionalText(JsonNode j, String field) {
    if (!present(j, field)) return null;
    if (!j.get(field).isTextual() || j.get(field).asText().isBlank()) {
      throw OpenAiError.invalid(field, field + " must be a non-empty string, got " + j.get(field))
          .failure();
    }
    return j.get(field).asText();
  }

  static Float number(JsonNode j, String field, double min, double max) {
    if (!present(j, field)) return null;
    JsonNode v = j.get(field);
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
      throw OpenAiError.invalid(
              field, field + " must be a number in " + min + ".." + max + ", got " + v)
          .failure();
    }
    return (float) v.asDouble();
  }

  static Integer whole(JsonNode j, String field) {
    if (!present(j, field)) return null;
    JsonNode v = j.get(field);
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > ChatRequest.MAX_TOKENS) {
      throw OpenAiError.invalid(
              field, field + " must be an integer in 1.." + ChatRequest.MAX_TOKENS + ", got " + v)
          .failure();
    }
    return v.asInt();
  }

  static List<String> stop(JsonNode j) {
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
