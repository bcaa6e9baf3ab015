package dev.fathom.drafters.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts text at the spellings of control and user-defined tokens (e.g. {@code <|im_start|>}, {@code
 * </s>}), so that each becomes its id and only the text between them is tokenised — llama.cpp's
 * {@code tokenizer_st_partition}. Where several specials match at one place the longest wins.
 */
final class SpecialTokenSplitter {
  /** A piece of the split text: plain text to encode, or one special token. */
  sealed interface Fragment {}

  record Text(String text) implements Fragment {}

  record Special(int id) implements Fragment {}

  private record Candidate(String text, int id) {}

  /** Specials by their first character, longest first. */
  private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();

  SpecialTokenSplitter(Vocabulary vocabulary) {
    for (int id = 0; id < vocabulary.size(); id++) {
      TokenType type = vocabulary.type(id);
      String text = vocabulary.token(id);
      if ((type == TokenType.CONTROL || type == TokenType.USER_DEFINED) && !text.isEmpty()) {
        byFirstChar
            .computeIfAbsent(text.charAt(0), c -> new ArrayList<>())
            .add(new Candidate(text, id));
      }
    }
    Comparator<Candidate> longestFirst = Comparator.comparingInt(c -> -c.text.length());
    byFirstChar.values().forEach(list -> list.sort(longestFirst));
  }

  List<Fragment> split(String text) {
    List<Fragment> fragments = new ArrayList<>();
    int textStart = 0;
    int i = 0;
    while (i < text.length()) {
      Candidate match = matchAt(text, i);
      if (match == null) {
        i++;
        continue;
      }
      if (i > textStart) {
        fragments.add(new Text(text.substring(textStart, i)));
      }
      fragments.add(new Special(match.id));
      i += match.text.length();
      textStart = i;
    }
    if (textStart < text.length()) {
      fragments.add(new Text(text.substring(textStart)));
    }
    return fragments;
  }

  private Candidate matchAt(String text, int i) {
    List<Candidate> candidates = byFirstChar.get(text.charAt(i));
    if (candidates != null) {
      for (Candidate c : candidates) {
        if (text.startsWith(c.text, i)) {
          return c;
        }
      }
    }
    return null;
  }
}
