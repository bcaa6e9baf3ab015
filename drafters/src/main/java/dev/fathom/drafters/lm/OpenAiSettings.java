package dev.fathom.drafters.lm;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where an OpenAI-compatible server is and how to talk to it.
 *
 * @param baseUrl the server, e.g. {@code http://127.0.0.1:8000} (vLLM), {@code
 *     http://127.0.0.1:8080} (llama.cpp server) or {@code http://127.0.0.1:11434/v1} (Ollama); a
 *     trailing {@code /v1} is optional
 * @param model the model id the server knows it by (vLLM checks it; llama.cpp ignores it)
 * @param apiKeyOrNull sent as {@code Authorization: Bearer KEY}; null or blank for none
 * @param timeout the longest wait for the response to begin and, once it streams, between two
 *     pieces of it; a non-streamed reply arrives only when generation is done, so this must cover a
 *     whole generation then
 * @param contextLength tokens of context the served model accepts (the API does not say)
 */
public record OpenAiSettings(
    URI baseUrl, String model, String apiKeyOrNull, Duration timeout, int contextLength) {

  public OpenAiSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(timeout, "timeout");
    String scheme = baseUrl.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException(
          "baseUrl must be an http:// or https:// URL, got '" + baseUrl + "'");
    }
    if (baseUrl.getHost() == null) {
      throw new IllegalArgumentException("baseUrl has no host: '" + baseUrl + "'");
    }
    if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl must not have a query or fragment, got '" + baseUrl + "'");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must name the served model, got '" + model + "'");
    }
    if (apiKeyOrNull != null && apiKeyOrNull.isBlank()) {
      apiKeyOrNull = null;
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (contextLength < 1 || contextLength > 10_000_000) {
      throw new IllegalArgumentException(
          "contextLength must be 1..10000000 tokens, got " + contextLength);
    }
  }

  /** The endpoint {@code path} (e.g. {@code chat/completions}) under {@code /v1}, never doubled. */
  public URI endpoint(String path) {
    String base = baseUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + (base.endsWith("/v1") ? "/" : "/v1/") + path);
  }

  /** Keeps the API key out of logs. */
  @Override
  public String toString() {
    return "OpenAiSettings[baseUrl="
        + baseUrl
        + ", model="
        + model
        + ", apiKey="
        + (apiKeyOrNull == null ? "none" : "***")
        + ", timeout="
        + timeout
        + ", contextLength="
        + contextLength
        + "]";
  }
}
