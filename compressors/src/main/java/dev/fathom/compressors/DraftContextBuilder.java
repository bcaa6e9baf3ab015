package dev.fathom.compressors;

import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.text.Chunker;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * The short context a RAPID drafter reads (Chen et al., arXiv 2502.20330, §3; the official code's
 * {@code get_rag_context}): the long context cut into chunks, the chunks most similar to the
 * question kept within a token budget, then put back in their original order and joined with blank
 * lines, so the drafter reads the relevant parts of the document as the document has them.
 *
 * <p>RAPID's evaluation uses chunks of 128 tokens, a cosine threshold of 0.1 and about 1/32 of the
 * context, at least 4,096 tokens; Fathom's models and contexts are smaller, so the budget defaults
 * to 1,024 tokens. Chunks are whole sentences ({@link Chunker}) rather than RAPID's recursive
 * character splitter, and similarity is all-MiniLM-L6-v2's cosine where RAPID uses BGE-M3.
 */
public final class DraftContextBuilder {

  /**
   * @param chunkWords words per chunk ({@link Chunker}'s target): 96 words are about 128 tokens
   * @param budgetTokens most tokens of kept chunks, counted by the caller's token counter
   * @param threshold least cosine similarity to the question for a chunk to be kept
   */
  public record Settings(int chunkWords, int budgetTokens, double threshold) {
    public Settings {
      if (chunkWords < Chunker.MIN_TARGET_WORDS || chunkWords > Chunker.MAX_TARGET_WORDS) {
        throw new IllegalArgumentException(
            "chunkWords must be in ["
                + Chunker.MIN_TARGET_WORDS
                + ", "
                + Chunker.MAX_TARGET_WORDS
                + "], got "
                + chunkWords);
      }
      if (budgetTokens < 1 || budgetTokens > 1_000_000) {
        throw new IllegalArgumentException(
            "budgetTokens must be in [1, 1000000], got " + budgetTokens);
      }
      if (!(threshold >= -1 && threshold <= 1)) {
        throw new IllegalArgumentException("threshold must be in [-1, 1], got " + threshold);
      }
    }

    /** 96-word chunks (~128 tokens), 1,024 tokens, cosine ≥ 0.1: RAPID's evaluation, scaled. */
    public static Settings defaults() {
      return new Settings(96, 1024, 0.1);
    }
  }

  private final Embedder embedder;
  private final Settings settings;
  private final ToIntFunction<String> tokens;

  /** Counts the budget in the embedder's tokens. */
  public DraftContextBuilder(Embedder embedder, Settings settings) {
    this(embedder, settings, embedder::countTokens);
  }

  /** Counts the budget with {@code tokens}, e.g. the drafter model's own tokenizer. */
  public DraftContextBuilder(Embedder embedder, Settings settings, ToIntFunction<String> tokens) {
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** The drafter's context for {@code question} from {@code longContext}; empty when none fits. */
  public String build(String longContext, String question) {
    List<TextSpan> spans = new Chunker(settings.chunkWords(), 0).chunk(longContext);
    if (spans.isEmpty()) return "";
    List<String> chunks = spans.stream().map(s -> s.of(longContext)).toList();
    float[] q = embedder.embed(question);
    List<float[]> vectors = embedder.embedAll(chunks);
    List<Integer> byScore = new ArrayList<>();
    float[] score = new float[chunks.size()];
    for (int i = 0; i < chunks.size(); i++) {
      score[i] = dot(q, vectors.get(i));
      if (score[i] >= settings.threshold()) byScore.add(i);
    }
    byScore.sort(Comparator.comparingDouble((Integer i) -> score[i]).reversed());
    List<Integer> kept = new ArrayList<>();
    int used = 0;
    for (int i : byScore) {
      int t = tokens.applyAsInt(chunks.get(i));
      // A chunk that does not fit is passed over for smaller, less similar ones.
      if (used + t > settings.budgetTokens()) continue;
      kept.add(i);
      used += t;
    }
    kept.sort(Comparator.naturalOrder());
    List<String> out = new ArrayList<>(kept.size());
    for (int i : kept) out.add(chunks.get(i).strip());
    return String.join("\n\n", out);
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
