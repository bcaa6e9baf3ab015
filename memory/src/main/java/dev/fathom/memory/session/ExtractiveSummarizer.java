package dev.fathom.memory.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The summary without a model: the key sentences of the previous summary and the folded turns,
 * chosen by Luhn's significance measure ("The automatic creation of literature abstracts", IBM
 * Journal 1958) — a sentence scores by how many of the conversation's frequent content words it
 * holds, divided by the square root of its length so long sentences do not win by size alone. Each
 * question is kept as a candidate sentence, since a question names what the user was after; chosen
 * sentences are written in conversation order.
 */
public final class ExtractiveSummarizer implements Summarizer {

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
  private static final Pattern CITATION_MARK = Pattern.compile("\\s*\\[\\d+(?:,\\s*\\d+)*]");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Set<String> STOP =
      Set.of(
          ("a an the and or but of to in on at for with by from as is are was "
                  + "were be been it its this that these those he she they his her their "
                  + "what which who when where why how did do does asked not no has have "
                  + "had i you we there than then so if into about")
              .split(" "));

  @Override
  public String name() {
    return "extractive";
  }

  @Override
  public String summarize(String previous, List<Turn> folded, int maxTokens, TokenCounter counter) {
    List<String> candidates = new ArrayList<>(sentences(previous));
    for (Turn t : folded) {
      candidates.add("Asked: " + t.question().strip());
      candidates.addAll(sentences(CITATION_MARK.matcher(t.answer()).replaceAll("")));
    }
    Map<String, Integer> freq = new HashMap<>();
    for (String s : candidates) for (String w : contentWords(s)) freq.merge(w, 1, Integer::sum);
    double[] score = new double[candidates.size()];
    for (int i = 0; i < candidates.size(); i++) {
      List<String> words = contentWords(candidates.get(i));
      double sum = 0;
      for (String w : words) sum += freq.get(w) - 1; // a word seen once is not significant
      score[i] = words.isEmpty() ? 0 : sum / Math.sqrt(words.size());
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) order.add(i);
    // Highest score first; on ties the later sentence, since the conversation moves forward.
    order.sort(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparing(i -> -i));
    boolean[] keep = new boolean[candidates.size()];
    int used = 0;
    for (int i : order) {
      int cost = counter.count(candidates.get(i) + " ");
      if (used + cost <= maxTokens) {
        keep[i] = true;
        used += cost;
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < candidates.size(); i++) {
      if (keep[i]) out.append(out.isEmpty() ? "" : " ").append(candidates.get(i));
    }
    return out.toString();
  }

  static List<String> sentences(String text) {
    List<String> out = new ArrayList<>();
    for (String s : SENTENCE_END.split(text.strip())) if (!s.isBlank()) out.add(s.strip());
    return out;
  }

  private static List<String> contentWords(String sentence) {
    List<String> out = new ArrayList<>();
    var m = WORD.matcher(sentence.toLowerCase(Locale.ROOT));
    while (m.find()) if (!STOP.contains(m.group())) out.add(m.group());
    return out;
  }
}
