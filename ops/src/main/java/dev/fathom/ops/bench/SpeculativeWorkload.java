package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.sampling.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * RAPID's workload (Chen et al., arXiv 2502.20330, §4): the target reads a long context, the
 * drafter a short one, both followed by the same question.
 *
 * <p>The long contexts are stories the target model writes itself from several openings with a
 * seeded sampler (temperature {@link #STORY_TEMPERATURE}, stop tokens masked so each story reaches
 * the asked length), so the workload needs no data set and is the same for a given model, seed and
 * size. The short context is the story's last {@code shortTokens} tokens, the part a retriever
 * would most likely return for a continuation question; this keeps the benchmark independent of any
 * retriever or chunk scorer.
 */
public final class SpeculativeWorkload {
  static final float STORY_TEMPERATURE = 0.8f;
  static final List<String> OPENINGS =
      List.of(
          "Once upon a time",
          "One day, a little girl named Lily",
          "Tom and his dog",
          "There was a big tree in the park.",
          "Sam wanted to play outside, but");
  static final List<String> QUESTIONS =
      List.of(
          "\nWhat did they do next? They",
          "\nWhy was everyone happy? Because",
          "\nWhat did the mom say? She said,",
          "\nHow did the story end? In the end,");

  /**
   * One prompt: the target's long context and the drafter's short one, each ending in the question.
   */
  public record Prompt(int[] target, int[] draft) {
    public Prompt {
      if (target.length == 0 || draft.length == 0) {
        throw new IllegalArgumentException("both prompts need at least one token");
      }
    }
  }

  private SpeculativeWorkload() {}

  /**
   * {@code count} prompts: BOS + a story of {@code longTokens} tokens + a question for the target;
   * BOS + the story's last {@code shortTokens} tokens + the same question for the drafter.
   */
  public static List<Prompt> build(
      LocalLanguageModel model, int count, int longTokens, int shortTokens, long seed) {
    if (shortTokens > longTokens) {
      throw new IllegalArgumentException(
          "the short context ("
              + shortTokens
              + ") must not exceed the long one ("
              + longTokens
              + ")");
    }
    List<Prompt> prompts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int[] opening = model.promptTokens(OPENINGS.get(i % OPENINGS.size()));
      int[] question = model.tokenizer().encode(QUESTIONS.get(i % QUESTIONS.size()));
      int[] story = story(model, opening, longTokens, seed + i);
      int[] bos = Arrays.copyOf(story, story.length - longTokens); // BOS, or nothing
      int[] tail = Arrays.copyOfRange(story, story.length - shortTokens, story.length);
      prompts.add(new Prompt(concat(story, question), concat(concat(bos, tail), question)));
    }
    return prompts;
  }

  /**
   * {@code count} prompts of fixed token ids, for long contexts on models too slow (or too random)
   * to write their own: the target reads BOS + {@code longTokens} ids + a 16-id question, the
   * drafter BOS + the last {@code shortTokens} of those ids (standing in for the compressed
   * evidence) + the same question. Ids are a seeded stride through {@code 3 .. min(vocabulary,
   * 32000) − 1}, past the usual special ids; speed does not depend on which ids they are.
   * Acceptance on such prompts says how well the drafter predicts the target on this text, not on
   * natural language.
   */
  public static List<Prompt> fromIds(
      int count, int longTokens, int shortTokens, int vocabularySize, long seed) {
    if (shortTokens > longTokens) {
      throw new IllegalArgumentException(
          "the short context ("
              + shortTokens
              + ") must not exceed the long one ("
              + longTokens
              + ")");
    }
    if (vocabularySize < 4) {
      throw new IllegalArgumentException("vocabularySize must be ≥ 4, got " + vocabularySize);
    }
    int span = Math.min(vocabularySize, 32_000) - 3;
    java.util.Random random = new java.util.Random(seed);
    int bos = 1;
    List<Prompt> prompts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int[] text = new int[longTokens];
      int[] question = new int[16];
      for (int k = 0; k < text.length; k++) {
        text[k] = 3 + random.nextInt(span);
      }
      for (int k = 0; k < question.length; k++) {
        question[k] = 3 + random.nextInt(span);
      }
      int[] tail = Arrays.copyOfRange(text, longTokens - shortTokens, longTokens);
      prompts.add(
          new Prompt(
              concat(concat(new int[] {bos}, text), question),
              concat(concat(new int[] {bos}, tail), question)));
    }
    return prompts;
  }

  /** The opening continued by the model until the story (without BOS) has {@code length} tokens. */
  static int[] story(LocalLanguageModel model, int[] opening, int length, long seed) {
    int bos =
        model.tokenizer().addBos() && opening.length > 0 && opening[0] == model.tokenizer().bos()
            ? 1
            : 0;
    int total = bos + length;
    int[] out = Arrays.copyOf(opening, Math.max(total, opening.length));
    if (opening.length >= total) {
      return Arrays.copyOf(opening, total);
    }
    Set<Integer> stops = model.tokenizer().stopTokens();
    Sampler sampler =
        new Sampler(GenerationSettings.GREEDY.withTemperature(STORY_TEMPERATURE).withSeed(seed));
    Sequence seq = model.engine().newSequence();
    int vocab = seq.vocabularySize();
    float[] logits = seq.forward(opening, false);
    for (int n = opening.length; n < total; n++) {
      for (int stop : stops) {
        if (stop < vocab) {
          logits[stop] = Float.NEGATIVE_INFINITY; // a story that ends early would be too short
        }
      }
      int token = sampler.sample(logits, vocab, out, n);
      out[n] = token;
      if (n + 1 < total) {
        logits = seq.forward(new int[] {token}, false);
      }
    }
    return out;
  }

  static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
