package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.OpenAiCompatibleModel;
import dev.fathom.drafters.lm.OpenAiSettings;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.rank.ListwiseRanker;
import dev.fathom.retrieval.rank.ListwiseSettings;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.Ranking;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Listwise ranking (RankGPT) through the ranking stage: a real {@link RankerActor} running a real
 * {@link ListwiseRanker} over a {@link LanguageModel} — a scripted one, and the OpenAI-compatible
 * client against a server speaking the chat-completions wire format (what a user ranking with vLLM,
 * llama.cpp server or Ollama gets). The judge reads the numbered passages of each window and orders
 * them by a relevance hidden in their text, so the test sees the sliding window applied end to end.
 */
class ListwiseRankingStageTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PASSAGE =
      Pattern.compile("\\[(\\d+)] Passage (\\d+) relevance (\\d+)");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** {@code n} hits in retrieval order p0…p(n−1), relevance rising down the list (worst first). */
  static List<Hit> hits(int n) {
    List<Hit> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = "Passage " + i + " relevance " + i + ".";
      out.add(
          new Hit(new Passage("p" + i, "p" + i + ".txt", "", text, 0, text.length()), 1, i + 1));
    }
    return out;
  }

  /**
   * A judge writing the window's ids by falling relevance, in RankGPT's format but with the prose,
   * a repeated id and an out-of-range id a small model adds.
   */
  static String judge(String conversation) {
    List<int[]> seen = new ArrayList<>(); // {id in window, relevance}
    Matcher m = PASSAGE.matcher(conversation);
    while (m.find())
      seen.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3))});
    seen.sort((a, b) -> Integer.compare(b[1], a[1]));
    StringBuilder sb = new StringBuilder("Sure! The ranking is: ");
    for (int[] s : seen) sb.append('[').append(s[0]).append("] > ");
    return sb.append("[1] > [99]. Hope this helps.").toString();
  }

  private static String text(List<ChatMessage> messages) {
    StringBuilder sb = new StringBuilder();
    for (ChatMessage m : messages) sb.append(m.content()).append('\n');
    return sb.toString();
  }

  /** Runs one question through the coordinator with {@code model} as the listwise ranker. */
  private List<Hit> rankedThroughTheStage(LanguageModel model, int candidates) {
    TestProbe<RetrieverActor.Command> retriever =
        testKit.createTestProbe(RetrieverActor.Command.class);
    TestProbe<CompressorActor.Command> compressor =
        testKit.createTestProbe(CompressorActor.Command.class);
    TestProbe<AnswererActor.Command> answerer =
        testKit.createTestProbe(AnswererActor.Command.class);
    TestProbe<QuestionResult> result = testKit.createTestProbe(QuestionResult.class);
    Rankers rankers =
        Rankers.none().with(new ListwiseRanker(model, new ListwiseSettings(4, 2, 300)), model);
    ActorRef<RankerActor.Command> ranker = testKit.spawn(RankerActor.create(rankers));
    Question q =
        new Question("r-listwise", "Which passage is most relevant?", SearchMode.HYBRID, candidates)
            .withRerank(RankerKind.LISTWISE);
    testKit.spawn(
        QuestionCoordinator.create(
            new QuestionRun(
                    q,
                    new StageRefs(retriever.ref(), compressor.ref(), answerer.ref()),
                    Duration.ofSeconds(20),
                    result.ref())
                .withRanking(new RankingStage(ranker, Duration.ofSeconds(10)))));
    retriever
        .expectMessageClass(RetrieverActor.Search.class)
        .replyTo()
        .tell(StatusReply.success(hits(candidates)));
    return compressor
        .expectMessageClass(CompressorActor.Compress.class, Duration.ofSeconds(10))
        .hits();
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(h -> h.passage().id()).toList();
  }

  @Test
  void aScriptedModelOrdersThePassagesThroughTheRankerActor() {
    ScriptedChatModel model = new ScriptedChatModel(8192, messages -> judge(text(messages)));
    List<Hit> hits = rankedThroughTheStage(model, 8);
    // Window 4, step 2 over 8 worst-first candidates: windows [4,8), [2,6), [0,4) carry the best
    // two to the top, in order; the rest keep the order the last window left.
    assertEquals(3, model.chats.size(), "three windows");
    assertEquals(List.of("p7", "p6"), ids(hits).subList(0, 2));
    assertEquals(8, ids(hits).stream().distinct().count(), "a permutation of the candidates");
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), hits.stream().map(Hit::rank).toList());
    assertTrue(
        text(model.chats.getFirst()).contains("Which passage is most relevant?"),
        "the question is in the prompt");
  }

  @Test
  void theOpenAiCompatibleClientRanksThroughTheRankerActor() throws Exception {
    List<JsonNode> requests = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Function<JsonNode, String> reply = request -> judge(request.path("messages").toString());
    server.createContext(
        "/v1/chat/completions",
        x -> {
          try (x) {
            JsonNode request = JSON.readTree(x.getRequestBody());
            requests.add(request);
            ObjectNode body = JSON.createObjectNode();
            ObjectNode choice = body.putArray("choices").addObject();
            choice
                .putObject("message")
                .put("role", "assistant")
                .put("content", reply.apply(request));
            choice.put("finish_reason", "stop");
            body.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20);
            byte[] bytes = JSON.writeValueAsBytes(body);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, bytes.length);
            x.getResponseBody().write(bytes);
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
      List<Hit> hits = rankedThroughTheStage(model, 6);
      // Window 4, step 2 over 6: windows [2,6) and [0,4).
      assertEquals(2, requests.size(), "one chat-completions request per window");
      assertEquals("served-model", requests.getFirst().path("model").asText());
      assertEquals(List.of("p5", "p4"), ids(hits).subList(0, 2));
      assertEquals(6, ids(hits).stream().distinct().count(), "a permutation of the candidates");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void theRankerActorRepliesWithTheRepairedRanking() {
    ScriptedChatModel model = new ScriptedChatModel(8192, messages -> "[2] > [2] > [7] and more");
    ActorRef<RankerActor.Command> ranker =
        testKit.spawn(
            RankerActor.create(
                Rankers.none().with(new ListwiseRanker(model, ListwiseSettings.defaults()))));
    TestProbe<StatusReply<Ranking>> reply = testKit.createTestProbe();
    ranker.tell(new RankerActor.Rank("q?", hits(3), RankerKind.LISTWISE, reply.ref()));
    Ranking r = reply.receiveMessage(Duration.ofSeconds(5)).getValue();
    assertEquals(List.of("p1", "p0", "p2"), ids(r.hits()));
    assertTrue(r.explanation().contains("listwise"), r.explanation());
  }
}
