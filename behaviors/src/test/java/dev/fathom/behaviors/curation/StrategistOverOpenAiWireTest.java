package dev.fathom.behaviors.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.fathom.drafters.lm.OpenAiCompatibleModel;
import dev.fathom.drafters.lm.OpenAiSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The strategist over the OpenAI-compatible client, against a server speaking the chat-completions
 * wire format (a JDK {@link HttpServer}): what a user running vLLM, llama.cpp server or Ollama as
 * the strategist gets. The server answers the reflection, then a messy numbered extraction.
 */
class StrategistOverOpenAiWireTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void reflectsAndExtractsThroughTheWireFormat() throws Exception {
    List<JsonNode> requests = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/chat/completions",
        x -> {
          try (x) {
            JsonNode request = JSON.readTree(x.getRequestBody());
            requests.add(request);
            String prompt = request.path("messages").toString();
            String content =
                prompt.contains("Reflect briefly")
                    ? "The answer misread the year; it should have reread the number."
                    : "Here are the behaviors:\n1. **behavior_reread_numbers**: reread every"
                        + " number against the cited source before answering\n\nHope this helps!";
            ObjectNode reply = JSON.createObjectNode();
            ObjectNode choice = reply.putArray("choices").addObject();
            choice.putObject("message").put("role", "assistant").put("content", content);
            choice.put("finish_reason", "stop");
            reply.putObject("usage").put("prompt_tokens", 50).put("completion_tokens", 12);
            byte[] body = JSON.writeValueAsBytes(reply);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
          }
        });
    server.start();
    try (OpenAiCompatibleModel model =
        new OpenAiCompatibleModel(
            new OpenAiSettings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "served-model",
                null,
                Duration.ofSeconds(10),
                8192))) {
      MetacognitiveStrategist.Output out =
          new MetacognitiveStrategist(model, MetacognitiveStrategist.Settings.defaults())
              .run(MetacognitiveStrategistTest.trace());

      assertEquals(2, requests.size(), "one reflection request, one extraction request");
      assertEquals("served-model", requests.get(0).path("model").asText());
      String reflectPrompt = requests.get(0).path("messages").toString();
      assertTrue(reflectPrompt.contains("<<<evidence 1"), "evidence fenced: " + reflectPrompt);
      assertTrue(reflectPrompt.contains("The war ended in 1871."), reflectPrompt);
      assertTrue(requests.get(1).path("messages").toString().contains("misread the year"));

      BehaviorListParser.Parsed parsed = BehaviorListParser.parse(out.extraction());
      assertEquals(1, parsed.behaviors().size(), parsed.toString());
      assertEquals("behavior_reread_numbers", parsed.behaviors().get(0).name());
      assertTrue(parsed.behaviors().get(0).instruction().startsWith("reread every number"));
      assertEquals(24, out.completionTokens(), "usage of both calls, as the server reported it");
    } finally {
      server.stop(0);
    }
  }
}
