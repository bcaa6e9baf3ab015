package dev.fathom.retrieval.rank;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * TinyStories-like passages for the needle test: short stories from templates over the words
 * stories260K knows, one of which holds the question's sentence verbatim. Distractors use the same
 * templates and words, so only the exact sentence sets the needle apart.
 */
final class NeedleStories {
  private static final String[] NAMES = {
    "Lily", "Tom", "Sue", "Ben", "Max", "Mia", "Sam", "Anna", "Tim", "Lucy", "Jack", "Amy"
  };
  private static final String[] THINGS = {
    "ball", "cat", "dog", "kite", "car", "book", "toy", "cake", "hat", "box", "bird", "fish"
  };
  private static final String[] ADJECTIVES = {
    "red", "big", "small", "blue", "happy", "little", "pretty", "shiny", "green", "soft"
  };
  private static final String[] PLACES = {
    "park", "garden", "house", "school", "forest", "beach", "yard", "sky", "river", "room"
  };
  private static final String[] VERBS = {"play", "run", "jump", "sing", "dance", "read", "swim"};

  /**
   * @param passages the N passages
   * @param needle index of the passage that holds {@code question}
   * @param question one sentence of the needle passage
   */
  record Trial(List<String> passages, int needle, String question) {}

  private NeedleStories() {}

  static Trial trial(long seed, int n) {
    Random r = new Random(seed);
    while (true) {
      List<List<String>> stories = new ArrayList<>();
      for (int i = 0; i < n; i++) stories.add(story(r));
      int needle = r.nextInt(n);
      List<String> sentences = stories.get(needle);
      String question = sentences.get(r.nextInt(sentences.size()));
      Set<Integer> holders = new HashSet<>();
      List<String> passages = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String p = String.join(" ", stories.get(i));
        if (p.contains(question)) holders.add(i);
        passages.add(p);
      }
      if (holders.size() == 1) return new Trial(passages, needle, question);
    }
  }

  private static List<String> story(Random r) {
    String name = pick(r, NAMES);
    String friend = pick(r, NAMES);
    List<String> all =
        List.of(
            name + " had a " + pick(r, ADJECTIVES) + " " + pick(r, THINGS) + ".",
            "One day, "
                + name
                + " saw a "
                + pick(r, ADJECTIVES)
                + " "
                + pick(r, THINGS)
                + " in the "
                + pick(r, PLACES)
                + ".",
            name + " liked to " + pick(r, VERBS) + " with " + friend + ".",
            name + " and " + friend + " went to the " + pick(r, PLACES) + ".",
            "The " + pick(r, THINGS) + " was very " + pick(r, ADJECTIVES) + ".");
    List<String> out = new ArrayList<>(all);
    java.util.Collections.shuffle(out, r);
    return out.subList(0, 2);
  }

  private static String pick(Random r, String[] words) {
    return words[r.nextInt(words.length)];
  }
}
