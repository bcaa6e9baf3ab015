package dev.fathom.drafters.lm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A {@link LanguageModel} served by an OpenAI-compatible server: vLLM, llama.cpp's {@code
 * llama-server}, Ollama's {@code /v1}, or Fathom's own {@code serve}. {@link #chat} posts to {@code
 * /v1/chat/completions}, {@link #complete} to {@code /v1/completions}.
 *
 * <p>With a listener other than {@link TokenListener#NONE} the request asks for {@code
 * "stream":true} and text reaches the listener as the server's chunks arrive; otherwise the reply
 * comes whole. Stop strings are sent to the server and also watched here, so a server that ignores
 * them still stops (the connection is closed at the match).
 *
 * <p>Sampling: {@code temperature}, {@code top_p}, {@code seed}, {@code max_tokens} and {@code
 * stop} are standard. {@code top_k}, {@code min_p} and {@code repetition_penalty} are extensions
 * that vLLM and llama.cpp accept; they are sent only when not at their neutral value, because
 * OpenAI's own API rejects them. A server that ignores them samples without those filters, and none
 * takes the penalty window, so results differ from the in-JVM engine's.
 *
 * <p>The {@link Generation} has no token ids (the API gives none); its prompt token count comes
 * from {@code usage} when the server reports it. Streamed, the time to the first text counts as
 * prefill; whole, all time counts as decode. {@link #lastReply()} has the finish reason, both token
 * counts and, after {@link #requestLogprobs}, the per-token log-probabilities.
 *
 * <p>Failures are {@link OpenAiException}s that say what went wrong and keep the text that had
 * arrived. One request at a time, as {@link LanguageModel} says.
 */
public final class OpenAiCompatibleModel implements LanguageModel {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final OpenAiSettings settings;
  private final HttpClient http;
  private int topLogprobs = -1; // -1: do not ask
  private OpenAiReply lastReply = new OpenAiReply(null, -1, -1, List.of());

  public OpenAiCompatibleModel(OpenAiSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http =
        HttpClient.newBuilder()
            // HTTP/1.1: over plain http the JDK would otherwise try an h2c upgrade, which some
            // Python servers answer badly; SSE needs nothing from HTTP/2.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .build();
  }

  public OpenAiSettings settings() {
    return settings;
  }

  /**
   * Asks for log-probabilities from now on: of each generated token and of the {@code top} most
   * likely alternatives at each position (0 .. 20, OpenAI's limit). Servers that do not offer them
   * return none; {@link OpenAiReply#logprobs()} is then empty.
   */
  public OpenAiCompatibleModel requestLogprobs(int top) {
    if (top < 0 || top > 20) {
      throw new IllegalArgumentException("top logprobs must be 0..20, got " + top);
    }
    this.topLogprobs = top;
    return this;
  }

  /** Finish reason, token counts and log-probabilities of the last successful request. */
  public OpenAiReply lastReply() {
    return lastReply;
  }

  @Override
  public String name() {
    return settings.model();
  }

  @Override
  public int contextLength() {
    return settings.contextLength();
  }

  @Override
  public Generation complete(String prompt, GenerationSettings s, TokenListener listener) {
    ObjectNode body = body(s, listener);
    body.put("prompt", Objects.requireNonNull(prompt, "prompt"));
    if (topLogprobs >= 0) body.put("logprobs", topLogprobs); // the legacy API's integer form
    return exchange(settings.endpoint("completions"), false, body, s, listener);
  }

  @Override
  public Generation chat(List<ChatMessage> messages, GenerationSettings s, TokenListener listener) {
    if (messages.isEmpty()) throw new IllegalArgumentException("a chat needs at least one message");
    ObjectNode body = body(s, listener);
    var array = body.putArray("messages");
    for (ChatMessage m : messages)
      array.addObject().put("role", m.role()).put("content", m.content());
    if (topLogprobs >= 0) body.put("logprobs", true).put("top_logprobs", topLogprobs);
    return exchange(settings.endpoint("chat/completions"), true, body, s, listener);
  }

  /** The fields chat and completions share. */
  private ObjectNode body(GenerationSettings s, TokenListener listener) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", settings.model());
    b.put("max_tokens", s.maxTokens());
    b.put("temperature", s.temperature());
    b.put("top_p", s.topP());
    b.put("seed", s.seed());
    if (!s.stop().isEmpty()) s.stop().forEach(b.putArray("stop")::add);
    if (s.topK() > 0) b.put("top_k", s.topK());
    if (s.minP() > 0f) b.put("min_p", s.minP());
    if (s.repetitionPenalty() != 1f) b.put("repetition_penalty", s.repetitionPenalty());
    boolean stream = listener != TokenListener.NONE;
    b.put("stream", stream);
    if (stream) b.putObject("stream_options").put("include_usage", true);
    return b;
  }

  private Generation exchange(
      URI uri, boolean chat, ObjectNode body, GenerationSettings s, TokenListener listener) {
    Objects.requireNonNull(listener, "listener");
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the request JSON", e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .header(
                "Accept", body.get("stream").asBoolean() ? "text/event-stream" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    if (settings.apiKeyOrNull() != null) {
      request.header("Authorization", "Bearer " + settings.apiKeyOrNull());
    }
    long start = System.nanoTime();
    ReplyReader reader = new ReplyReader(chat, uri, s.stop(), listener, start);
    HttpResponse<InputStream> response = send(request.build(), reader);
    boolean streamed = false;
    try (IdleTimeoutInputStream in =
        new IdleTimeoutInputStream(response.body(), settings.timeout())) {
      try {
        if (response.statusCode() != 200) {
          throw httpError(uri, response.statusCode(), in, reader)
              .withRetryAfter(retryAfter(response));
        }
        streamed =
            response
                .headers()
                .firstValue("Content-Type")
                .orElse("")
                .startsWith("text/event-stream");
        if (streamed) {
          reader.readEvents(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } else {
          reader.readWhole(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      } catch (IOException | OpenAiException e) {
        // A stream closed for idleness reads as its end or as junk: say it was the timeout.
        if (in.timedOut()) throw reader.fail(brokenMessage(uri, true, null), 0, e);
        if (e instanceof OpenAiException known) throw known;
        throw reader.fail(brokenMessage(uri, false, (IOException) e), 0, e);
      }
      if (in.timedOut()) throw reader.fail(brokenMessage(uri, true, null), 0, null);
    } catch (IOException closing) {
      // Closing a body stream whose request is done or abandoned; nothing was lost.
    }
    Generation g = reader.finish(streamed);
    lastReply = reader.reply();
    return g;
  }

  private HttpResponse<InputStream> send(HttpRequest request, ReplyReader reader) {
    URI uri = request.uri();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw reader.fail(
          "cannot connect to " + uri + " within " + settings.timeout() + ": is the server up?",
          0,
          e);
    } catch (HttpTimeoutException e) {
      throw reader.fail(
          "no response from " + uri + " within " + settings.timeout() + " (the timeout)", 0, e);
    } catch (ConnectException e) {
      throw reader.fail(
          "cannot connect to "
              + uri
              + " (connection refused): is the server running and is the URL right?",
          0,
          e);
    } catch (IOException e) {
      throw reader.fail("the request to " + uri + " failed: " + e, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw reader.fail("interrupted while waiting for " + uri, 0, e);
    }
  }

  private OpenAiException httpError(URI uri, int status, InputStream in, ReplyReader reader)
      throws IOException {
    String body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
    String message = ReplyReader.errorMessage(body);
    if (status == 401) {
      return reader.fail(
          (settings.apiKeyOrNull() == null
                  ? "the server at " + uri + " wants an API key and none is set"
                  : "the server at " + uri + " rejected the API key")
              + " (HTTP 401): "
              + message,
          status,
          null);
    }
    return reader.fail("HTTP " + status + " from " + uri + ": " + message, status, null);
  }

  /** The {@code Retry-After} header in delta-seconds (the form rate limiters send), or null. */
  private static java.time.Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::strip)
        .filter(v -> v.matches("\\d{1,6}"))
        .map(v -> java.time.Duration.ofSeconds(Long.parseLong(v)))
        .orElse(null);
  }

  private String brokenMessage(URI uri, boolean timedOut, IOException e) {
    return timedOut
        ? "the server at " + uri + " sent nothing for " + settings.timeout() + " (the timeout)"
        : "the connection to " + uri + " broke mid-reply: " + e;
  }

  @Override
  public void close() {
    http.close();
  }
}
