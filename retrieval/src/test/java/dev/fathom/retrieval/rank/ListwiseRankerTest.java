package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ListwiseRankerTest {

  private static final Pattern PASSAGE = Pattern.compile("^\\[(\\d+)] .*relevance (\\d+)\\.$");

  /** A perfect judge: orders the passages of the prompt by the relevance written in their text. */
  static String oracle(List<ChatMessage> messages) {
    record Seen(int id, int relevance) {}
    List<Seen> seen = new ArrayList<>();
    for (ChatMessage m : messages) {
      Matcher x = PASSAGE.matcher(m.content());
      if (m.role().equals("user") && x.matches()) {
        seen.add(new Seen(Integer.parseInt(x.group(1)), Integer.parseInt(x.group(2))));
      }
    }
    return seen.stream()
        .sorted(Comparator.comparingInt(Seen::relevance).reversed())
        .map(s -> "[" + s.id() + "]")
        .collect(Collectors.joining(" > "));
  }

  /** {@code n} hits in retrieval order whose relevance is {@code relevance[i]}. */
  static List<Hit> hits(int... relevance) {
    List<Hit> out = new ArrayList<>();
    for (int i = 0; i < relevance.length; i++) {
      Passage p =
          new Passage("p" + i, "doc" + i, "", "passage of relevance " + relevance[i] + ".", 0, 10);
      out.add(new Hit(p, 1f / (i + 1), i + 1));
    }
    return out;
  }

  static int relevance(Hit h) {
    String t = h.passage().text();
    return Integer.parseInt(t.substring(t.lastIndexOf(' ') + 1, t.length() - 1));
  }

  @Test
  void slidingWindowsBringTheTopTenUpFromTheBottom() {
    // 50 candidates, retrieval got them exactly backwards: relevance 0 first, 49 last.
    List<Hit> candidates = hits(IntStream.range(0, 50).toArray());
    ScriptedChatModel model = new ScriptedChatModel(100_000, ListwiseRankerTest::oracle);
    Ranking r = new ListwiseRanker(model, ListwiseSettings.defaults()).rank("q", candidates);

    // Windows [30,50), [20,40), [10,30), [0,20): four prompts of 20 passages each.
    assertEquals(4, model.chats.size());
    List<Integer> top = r.hits().stream().limit(10).map(ListwiseRankerTest::relevance).toList();
    assertEquals(List.of(49, 48, 47, 46, 45, 44, 43, 42, 41, 40), top);
    assertEquals(50, r.ranked().size());
    assertTrue(r.ranked().get(0).score() > r.ranked().get(1).score());
    assertTrue(r.explanation().contains("4 window(s)"), r.explanation());
  }

  @Test
  void lastWindowReachesTheTopWhenTheListIsNotAMultipleOfTheStep() {
    List<Hit> candidates = hits(IntStream.range(0, 25).toArray());
    ScriptedChatModel model = new ScriptedChatModel(100_000, ListwiseRankerTest::oracle);
    Ranking r = new ListwiseRanker(model, ListwiseSettings.defaults()).rank("q", candidates);
    // [5,25) then [0,15): the best passage is first even though 25 - 20 = 5 is not a step of 10.
    assertEquals(2, model.chats.size());
    assertEquals(24, relevance(r.hits().getFirst()));
  }

  @Test
  void eachWindowIsOnePromptWithNumberedPassagesAndTheQuestionTwice() {
    ScriptedChatModel model = new ScriptedChatModel(100_000, ListwiseRankerTest::oracle);
    new ListwiseRanker(model, new ListwiseSettings(3, 2, 300)).rank("what is up", hits(0, 1, 2));
    List<ChatMessage> m = model.chats.getFirst();
    assertEquals("system", m.getFirst().role());
    assertTrue(m.get(1).content().endsWith("query: what is up"));
    assertEquals("[2] passage of relevance 1.", m.get(5).content());
    assertEquals("Received passage [2].", m.get(6).content());
    assertTrue(m.getLast().content().startsWith("Search Query: what is up."));
  }

  @Test
  void nonsenseAndFailuresKeepEveryCandidateAndSaySo() {
    List<Hit> candidates = hits(IntStream.range(0, 30).toArray());
    int[] call = {0};
    ScriptedChatModel model =
        new ScriptedChatModel(
            100_000,
            msgs -> {
              call[0]++;
              if (call[0] == 1) return "I think [7] is great, also [7], and [99].";
              throw new IllegalStateException("server went away");
            });
    Ranking r = new ListwiseRanker(model, ListwiseSettings.defaults()).rank("q", candidates);
    assertEquals(30, r.ranked().size());
    assertEquals(30, r.hits().stream().map(h -> h.passage().id()).distinct().count());
    // Window [10,30): passage [7] of it (retrieval rank 17) moved to the window's top.
    assertEquals("p16", r.hits().get(10).passage().id());
    assertTrue(r.explanation().contains("dropped repeated ids [7]"), r.explanation());
    assertTrue(r.explanation().contains("model failed"), r.explanation());
  }

  @Test
  void tinyListsAndSmallContexts() {
    ScriptedChatModel model = new ScriptedChatModel(512, ListwiseRankerTest::oracle);
    ListwiseRanker ranker = new ListwiseRanker(model, ListwiseSettings.defaults());
    assertEquals(0, ranker.rank("q", List.of()).ranked().size());
    assertEquals(1, ranker.rank("q", hits(3)).ranked().size());
    assertEquals(0, model.chats.size(), "nothing to order, no model call");
    assertEquals(8, ranker.wordsPerPassage(20), "a 512-token context gets the minimum");
    assertEquals(
        300,
        new ListwiseRanker(new ScriptedChatModel(1 << 20, x -> ""), ListwiseSettings.defaults())
            .wordsPerPassage(20));
    assertThrows(IllegalArgumentException.class, () -> ranker.rank(" ", hits(1, 2)));
  }

  @Test
  void settingsNameTheBadValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ListwiseSettings(20, 30, 300));
    assertTrue(e.getMessage().contains("step") && e.getMessage().contains("got 30"));
    assertThrows(IllegalArgumentException.class, () -> new ListwiseSettings(1, 1, 300));
  }
}
