package dev.fathom.actors.agent;

import dev.fathom.answer.Citation;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two prompts of the agent loop and how their replies are read. IterDRAG (arXiv 2410.04343)
 * lets the model emit "Follow up: …" lines and "Intermediate answer: …" lines in one growing
 * context; here the sub-questions are asked for once, up front, and each is answered by the
 * ordinary pipeline (its own retrieval, compression and generation), so that every sub-answer is a
 * pipeline answer with citations, and the final prompt holds the sub-answers and every passage they
 * used. Small models write free text, so the reading is lenient: a line counts as a sub-question
 * when it asks something (contains "?") after its list marker or "Follow up:" label is removed.
 */
public final class IterDragPrompts {

  private static final Pattern MARKER =
      Pattern.compile(
          "^\\s*(?:[-*•]|\\(?\\d{1,2}[.):]|q\\d{1,2}[.):]|follow[ -]?up(?: question)?\\s*\\d*:|"
              + "sub-?question\\s*\\d*:)\\s*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern CITE = Pattern.compile("\\[(\\d{1,3})]");

  /** Longest passage text given to the composing prompt, in characters. */
  static final int PASSAGE_CHARS = 700;

  private IterDragPrompts() {}

  /** Asks for at most {@code maxSteps} sub-questions, or NONE for a single-search question. */
  public static List<ChatMessage> decompose(String question, int maxSteps) {
    return List.of(
        ChatMessage.system(
            "You plan research. Break the user's question into the simpler questions that must be"
                + " answered first, each one answerable by a single search. Reply with at most "
                + maxSteps
                + " questions, one per line, and nothing else. If one search answers the question,"
                + " reply NONE."),
        ChatMessage.user(question));
  }

  /**
   * The sub-questions in {@code reply}: list markers and labels removed, each cut after its first
   * "?", questions equal to {@code question} or to an earlier one dropped, at most {@code
   * maxSteps}. Empty when the model said NONE or asked nothing (then the question is answered as it
   * is).
   */
  public static List<String> subQuestions(String reply, String question, int maxSteps) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    seen.add(norm(question));
    for (String line : reply.split("\\R")) {
      String s = line.strip();
      for (String was = null; !s.equals(was); ) { // "- Follow up: …" carries two markers
        was = s;
        s = MARKER.matcher(s).replaceFirst("").strip();
      }
      s = s.replaceAll("^[\"'`*]+|[\"'`*]+$", "").strip();
      int q = s.indexOf('?');
      if (q < 0 || s.split("\\s+").length < 3) continue;
      s = s.substring(0, q + 1);
      if (seen.add(norm(s))) out.add(s);
      if (out.size() == maxSteps) break;
    }
    return out;
  }

  /**
   * The composing prompt: every passage, numbered as {@code passages} is (each cut to {@value
   * #PASSAGE_CHARS} characters, the last ones dropped beyond {@code maxPromptChars}), the
   * sub-questions with their answers as notes, then the question.
   */
  public static List<ChatMessage> compose(
      String question, List<AgentStep> answered, List<Citation> passages, int maxPromptChars) {
    StringBuilder notes = new StringBuilder();
    for (AgentStep s : answered) {
      notes.append("Q: ").append(s.text()).append("\nA: ").append(oneLine(s.answer())).append('\n');
    }
    StringBuilder b = new StringBuilder("Passages:\n");
    int budget = Math.max(0, maxPromptChars - notes.length() - question.length() - 200);
    for (Citation c : passages) {
      String text = oneLine(c.passage());
      if (text.length() > PASSAGE_CHARS) text = text.substring(0, PASSAGE_CHARS) + " …";
      String entry = "[" + c.n() + "] " + (c.title() == null ? "" : c.title()) + ": " + text + "\n";
      if (b.length() + entry.length() > budget) break;
      b.append(entry);
    }
    b.append("\nNotes (answers to the sub-questions):\n").append(notes);
    b.append("\nQuestion: ").append(question);
    return List.of(
        ChatMessage.system(
            "Answer the question from the passages and notes only. Cite the passages you use as"
                + " [n]. If they do not answer it, say so."),
        ChatMessage.user(b.toString()));
  }

  /** A composed answer: its text, and the passages it cites. */
  public record Composed(String text, List<Citation> citations) {}

  /**
   * Reads the composed {@code reply}: its {@code [n]} markers keep the numbers the prompt gave the
   * passages (so a stream of the reply and the final answer agree), markers naming no passage are
   * removed, and the cited passages are returned in number order.
   */
  public static Composed cite(String reply, List<Citation> passages) {
    java.util.TreeMap<Integer, Citation> cited = new java.util.TreeMap<>();
    Matcher m = CITE.matcher(reply);
    StringBuilder text = new StringBuilder();
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      boolean known = n >= 1 && n <= passages.size();
      if (known) cited.put(n, passages.get(n - 1));
      m.appendReplacement(text, Matcher.quoteReplacement(known ? m.group() : ""));
    }
    m.appendTail(text);
    // A removed marker leaves "word ." or double spaces behind.
    String clean =
        text.toString().replaceAll("[ \\t]+(?=[.,;:!?])", "").replaceAll("[ \\t]{2,}", " ");
    return new Composed(clean.strip(), List.copyOf(cited.values()));
  }

  /**
   * The passages of {@code answers} without repeats (same source and offsets), numbered from 1 in
   * the order the sub-answers cited them.
   */
  public static List<Citation> union(List<List<Citation>> answers) {
    Map<String, Citation> byKey = new LinkedHashMap<>();
    for (List<Citation> cs : answers) {
      for (Citation c : cs) {
        byKey.putIfAbsent(c.source() + "#" + c.start() + "-" + c.end(), c);
      }
    }
    List<Citation> out = new ArrayList<>();
    for (Citation c : byKey.values()) {
      out.add(new Citation(out.size() + 1, c.source(), c.title(), c.start(), c.end(), c.passage()));
    }
    return out;
  }

  private static String norm(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }
}
