package dev.fathom.behaviors.prompt;

import dev.fathom.behaviors.eval.BehaviorMetrics;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.handbook.Handbook.Scored;
import dev.fathom.retrieval.embed.Embedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link BehaviorLibrary} over a {@link Handbook}: embeds the question with the handbook's
 * embedder, takes the nearest behaviors by HNSW kNN (the paper's AIME retrieval, arXiv 2509.13237
 * §4, there BGE-M3 + FAISS), and keeps them, most similar first, while they fit the token budget.
 *
 * <p><b>How many.</b> The paper offers K = 40 behaviors per AIME question to models answering with
 * 2k–16k-token budgets. Fathom's answer models can have far smaller contexts (stories260K: 512), so
 * K is {@link Settings#maxBehaviors()} (default 40, the paper's) capped by a share of the answer
 * model's context ({@link Settings#contextShare()}, default ⅛): with a 4,096-token context the
 * behaviors get 512 tokens, about 12–15 behaviors of 30–40 tokens; from a 12k context on, the 40
 * cap binds. Tokens are counted with the embedder's tokenizer, an estimate of the answer model's
 * (both are subword tokenizers; counts for English differ by about a fifth).
 */
public final class DefaultBehaviorLibrary implements BehaviorLibrary {

  /**
   * @param maxBehaviors most behaviors offered (1..1000)
   * @param contextShare share of the answer model's context the behaviors may take (0 exclusive ..
   *     0.5)
   * @param contextTokens the answer model's context length in tokens (≥ 1)
   * @param minSimilarity cosine similarity below which a behavior is not offered (-1..1; the
   *     default -1 offers the top K whatever their similarity, as the paper does)
   * @param promptsDir directory of prompt overrides ({@code conditioned.txt}), or null
   */
  public record Settings(
      int maxBehaviors,
      double contextShare,
      int contextTokens,
      double minSimilarity,
      Path promptsDir) {
    public static final int DEFAULT_MAX_BEHAVIORS = 40;
    public static final double DEFAULT_CONTEXT_SHARE = 0.125;

    public Settings {
      if (maxBehaviors < 1 || maxBehaviors > 1000) {
        throw new IllegalArgumentException("maxBehaviors must be 1..1000, got " + maxBehaviors);
      }
      if (!(contextShare > 0 && contextShare <= 0.5)) {
        throw new IllegalArgumentException("contextShare must be in (0, 0.5], got " + contextShare);
      }
      if (contextTokens < 1) {
        throw new IllegalArgumentException("contextTokens must be ≥ 1, got " + contextTokens);
      }
      if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
        throw new IllegalArgumentException("minSimilarity must be -1..1, got " + minSimilarity);
      }
    }

    /** The defaults for an answer model with {@code contextTokens} of context. */
    public static Settings forContext(int contextTokens) {
      return new Settings(DEFAULT_MAX_BEHAVIORS, DEFAULT_CONTEXT_SHARE, contextTokens, -1, null);
    }

    /** Tokens the behavior lines may take. */
    public int tokenBudget() {
      return (int) (contextShare * contextTokens);
    }
  }

  private final Handbook handbook;
  private final Settings settings;
  private final BehaviorMetrics metrics;
  private final BehaviorPrompt prompt;

  public DefaultBehaviorLibrary(Handbook handbook, Settings settings, BehaviorMetrics metrics) {
    this.handbook = Objects.requireNonNull(handbook, "handbook");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.prompt = new BehaviorPrompt(settings.promptsDir());
  }

  @Override
  public Offer offer(String question, Set<String> topics) {
    if (handbook.size() == 0) return Offer.NONE;
    Embedder embedder = handbook.embedder();
    List<Scored> nearest =
        handbook.nearest(embedder.embed(question), settings.maxBehaviors(), topics);
    List<Behavior> chosen = new ArrayList<>();
    int budget = settings.tokenBudget();
    for (Scored s : nearest) {
      if (s.similarity() < settings.minSimilarity()) break;
      int cost = embedder.countTokens(s.behavior().line()) + 1; // + the newline
      if (cost > budget) break;
      budget -= cost;
      chosen.add(s.behavior());
    }
    if (chosen.isEmpty()) return Offer.NONE;
    List<Behavior> ordered = BehaviorPrompt.promptOrder(chosen);
    metrics.offered(ordered.size());
    return new Offer(ordered, prompt.section(ordered));
  }

  @Override
  public Cited recordAnswer(Offer offer, String answerText) {
    List<String> names = BehaviorCitations.cited(offer.names(), answerText);
    if (names.isEmpty()) return new Cited(List.of(), List.of());
    metrics.cited(names.size());
    return new Cited(names, handbook.recordUses(names));
  }
}
