package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.memory.session.SessionEvent.TurnAnswered;
import dev.fathom.memory.session.SessionEvent.TurnAsked;
import dev.fathom.memory.session.Transcript;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.QueryRewrite;
import dev.fathom.retrieval.search.SearchScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The earlier turns of a chat-completions request ({@code messages} before the last user message)
 * as a session's history, so the last question is rewritten as a session would rewrite it. The API
 * is stateless, so the history is rebuilt per request: each earlier user message is retrieved for
 * through the same {@link HistoryAwareRetriever} (its top sources stand in for the citations Fathom
 * gave then), paired with the assistant message that followed it. At most {@value #MAX_TURNS}
 * earlier turns are used.
 */
final class ChatHistory {

  static final int MAX_TURNS = 8;
  private static final int CITED = 3;

  /** One message: {@code role} and its text ({@code content} as a string or text parts). */
  record Message(String role, String text) {}

  private ChatHistory() {}

  /**
   * The messages of a request; {@code content} is a string or an array of parts of which the {@code
   * {"type":"text","text":...}} ones are joined; other parts (images) are refused.
   *
   * @throws IllegalArgumentException naming the message that is malformed
   */
  static List<Message> messages(JsonNode messages) {
    List<Message> out = new ArrayList<>();
    int i = 0;
    for (JsonNode m : messages) {
      String role = m.path("role").asText("");
      JsonNode c = m.get("content");
      String text;
      if (c == null || c.isNull()) {
        text = "";
      } else if (c.isTextual()) {
        text = c.asText();
      } else if (c.isArray()) {
        StringBuilder b = new StringBuilder();
        for (JsonNode part : c) {
          if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
            throw new IllegalArgumentException(
                "messages["
                    + i
                    + "].content: only parts {\"type\":\"text\",\"text\":...} are supported, got "
                    + part);
          }
          if (!b.isEmpty()) b.append('\n');
          b.append(part.get("text").asText());
        }
        text = b.toString();
      } else {
        throw new IllegalArgumentException(
            "messages[" + i + "].content must be a string or an array of text parts");
      }
      out.add(new Message(role, text));
      i++;
    }
    return out;
  }

  /** The last user message's text, or null. */
  static String lastUser(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("user") && !messages.get(i).text().isBlank()) {
        return messages.get(i).text();
      }
    }
    return null;
  }

  /** Whether there is a user message before the last one. */
  static boolean hasHistory(List<Message> messages) {
    return messages.stream().filter(m -> m.role().equals("user")).count() > 1;
  }

  /** The last user message rewritten with the earlier turns as history. Blocks (retrieval). */
  static QueryRewrite rewrite(List<Message> messages, HistoryAwareRetriever session) {
    return rewrite(messages, session, null, SearchScope.DEFAULT);
  }

  /**
   * As {@link #rewrite(List, HistoryAwareRetriever)}, retrieving the earlier turns in {@code scope}
   * as {@code caller}, so their cited titles come from the collection the question searches.
   */
  static QueryRewrite rewrite(
      List<Message> messages, HistoryAwareRetriever session, Principal caller, SearchScope scope) {
    int last = -1;
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("user") && !messages.get(i).text().isBlank()) {
        last = i;
        break;
      }
    }
    if (last < 0) throw new IllegalArgumentException("no message with role \"user\" and text");
    List<int[]> turns = new ArrayList<>(); // {user index, assistant index or -1}
    for (int i = 0; i < last; i++) {
      if (!messages.get(i).role().equals("user") || messages.get(i).text().isBlank()) continue;
      int answer = -1;
      for (int j = i + 1; j < last && !messages.get(j).role().equals("user"); j++) {
        if (messages.get(j).role().equals("assistant")) answer = j;
      }
      turns.add(new int[] {i, answer});
    }
    List<int[]> recent = turns.subList(Math.max(0, turns.size() - MAX_TURNS), turns.size());
    Transcript t = Transcript.EMPTY;
    Instant at = Instant.EPOCH; // only the order matters
    for (int[] turn : recent) {
      String q = messages.get(turn[0]).text();
      HistoryAwareRetriever.Result r =
          scope.equals(SearchScope.DEFAULT)
              ? session.search(q, t.window(), SearchMode.HYBRID, 10)
              : session.search(q, t.window(), SearchMode.HYBRID, 10, caller, scope);
      String answer = turn[1] < 0 ? "" : messages.get(turn[1]).text();
      t = t.apply(new TurnAsked(t.nextTurn(), q, r.rewrite().query(), at));
      t =
          t.apply(
              new TurnAnswered(
                  t.turns().size(),
                  answer,
                  HistoryAwareRetriever.citations(r.hits(), CITED),
                  List.of(),
                  at));
    }
    return session.rewrite(messages.get(last).text(), t.window());
  }
}
