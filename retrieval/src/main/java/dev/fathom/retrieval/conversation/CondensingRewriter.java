package dev.fathom.retrieval.conversation;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.memory.session.MemoryWindow;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rewrite with a language model: the conversation and the follow-up go into a condensing
 * prompt, and the model writes the standalone question (the "condense question" step of
 * conversational RAG; Vakulenko et al., WSDM 2021, show rewriting with a generative model closes
 * most of the gap to human rewrites).
 *
 * <p>Small chat models rarely answer with the bare question: they prefix "Standalone question:",
 * quote it, explain themselves, or answer the question instead. The reply is cleaned (labels,
 * quotes and markdown dropped; the first line that reads as a question kept) and rejected when
 * nothing usable is left, it is far longer than a question, or it keeps none of the question's
 * content words ({@link #keepsTheQuestion}); then the {@code fallback} rewrite (normally {@link
 * SubjectRewriter}) is used and the method says so.
 */
public final class CondensingRewriter implements QueryRewriter {

  static final String SYSTEM =
      "You rewrite the user's last question so that it can be understood without the"
          + " conversation. Replace pronouns and vague references with what they refer to. Keep"
          + " the question's meaning; do not answer it. Reply with the rewritten question only.";

  private static final Pattern LABEL =
      Pattern.compile(
          "^(?:(?:standalone|rewritten|reformulated)\\s+)?(?:question|query|rewrite)\\s*:\\s*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Set<String> FUNCTION =
      Set.of(
          ("what which who whom whose when where why how does did was were are "
                  + "the and for from with its they them their his her she this that these "
                  + "those can could will would should has have had about into than then "
                  + "there been you")
              .split(" "));
  private static final Pattern WRAPPING = Pattern.compile("^[\\s\"'“”‘’*`>#-]+|[\\s\"'“”‘’*`]+$");

  private final LanguageModel model;
  private final QueryRewriter fallback;
  private final GenerationSettings settings;

  /**
   * @param model the model that condenses; called from one thread at a time
   * @param fallback used when the history is empty of turns to condense or the reply is unusable
   */
  public CondensingRewriter(LanguageModel model, QueryRewriter fallback) {
    this.model = Objects.requireNonNull(model, "model");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.settings = GenerationSettings.GREEDY.withMaxTokens(96);
  }

  @Override
  public QueryRewrite rewrite(String question, MemoryWindow history) {
    if (question == null || question.isBlank()) {
      throw new IllegalArgumentException("question must be non-blank, got '" + question + "'");
    }
    if (history.isEmpty()) return QueryRewrite.unchanged(question);
    Generation g = model.chat(prompt(question, history), settings, TokenListener.NONE);
    String query = clean(g.text());
    if (query.isEmpty()
        || query.length() > 4 * question.length() + 200
        || !keepsTheQuestion(question, query)) {
      QueryRewrite f = fallback.rewrite(question, history);
      return new QueryRewrite(question, f.query(), "subject-fallback");
    }
    return new QueryRewrite(question, query, "model");
  }

  /** The condensing prompt: the rendered history is fenced as data, then the follow-up. */
  static List<ChatMessage> prompt(String question, MemoryWindow history) {
    String user =
        "Conversation so far:\n<<<\n"
            + history.render().strip()
            + "\n>>>\n\nLast question: "
            + question.strip()
            + "\n\nRewrite the last question as a standalone question.";
    return List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user));
  }

  /**
   * Whether {@code query} keeps at least one content word of {@code question} (compared on their
   * first five letters, so "ends" keeps "end"): a rewrite resolves references, it does not drop
   * what was asked. A reply that shares nothing answered the question or wandered off (a small
   * model continuing a story does), and is not searched. A question with no content word passes.
   */
  static boolean keepsTheQuestion(String question, String query) {
    Set<String> asked = stems(question);
    if (asked.isEmpty()) return true;
    Set<String> kept = stems(query);
    return asked.stream().anyMatch(kept::contains);
  }

  private static Set<String> stems(String text) {
    Set<String> out = new HashSet<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      String w = m.group();
      if (w.length() >= 3 && !FUNCTION.contains(w)) out.add(w.length() > 5 ? w.substring(0, 5) : w);
    }
    return out;
  }

  /** The standalone question inside a model's reply, or empty when there is none. */
  static String clean(String reply) {
    String firstQuestion = null;
    String firstLine = null;
    for (String raw : reply.split("\\R")) {
      String line = WRAPPING.matcher(raw.strip()).replaceAll("");
      line = WRAPPING.matcher(LABEL.matcher(line).replaceFirst("")).replaceAll("");
      if (line.isEmpty() || line.toLowerCase(Locale.ROOT).startsWith("sure")) continue;
      if (firstLine == null) firstLine = line;
      if (line.endsWith("?")) {
        firstQuestion = line;
        break;
      }
    }
    String chosen = firstQuestion != null ? firstQuestion : firstLine;
    return chosen == null ? "" : chosen.strip();
  }
}
