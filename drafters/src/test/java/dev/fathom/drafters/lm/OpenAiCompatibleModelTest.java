package dev.fathom.drafters.lm;

import static dev.fathom.drafters.lm.FakeOpenAiServer.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleModelTest {

  private static final List<ChatMessage> CHAT =
      List.of(ChatMessage.system("Be brief."), ChatMessage.user("How tall is the Eiffel Tower?"));

  private FakeOpenAiServer server;
  private OpenAiCompatibleModel model;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOpenAiServer();
    model =
        new OpenAiCompatibleModel(
            new OpenAiSettings(
                server.base(), "qwen2.5-0.5b", "sk-test", Duration.ofSeconds(10), 32_768));
  }

  @AfterEach
  void stop() {
    model.close();
    server.close();
  }

  @Test
  void aPlainChatSendsTheSettingsAndReadsTheWholeReply() {
    server.reply(
        x ->
            json(
                x,
                200,
                """
                {"id":"c1","object":"chat.completion","choices":[{"index":0,
                 "message":{"role":"assistant","content":"330 metres."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":21,"completion_tokens":4,"total_tokens":25}}"""));
    GenerationSettings s = GenerationSettings.GREEDY.withMaxTokens(64).withStop(List.of("\n\n"));
    Generation g = model.chat(CHAT, s, TokenListener.NONE);

    assertEquals("/v1/chat/completions", server.path);
    assertEquals("Bearer sk-test", server.authorization);
    JsonNode r = server.request;
    assertEquals("qwen2.5-0.5b", r.get("model").asText());
    assertEquals("system", r.get("messages").get(0).get("role").asText());
    assertEquals("How tall is the Eiffel Tower?", r.get("messages").get(1).get("content").asText());
    assertEquals(64, r.get("max_tokens").asInt());
    assertEquals(0.0, r.get("temperature").asDouble());
    assertEquals(1.0, r.get("top_p").asDouble());
    assertEquals(42L, r.get("seed").asLong());
    assertEquals("\n\n", r.get("stop").get(0).asText());
    assertFalse(r.get("stream").asBoolean());
    assertFalse(r.has("top_k") || r.has("min_p") || r.has("repetition_penalty"), r.toString());
    assertFalse(r.has("logprobs") || r.has("stream_options"), r.toString());

    assertEquals("330 metres.", g.text());
    assertEquals(Generation.StopReason.EOS, g.stopReason());
    assertEquals(21, g.promptTokenCount());
    assertEquals(new OpenAiReply("stop", 21, 4, List.of()), model.lastReply());
  }

  @Test
  void nonStandardSamplingFieldsAreSentOnlyWhenTheyDoSomething() {
    server.reply(x -> json(x, 200, "{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}"));
    GenerationSettings s =
        new GenerationSettings(8, 0.7f, 40, 0.9f, 0.05f, 1.1f, 64, 1L, List.of());
    model.chat(CHAT, s, TokenListener.NONE);
    JsonNode r = server.request;
    assertEquals(40, r.get("top_k").asInt());
    assertEquals(0.05, r.get("min_p").asDouble(), 1e-6);
    assertEquals(1.1, r.get("repetition_penalty").asDouble(), 1e-6);
    assertEquals(0.9, r.get("top_p").asDouble(), 1e-6);
  }

  @Test
  void aStreamedChatDeliversEachDeltaToTheListener() {
    server.reply(
        x -> {
          OutputStream out = events(x);
          event(out, "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}");
          event(out, delta("The tower is "));
          event(out, delta("330 m tall — "));
          // A multi-byte character split between two network writes.
          byte[] e = "é.".getBytes(java.nio.charset.StandardCharsets.UTF_8);
          out.write(("data: " + delta("caf")).getBytes());
          out.write("\n\n".getBytes());
          out.write("data: {\"choices\":[{\"delta\":{\"content\":\"".getBytes());
          out.write(e, 0, 1);
          out.flush();
          Thread.sleep(50);
          out.write(e, 1, e.length - 1);
          out.write("\"}}]}\n\n".getBytes());
          event(out, finish("length"));
          event(out, "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7}}");
          out.write("data: [DONE]\n\n".getBytes());
        });
    List<String> pieces = new ArrayList<>();
    Generation g = model.chat(CHAT, GenerationSettings.GREEDY, pieces::add);

    JsonNode r = server.request;
    assertTrue(r.get("stream").asBoolean());
    assertTrue(r.get("stream_options").get("include_usage").asBoolean());
    assertEquals(List.of("The tower is ", "330 m tall — ", "caf", "é."), pieces);
    assertEquals("The tower is 330 m tall — café.", g.text());
    assertEquals(Generation.StopReason.MAX_TOKENS, g.stopReason());
    assertEquals(9, g.promptTokenCount());
    assertEquals(7, model.lastReply().completionTokens());
    assertTrue(g.prefillNanos() > 0 && g.decodeNanos() > 0, g.toString());
  }

  @Test
  void aStopStringTheServerIgnoresStillEndsTheGenerationHere() {
    server.reply(
        x -> {
          OutputStream out = events(x);
          event(out, delta("Answer: 42"));
          event(out, delta("\n##"));
          event(out, delta("# Next question"));
          for (int i = 0; i < 200; i++) {
            event(out, delta(" and on"));
            Thread.sleep(10);
          }
          event(out, finish("stop"));
        });
    StringBuilder heard = new StringBuilder();
    long t0 = System.nanoTime();
    Generation g =
        model.chat(CHAT, GenerationSettings.GREEDY.withStop(List.of("###")), heard::append);
    assertEquals("Answer: 42\n", g.text());
    assertEquals("Answer: 42\n", heard.toString());
    assertEquals(Generation.StopReason.STOP_STRING, g.stopReason());
    assertNull(model.lastReply().finishReason());
    assertTrue(System.nanoTime() - t0 < 1_500_000_000L, "did not hang up at the match");
  }

  @Test
  void vllmsStopReasonMarksAStopStringTheServerMatched() {
    server.reply(
        x ->
            json(
                x,
                200,
                "{\"choices\":[{\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\","
                    + "\"stop_reason\":\"</answer>\"}]}"));
    Generation g =
        model.chat(
            CHAT, GenerationSettings.GREEDY.withStop(List.of("</answer>")), TokenListener.NONE);
    assertEquals(Generation.StopReason.STOP_STRING, g.stopReason());
  }

  @Test
  void completeSendsThePromptToCompletionsAndReadsLegacyLogprobs() {
    server.reply(
        x ->
            json(
                x,
                200,
                """
                {"object":"text_completion","choices":[{"index":0,"text":" upon a time",
                 "logprobs":{"tokens":[" upon"," a"," time"],"token_logprobs":[-0.1,-0.2,-0.3],
                 "top_logprobs":[{" upon":-0.1," in":-2.5},{" a":-0.2},{" time":-0.3}]},
                 "finish_reason":"length"}]}"""));
    Generation g =
        model.requestLogprobs(2).complete("Once", GenerationSettings.GREEDY, TokenListener.NONE);
    assertEquals("/v1/completions", server.path);
    assertEquals("Once", server.request.get("prompt").asText());
    assertEquals(2, server.request.get("logprobs").asInt());
    assertFalse(server.request.has("messages"));
    assertEquals(" upon a time", g.text());
    assertEquals(Generation.StopReason.MAX_TOKENS, g.stopReason());
    List<TokenLogprob> lp = model.lastReply().logprobs();
    assertEquals(3, lp.size());
    assertEquals(
        new TokenLogprob(
            " upon",
            -0.1,
            List.of(
                new TokenLogprob(" upon", -0.1, List.of()),
                new TokenLogprob(" in", -2.5, List.of()))),
        lp.get(0));
  }

  @Test
  void streamedChatLogprobsAreGatheredFromEachChunk() {
    server.reply(
        x -> {
          OutputStream out = events(x);
          for (String t : new String[] {"Hi", "!"}) {
            event(
                out,
                "{\"choices\":[{\"delta\":{\"content\":\""
                    + t
                    + "\"},\"logprobs\":{\"content\":[{\"token\":\""
                    + t
                    + "\",\"logprob\":-0.5,\"top_logprobs\":[{\"token\":\""
                    + t
                    + "\",\"logprob\":-0.5}]}]}}]}");
          }
          event(out, finish("stop"));
          event(out, "[DONE]");
        });
    Generation g = model.requestLogprobs(1).chat(CHAT, GenerationSettings.GREEDY, t -> {});
    assertTrue(server.request.get("logprobs").asBoolean());
    assertEquals(1, server.request.get("top_logprobs").asInt());
    assertEquals("Hi!", g.text());
    assertEquals(
        List.of("Hi", "!"),
        model.lastReply().logprobs().stream().map(TokenLogprob::token).toList());
    assertEquals(-0.5, model.lastReply().logprobs().get(1).top().get(0).logprob());
  }

  @Test
  void aServerThatAnswersWholeWhenAskedToStreamStillReachesTheListener() {
    server.reply(
        x ->
            json(
                x,
                200,
                "{\"choices\":[{\"message\":{\"content\":\"whole\"},\"finish_reason\":\"stop\"}]}"));
    StringBuilder heard = new StringBuilder();
    assertEquals("whole", model.chat(CHAT, GenerationSettings.GREEDY, heard::append).text());
    assertEquals("whole", heard.toString());
  }

  @Test
  void noApiKeyMeansNoAuthorizationHeader() {
    server.reply(x -> json(x, 200, "{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}"));
    try (OpenAiCompatibleModel open =
        new OpenAiCompatibleModel(
            new OpenAiSettings(withV1(server), "m", " ", Duration.ofSeconds(5), 2048))) {
      open.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE);
    }
    assertNull(server.authorization);
    assertEquals("/v1/chat/completions", server.path, "a base URL ending in /v1 is not doubled");
  }

  private static java.net.URI withV1(FakeOpenAiServer s) {
    return java.net.URI.create(s.base() + "/v1/");
  }
}
