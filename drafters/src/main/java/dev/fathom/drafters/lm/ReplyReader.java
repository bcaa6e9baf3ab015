package dev.fathom.drafters.lm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one reply of an OpenAI-compatible server, whole ({@code chat.completion}, {@code
 * text_completion}) or as server-sent events of chunks (the WHATWG "server-sent events" format:
 * {@code data:} lines, a blank line ending each event, {@code data: [DONE]} last), and gathers its
 * text, finish reason, usage and log-probabilities. Text goes through the stop strings to the
 * listener as it arrives.
 */
final class ReplyReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean chat;
  private final URI uri;
  private final StopStrings stops;
  private final TokenListener listener;
  private final long startNanos;
  private final StringBuilder emitted = new StringBuilder();
  private final StringBuilder received = new StringBuilder();
  private final List<TokenLogprob> logprobs = new ArrayList<>();
  private String finishReason;
  private boolean serverSaysStopString;
  private int promptTokens = -1;
  private int completionTokens = -1;
  private long firstTextNanos = -1;
  private boolean done;

  ReplyReader(boolean chat, URI uri, List<String> stop, TokenListener listener, long startNanos) {
    this.chat = chat;
    this.uri = uri;
    this.stops = new StopStrings(stop);
    this.listener = listener;
    this.startNanos = startNanos;
  }

  /** Reads events until {@code [DONE]}, a stop string matches, or the stream ends. */
  void readEvents(BufferedReader r) throws IOException {
    StringBuilder data = new StringBuilder();
    boolean hasData = false;
    String event = null;
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isEmpty()) {
        if (hasData && dispatch(event, data.toString())) return;
        data.setLength(0);
        hasData = false;
        event = null;
        continue;
      }
      if (line.startsWith(":")) continue; // a comment, e.g. a keep-alive
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value =
          colon < 0 ? "" : line.substring(colon + (line.startsWith(" ", colon + 1) ? 2 : 1));
      switch (field) {
        case "data" -> {
          if (hasData) data.append('\n');
          data.append(value);
          hasData = true;
        }
        case "event" -> event = value;
        // llama.cpp's server reports a failure mid-stream as an "error:" line.
        case "error" ->
            throw fail("the server reported an error mid-stream: " + errorMessage(value));
        default -> {
          if (!field.matches("[A-Za-z_-]+")) {
            throw fail("expected server-sent events from " + uri + ", got the line: " + clip(line));
          }
        }
      }
    }
    if (hasData) dispatch(event, data.toString()); // a last event without its blank line
  }

  /** Handles one event; true when reading should stop. */
  private boolean dispatch(String event, String data) {
    if (data.strip().equals("[DONE]")) {
      done = true;
      return true;
    }
    if ("error".equals(event)) {
      throw fail("the server reported an error mid-stream: " + errorMessage(data));
    }
    onChunk(parse(data, "a data: line that is not JSON"), true);
    return stops.matched();
  }

  /** Reads a reply that came whole. */
  void readWhole(String body) {
    JsonNode j = parse(body, "a reply that is not JSON");
    if (!j.path("choices").isArray() || j.path("choices").isEmpty()) {
      throw fail("the reply from " + uri + " has no choices: " + clip(body));
    }
    onChunk(j, false);
  }

  private JsonNode parse(String text, String what) {
    try {
      JsonNode j = JSON.readTree(text);
      if (j != null && j.isObject()) return j;
    } catch (JsonProcessingException e) {
      // reported below with what was received
    }
    throw fail("the server sent " + what + ": " + clip(text));
  }

  private void onChunk(JsonNode j, boolean streamed) {
    if (j.has("error")) {
      throw fail("the server reported an error mid-stream: " + errorMessage(j.toString()));
    }
    JsonNode usage = j.path("usage");
    if (usage.isObject()) {
      promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
      completionTokens = usage.path("completion_tokens").asInt(completionTokens);
    }
    JsonNode c = j.path("choices").path(0);
    if (c.isMissingNode()) return; // e.g. the usage-only last chunk
    JsonNode content =
        !chat ? c.path("text") : c.path(streamed ? "delta" : "message").path("content");
    if (content.isTextual()) text(content.asText());
    readLogprobs(c.path("logprobs"));
    if (c.path("finish_reason").isTextual()) finishReason = c.get("finish_reason").asText();
    // vLLM names the stop string that matched here (a token id or null for end of sequence).
    if (c.path("stop_reason").isTextual()) serverSaysStopString = true;
  }

  private void text(String piece) {
    if (piece.isEmpty()) return;
    if (firstTextNanos < 0) firstTextNanos = System.nanoTime();
    received.append(piece);
    emit(stops.accept(piece));
  }

  private void emit(String out) {
    if (!out.isEmpty()) {
      emitted.append(out);
      listener.onText(out);
    }
  }

  /** Chat format {@code {content:[{token,logprob,top_logprobs}]}} or the legacy parallel arrays. */
  private void readLogprobs(JsonNode lp) {
    if (lp.path("content").isArray()) {
      for (JsonNode t : lp.get("content")) {
        List<TokenLogprob> top = new ArrayList<>();
        for (JsonNode a : t.path("top_logprobs")) {
          top.add(
              new TokenLogprob(a.path("token").asText(), a.path("logprob").asDouble(), List.of()));
        }
        logprobs.add(new TokenLogprob(t.path("token").asText(), t.path("logprob").asDouble(), top));
      }
    } else if (lp.path("tokens").isArray()) {
      for (int i = 0; i < lp.get("tokens").size(); i++) {
        List<TokenLogprob> top = new ArrayList<>();
        lp.path("top_logprobs")
            .path(i)
            .properties()
            .forEach(
                e -> top.add(new TokenLogprob(e.getKey(), e.getValue().asDouble(), List.of())));
        logprobs.add(
            new TokenLogprob(
                lp.get("tokens").get(i).asText(),
                lp.path("token_logprobs").path(i).asDouble(),
                top));
      }
    }
  }

  /** Releases held-back text and checks that a streamed reply really finished. */
  Generation finish(boolean streamed) {
    long end = System.nanoTime();
    if (streamed && !done && finishReason == null && !stops.matched()) {
      throw fail(
          "the stream from "
              + uri
              + " ended before the server said it had finished (no finish_reason, no [DONE]):"
              + " the connection was closed mid-stream");
    }
    emit(stops.flush());
    Generation.StopReason reason =
        stops.matched() || ("stop".equals(finishReason) && serverSaysStopString)
            ? Generation.StopReason.STOP_STRING
            : "length".equals(finishReason)
                ? Generation.StopReason.MAX_TOKENS
                : Generation.StopReason.EOS;
    // Streamed: time to the first text is the prefill. Whole: it cannot be told apart.
    long first = streamed && firstTextNanos >= 0 ? firstTextNanos : startNanos;
    return new Generation(
        emitted.toString(),
        new int[0],
        new int[0],
        reason,
        Math.max(promptTokens, 0),
        first - startNanos,
        end - first,
        Math.max(completionTokens, 0));
  }

  OpenAiReply reply() {
    return new OpenAiReply(
        stops.matched() ? null : finishReason, promptTokens, completionTokens, logprobs);
  }

  /** An exception carrying all text received so far. */
  OpenAiException fail(String message) {
    return fail(message, 0, null);
  }

  OpenAiException fail(String message, int status, Throwable cause) {
    return new OpenAiException(message, status, received.toString(), cause);
  }

  /** The message of an error body in the formats OpenAI, vLLM, llama.cpp and Ollama use. */
  static String errorMessage(String body) {
    try {
      JsonNode j = JSON.readTree(body);
      if (j != null && j.isObject()) {
        JsonNode e = j.path("error");
        if (e.isTextual()) return e.asText();
        if (e.path("message").isTextual()) return e.get("message").asText();
        if (j.path("message").isTextual()) return j.get("message").asText();
        if (j.has("detail"))
          return j.get("detail").isTextual()
              ? j.get("detail").asText()
              : j.get("detail").toString();
      }
    } catch (JsonProcessingException notJson) {
      // shown raw below
    }
    return body.isBlank() ? "(empty body)" : clip(body);
  }

  static String clip(String s) {
    String one = s.strip().replace("\n", "\\n");
    return one.length() <= 300
        ? "'" + one + "'"
        : "'" + one.substring(0, 300) + "…' (" + s.length() + " characters)";
  }
}
