package dev.fathom.retrieval.conversation;

import dev.fathom.memory.session.Citation;
import dev.fathom.memory.session.MemoryWindow;
import dev.fathom.memory.session.Turn;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rewrite without a model: carry the conversation's subject into the follow-up. A follow-up
 * such as "Which network broadcast it?" names its subject only by a pronoun; its words alone find
 * passages about any broadcast, and pasting the whole earlier turn in front drags that turn's own
 * topic words into the search (the concatenation baseline). Instead one phrase, the subject, takes
 * the pronoun's place — the resolution step of query-rewriting approaches to conversational search
 * (Vakulenko et al., "Question Rewriting for Conversational Question Answering", WSDM 2021), done
 * here by rule.
 *
 * <p>The subject is found in the most recent answered turn, then older ones, then the summary:
 *
 * <ol>
 *   <li>the title of a source that turn's answer cited and whose words the user's question also
 *       used — the user named it and Fathom's retrieval agreed on a source about it, so it is the
 *       cleanest name of the subject (a title, not the user's paraphrase, matches the indexed title
 *       field);
 *   <li>else the longest capitalised phrase of the question ("Super Bowl 50", "Von Miller");
 *   <li>else the first cited title.
 * </ol>
 *
 * One third-person pronoun of the follow-up (it, they, he, she and their object and possessive
 * forms), chosen by agreement with the subject ({@link #pronoun}), is replaced by the subject,
 * possessives as "subject's". A follow-up with no such pronoun gets the subject appended, unless it
 * already holds the subject's words: then it is standalone already and left alone.
 */
public final class SubjectRewriter implements QueryRewriter {

  private static final Pattern PRONOUN =
      Pattern.compile(
          "\\b(it|its|they|them|their|he|him|his|she|her)\\b", Pattern.CASE_INSENSITIVE);
  private static final Set<String> POSSESSIVE = Set.of("its", "their", "his");
  private static final Set<String> IT = Set.of("it", "its");
  private static final Set<String> PERSON = Set.of("he", "him", "his", "she", "her");
  private static final Set<String> THEY = Set.of("they", "them", "their");
  private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’.&-]*");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Pattern FILE_SUFFIX = Pattern.compile("\\.(pdf|html?|md|txt|docx?)$");

  /** Words that start a question or sentence with a capital without naming anything. */
  private static final Set<String> FUNCTION =
      Set.of(
          ("what which who whom whose when where why how is are was were do does "
                  + "did can could will would should in on at of for from by with to the a "
                  + "an and or after before during since as if it its they their he his "
                  + "she her this that these those i you we name tell about according "
                  + "besides other than not be been has have had asked summary user "
                  + "assistant")
              .split(" "));

  /** Lower-case words allowed inside a capitalised phrase ("University of Chicago"). */
  private static final Set<String> JOINERS =
      Set.of("of", "the", "de", "del", "la", "von", "van", "and", "&");

  @Override
  public QueryRewrite rewrite(String question, MemoryWindow history) {
    if (question == null || question.isBlank()) {
      throw new IllegalArgumentException("question must be non-blank, got '" + question + "'");
    }
    if (history.isEmpty()) return QueryRewrite.unchanged(question);
    Optional<String> subject = subject(history);
    if (subject.isEmpty()) return QueryRewrite.unchanged(question);
    String q = question.strip();
    String s = subject.get();
    MatchResult m = pronoun(q, s);
    if (m != null) {
      String replacement = POSSESSIVE.contains(m.group(1).toLowerCase(Locale.ROOT)) ? s + "'s" : s;
      String query = q.substring(0, m.start()) + replacement + q.substring(m.end());
      return new QueryRewrite(question, query, "subject");
    }
    if (words(q).containsAll(words(s))) return QueryRewrite.unchanged(question);
    return new QueryRewrite(question, q + " " + s, "subject");
  }

  /**
   * The pronoun of {@code question} that most likely stands for {@code subject}, or null when there
   * is none. Agreement in number decides between pronoun classes: a subject that reads as plural
   * (last word ending in a single s, "Normans") prefers they/their/them; any other prefers it/its,
   * then he/she forms, then they forms. Within a class the first occurrence is taken. "They reached
   * it" after a question about Super Bowl 50 thus replaces "it", not "they".
   */
  static MatchResult pronoun(String question, String subject) {
    String last = subject.substring(subject.lastIndexOf(' ') + 1).toLowerCase(Locale.ROOT);
    boolean plural = last.endsWith("s") && !last.endsWith("ss") && last.length() > 3;
    List<Set<String>> order = plural ? List.of(THEY, IT, PERSON) : List.of(IT, PERSON, THEY);
    List<MatchResult> found = new ArrayList<>();
    Matcher m = PRONOUN.matcher(question);
    while (m.find()) found.add(m.toMatchResult());
    for (Set<String> kind : order) {
      for (MatchResult r : found) if (kind.contains(r.group(1).toLowerCase(Locale.ROOT))) return r;
    }
    return null;
  }

  /** The conversation's subject, newest turn first; empty when no turn names one. */
  static Optional<String> subject(MemoryWindow history) {
    List<Turn> recent = history.recent();
    for (int i = recent.size() - 1; i >= 0; i--) {
      Optional<String> s = subject(recent.get(i));
      if (s.isPresent()) return s;
    }
    return names(history.summary()).stream().findFirst();
  }

  static Optional<String> subject(Turn turn) {
    Set<String> asked = words(turn.question());
    List<String> titles =
        new ArrayList<>(
            new LinkedHashSet<>(
                turn.citations().stream()
                    .map(Citation::title)
                    .map(SubjectRewriter::cleanTitle)
                    .filter(t -> !t.isBlank())
                    .toList()));
    String best = null;
    double bestOverlap = 0;
    for (String t : titles) {
      Set<String> tw = words(t);
      long shared = tw.stream().filter(asked::contains).count();
      double overlap = tw.isEmpty() ? 0 : (double) shared / tw.size();
      if (overlap > bestOverlap) {
        best = t;
        bestOverlap = overlap;
      }
    }
    if (best != null) return Optional.of(best);
    List<String> names = names(turn.question());
    if (!names.isEmpty()) return Optional.of(names.getFirst());
    return titles.stream().findFirst();
  }

  /** Capitalised phrases of {@code text}, longest first (ties in text order). */
  static List<String> names(String text) {
    List<String> phrases = new ArrayList<>();
    List<String> run = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      String tok = m.group().replaceAll("[.'’]+$", "");
      if (tok.isEmpty()) continue;
      char c = tok.charAt(0);
      boolean named =
          (Character.isUpperCase(c) && !FUNCTION.contains(tok.toLowerCase(Locale.ROOT)))
              || (Character.isDigit(c) && !run.isEmpty());
      if (named) {
        run.add(tok);
      } else if (!run.isEmpty() && JOINERS.contains(tok.toLowerCase(Locale.ROOT))) {
        run.add(tok);
      } else {
        close(run, phrases);
      }
    }
    close(run, phrases);
    List<String> sorted = new ArrayList<>(phrases);
    sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
    return sorted;
  }

  private static void close(List<String> run, List<String> phrases) {
    while (!run.isEmpty() && JOINERS.contains(run.getLast().toLowerCase(Locale.ROOT)))
      run.removeLast();
    if (!run.isEmpty()) phrases.add(String.join(" ", run));
    run.clear();
  }

  /** A title as a subject phrase: file suffixes and underscores dropped. */
  static String cleanTitle(String title) {
    return FILE_SUFFIX.matcher(title.strip()).replaceAll("").replace('_', ' ').strip();
  }

  private static Set<String> words(String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) if (!FUNCTION.contains(m.group())) out.add(m.group());
    return out;
  }
}
