package dev.fathom.retrieval.rank;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A passage's analysed terms (English stemming and stop words, as the BM25 field), computed once
 * per passage and cached by {@link FusionFeatures}: the distinct terms of its text, of each
 * sentence and of its title; its adjacent term pairs; its length in words; and, for the proximity
 * and feedback features, the text's terms in order, each sentence's terms in order and the term
 * frequencies of title and text together (the BM25 field's contents).
 */
record PassageTerms(
    Set<String> text,
    List<Set<String>> sentences,
    Set<String> title,
    Set<String> bigrams,
    int words,
    List<String> tokens,
    List<List<String>> sentenceTokens,
    Map<String, Integer> tf,
    int length) {

  static PassageTerms of(
      List<String> titleTokens, List<List<String>> sentenceTokens, List<String> tokens, int words) {
    Set<String> all = new HashSet<>();
    List<Set<String>> sentences = new java.util.ArrayList<>(sentenceTokens.size());
    for (List<String> s : sentenceTokens) {
      Set<String> t = new HashSet<>(s);
      sentences.add(t);
      all.addAll(t);
    }
    Map<String, Integer> tf = new HashMap<>();
    for (String t : titleTokens) tf.merge(t, 1, Integer::sum);
    for (String t : tokens) tf.merge(t, 1, Integer::sum);
    return new PassageTerms(
        all,
        List.copyOf(sentences),
        new HashSet<>(titleTokens),
        bigrams(tokens),
        words,
        List.copyOf(tokens),
        sentenceTokens.stream().map(List::copyOf).toList(),
        tf,
        titleTokens.size() + tokens.size());
  }

  /** Adjacent pairs of analysed terms, as "a b". */
  static Set<String> bigrams(List<String> tokens) {
    Set<String> out = new HashSet<>();
    for (int i = 1; i < tokens.size(); i++) out.add(tokens.get(i - 1) + ' ' + tokens.get(i));
    return out;
  }
}
