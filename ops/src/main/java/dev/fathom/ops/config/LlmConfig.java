package dev.fathom.ops.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.OpenAiCompatibleModel;
import dev.fathom.drafters.lm.OpenAiSettings;
import dev.fathom.drafters.lm.RetryPolicy;
import dev.fathom.drafters.lm.RetryingLanguageModel;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The model server Fathom generates with when no GGUF file is given ({@code fathom.llm.*}, or
 * {@code --llm URL}): any server that speaks the OpenAI chat-completions API, such as Ollama
 * ({@code http://127.0.0.1:11434/v1}), vLLM ({@code http://127.0.0.1:8000}) or llama.cpp's {@code
 * llama-server} ({@code http://127.0.0.1:8080}).
 *
 * @param url the server; blank when none is configured
 * @param model the model id the server knows
 * @param apiKeyEnv the environment variable that holds the API key (blank: send none). The key
 *     itself never sits in a configuration file.
 * @param timeout longest wait to connect, for the reply to begin, and between streamed pieces
 * @param contextLength tokens of context the served model accepts (the API does not say)
 * @param retry how 429 and 5xx answers are tried again
 */
public record LlmConfig(
    String url,
    String model,
    String apiKeyEnv,
    Duration timeout,
    int contextLength,
    RetryPolicy retry) {

  /** No server: the setting's defaults with a blank URL. */
  public static final LlmConfig NONE =
      new LlmConfig("", "default", "", Duration.ofSeconds(120), 8192, RetryPolicy.DEFAULTS);

  public LlmConfig {
    url = url == null ? "" : url.strip();
    Objects.requireNonNull(model, "model");
    apiKeyEnv = apiKeyEnv == null ? "" : apiKeyEnv.strip();
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retry, "retry");
  }

  /**
   * Reads {@code fathom.llm}; a configuration without that section has no server.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static LlmConfig from(Config root) {
    if (!root.hasPath("fathom.llm")) return NONE;
    try {
      Config c = root.getConfig("fathom.llm");
      LlmConfig l =
          new LlmConfig(
              c.getString("url"),
              c.getString("model"),
              c.getString("api-key-env"),
              c.getDuration("timeout"),
              c.getInt("context-length"),
              new RetryPolicy(
                  c.getInt("retry.attempts"),
                  c.getDuration("retry.initial-backoff"),
                  c.getDuration("retry.max-backoff")));
      if (l.configured()) l.settings(l.url, Map.of()); // validate now, not at the first question
      return l;
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException("configuration: fathom.llm: " + e.getMessage(), e);
    }
  }

  /** Whether a server URL is set. */
  public boolean configured() {
    return !url.isEmpty();
  }

  /** These settings with the server at {@code url} ({@code --llm URL}). */
  public LlmConfig withUrl(String url) {
    return new LlmConfig(url, model, apiKeyEnv, timeout, contextLength, retry);
  }

  /**
   * The client settings for {@code baseUrl}, the API key read from {@code env}.
   *
   * @throws IllegalArgumentException naming a bad URL or an API-key variable that is unset
   */
  public OpenAiSettings settings(String baseUrl, Map<String, String> env) {
    URI uri;
    try {
      uri = URI.create(baseUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the model server URL '" + baseUrl + "' is not a URL: " + e.getMessage(), e);
    }
    String key = null;
    if (!apiKeyEnv.isEmpty() && !env.isEmpty()) {
      key = env.get(apiKeyEnv);
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            "fathom.llm.api-key-env names the environment variable "
                + apiKeyEnv
                + ", which is not set: export it or set fathom.llm.api-key-env = \"\"");
      }
    }
    return new OpenAiSettings(uri, model, key, timeout, contextLength);
  }

  /** The client for the configured server, retrying as {@link #retry()} says. */
  public LanguageModel open() {
    if (!configured()) throw new IllegalStateException("no model server is configured");
    return new RetryingLanguageModel(
        new OpenAiCompatibleModel(settings(url, System.getenv())), retry);
  }
}
