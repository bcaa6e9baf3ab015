package dev.fathom.drafters.local;

import dev.fathom.drafters.engine.CachedPrefill;
import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.EvictingSequence;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.Generation.StopReason;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.drafters.speculative.SamplerPolicy;
import dev.fathom.drafters.speculative.SpeculationMemory;
import dev.fathom.drafters.speculative.SpeculationStats;
import dev.fathom.drafters.speculative.SpeculativeDecoder;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.drafters.tokenizer.ChatTemplate;
import dev.fathom.drafters.tokenizer.ChatTemplates;
import dev.fathom.drafters.tokenizer.Tokenizer;
import dev.fathom.drafters.tokenizer.Tokenizers;
import dev.fathom.memory.KvEvictionSettings;
import dev.fathom.memory.PrefixCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The in-JVM engine as a {@link LanguageModel}: tokenizer and chat template from the GGUF file,
 * prefill and decoding ({@link Decoding}), sampling, stop tokens and strings, streaming — and
 * speculative decoding with a drafter (RAPID) when asked.
 */
public final class LocalLanguageModel implements LanguageModel {
  private final LlamaEngine engine;
  private final Tokenizer tokenizer;
  private final ChatTemplate template;
  private final String name;
  // KV eviction for requests longer than a budget (docs/memory.md); null: off, the default.
  private final KvEvictionSettings eviction;
  // What the speculation gate learned per drafter, across requests (weak: a closed drafter goes).
  private final Map<LocalLanguageModel, SpeculationMemory> gateMemories =
      Collections.synchronizedMap(new WeakHashMap<>());

  private LocalLanguageModel(LlamaEngine engine, String name) {
    this.engine = engine;
    this.name = name;
    this.eviction =
        engine.settings().kvEviction() != null
            ? engine.settings().kvEviction()
            : KvEvictionSettings.fromSystemProperties();
    this.tokenizer = Tokenizers.fromGguf(engine.file().metadata());
    this.template =
        ChatTemplates.choose(engine.file().metadata(), engine.settings().chatTemplate());
  }

  /** Opens a GGUF model; errors name the file and what is wrong with it. */
  public static LocalLanguageModel open(Path path, EngineSettings settings) throws IOException {
    LlamaEngine engine = LlamaEngine.open(path, settings);
    try {
      return new LocalLanguageModel(engine, path.getFileName().toString());
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int contextLength() {
    return engine.model().maxPositions();
  }

  /** This model's KV eviction for long requests, or null when it has none. */
  public KvEvictionSettings kvEviction() {
    return eviction;
  }

  public LlamaEngine engine() {
    return engine;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public ChatTemplate template() {
    return template;
  }

  /** Prompt tokens for plain text: BOS when the model wants it, then the text. */
  public int[] promptTokens(String prompt) {
    return withBos(tokenizer.encode(prompt));
  }

  /** Prompt tokens for a conversation rendered with the chat template. */
  public int[] chatTokens(List<ChatMessage> messages) {
    return withBos(tokenizer.encodeWithSpecialTokens(template.render(messages, true)));
  }

  @Override
  public Generation complete(String prompt, GenerationSettings settings, TokenListener listener) {
    return generate(promptTokens(prompt), settings, settings.stop(), listener);
  }

  @Override
  public Generation chat(
      List<ChatMessage> messages, GenerationSettings settings, TokenListener listener) {
    return generate(chatTokens(messages), settings, chatStops(settings), listener);
  }

  /** A generation and what speculation did during it. */
  public record SpeculativeGeneration(Generation generation, SpeculationStats stats) {}

  /**
   * Answers a conversation with RAPID: this model is the target and reads {@code targetMessages}
   * (the long context), {@code drafter} (this model again for self-speculation, or another one with
   * the same vocabulary) reads {@code draftMessages} (the short one).
   */
  public SpeculativeGeneration chatSpeculative(
      List<ChatMessage> targetMessages,
      LocalLanguageModel drafter,
      List<ChatMessage> draftMessages,
      GenerationSettings settings,
      RapidSettings rapid,
      TokenListener listener) {
    return speculate(
        chatTokens(targetMessages),
        drafter,
        drafter.chatTokens(draftMessages),
        settings,
        rapid,
        chatStops(settings),
        listener);
  }

  /** RAPID over raw token prompts (used by {@code fathom generate --speculate} and benchmarks). */
  public SpeculativeGeneration speculate(
      int[] targetPrompt,
      LocalLanguageModel drafter,
      int[] draftPrompt,
      GenerationSettings settings,
      RapidSettings rapid,
      List<String> stopStrings,
      TokenListener listener) {
    if (drafter.tokenizer.vocabularySize() != tokenizer.vocabularySize()) {
      throw new IllegalArgumentException(
          "the drafter "
              + drafter.name
              + " has a vocabulary of "
              + drafter.tokenizer.vocabularySize()
              + " tokens, the target "
              + name
              + " one of "
              + tokenizer.vocabularySize()
              + ": speculative decoding needs the same tokenizer");
    }
    checkFits(targetPrompt);
    TextEmitter emitter =
        new TextEmitter(tokenizer, promptIsOnlyBos(targetPrompt), stopStrings, listener);
    SpeculativeDecoder decoder =
        new SpeculativeDecoder(
            rapid,
            new SamplerPolicy(new Sampler(settings)),
            tokenizer.stopTokens(),
            gateMemories.computeIfAbsent(drafter, d -> new SpeculationMemory()));
    long t0 = System.nanoTime();
    // Both sequences start from the pages their model's prefix cache holds for their prompts (the
    // behavior handbook, earlier turns): only the rest is prefilled.
    LlamaSequence targetSeq = engine.newSequence();
    LlamaSequence draftSeq = drafter.engine.newSequence();
    PrefixCache.Lease targetLease =
        CachedPrefill.adopt(engine.prefixCache(), targetSeq, targetPrompt);
    PrefixCache.Lease draftLease;
    try {
      draftLease = CachedPrefill.adopt(drafter.engine.prefixCache(), draftSeq, draftPrompt);
    } catch (RuntimeException e) {
      targetLease.close();
      throw e;
    }
    SpeculativeDecoder.Result r = null;
    try {
      r =
          decoder.generate(
              targetSeq,
              targetPrompt,
              draftSeq,
              draftPrompt,
              settings.maxTokens(),
              emitter::accept);
    } finally {
      // The target holds its prompt then every accepted token in order; the drafter may skip
      // tokens after a plain stretch, so only its prompt is remembered.
      int[] generated = r == null ? new int[0] : r.tokens();
      int[] targetTokens = Arrays.copyOf(targetPrompt, targetPrompt.length + generated.length);
      System.arraycopy(generated, 0, targetTokens, targetPrompt.length, generated.length);
      CachedPrefill.release(
          engine.prefixCache(), targetSeq, targetTokens, targetTokens.length, targetLease);
      CachedPrefill.release(
          drafter.engine.prefixCache(), draftSeq, draftPrompt, draftPrompt.length, draftLease);
    }
    emitter.finish();
    long total = System.nanoTime() - t0;
    Generation g =
        new Generation(
            emitter.text(),
            targetPrompt,
            r.tokens(),
            r.stopReason(),
            targetPrompt.length,
            0,
            total);
    return new SpeculativeGeneration(g, r.stats());
  }

  /**
   * Plain decoding of the target: {@link CachedPrefill#prefill} (the engine's prefix cache, then
   * {@link Decoding#prefill} of the rest), then {@link Decoding#decode}.
   */
  public Generation generate(
      int[] prompt, GenerationSettings settings, List<String> stopStrings, TokenListener listener) {
    checkFits(prompt);
    Sampler sampler = new Sampler(settings);
    TextEmitter emitter =
        new TextEmitter(tokenizer, promptIsOnlyBos(prompt), stopStrings, listener);
    LlamaSequence llama = engine.newSequence();
    // A request longer than the eviction budget runs bounded and bypasses the prefix cache: after
    // an eviction its cache positions no longer match its tokens.
    // The request's own policy first, then the model's (EngineSettings, system properties).
    KvEvictionSettings bound = settings.kvEviction() != null ? settings.kvEviction() : eviction;
    boolean evict = bound != null && (long) prompt.length + settings.maxTokens() > bound.budget();
    Sequence seq = evict ? new EvictingSequence(llama, bound.policy(), bound.budget()) : llama;
    int vocab = engine.config().vocabularySize();
    int[] history = Arrays.copyOf(prompt, prompt.length + settings.maxTokens());
    int[] historyLength = {prompt.length};

    long t0 = System.nanoTime();
    // The prompt's cached prefix (behavior handbook, earlier turns) is adopted, not recomputed.
    CachedPrefill.Result prefill =
        evict ? null : CachedPrefill.prefill(engine.prefixCache(), llama, prompt);
    float[] logits = evict ? Decoding.prefill(seq, prompt) : prefill.logits();
    long t1 = System.nanoTime();
    StopReason reason;
    try {
      reason =
          Decoding.decode(
              seq,
              logits,
              settings.maxTokens(),
              l -> sampler.sample(l, vocab, history, historyLength[0]),
              token -> {
                history[historyLength[0]++] = token;
                if (tokenizer.stopTokens().contains(token)) {
                  return StopReason.EOS;
                }
                return emitter.accept(token) ? null : StopReason.STOP_STRING;
              });
    } finally {
      if (prefill != null) {
        CachedPrefill.release(
            engine.prefixCache(), llama, Arrays.copyOf(history, historyLength[0]), prefill);
      }
    }
    emitter.finish();
    long t2 = System.nanoTime();
    int[] tokens = Arrays.copyOfRange(history, prompt.length, historyLength[0]);
    return new Generation(emitter.text(), prompt, tokens, reason, prompt.length, t1 - t0, t2 - t1);
  }

  private List<String> chatStops(GenerationSettings settings) {
    List<String> stops = new ArrayList<>(settings.stop());
    stops.addAll(template.stopStrings());
    return stops;
  }

  /** Whether the text starts right after BOS, where SentencePiece drops its leading space. */
  private boolean promptIsOnlyBos(int[] prompt) {
    return prompt.length == 1 && prompt[0] == tokenizer.bos();
  }

  private void checkFits(int[] prompt) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt is empty (and the model adds no BOS)");
    }
    if (prompt.length >= contextLength()) {
      throw new IllegalArgumentException(
          "the prompt has "
              + prompt.length
              + " tokens but the context holds "
              + contextLength()
              + " (raise --context up to the model's "
              + engine.config().contextLength()
              + ", or shorten the prompt)");
    }
  }

  private int[] withBos(int[] tokens) {
    if (!tokenizer.addBos() || tokenizer.bos() < 0) {
      return tokens;
    }
    int[] out = new int[tokens.length + 1];
    out[0] = tokenizer.bos();
    System.arraycopy(tokens, 0, out, 1, tokens.length);
    return out;
  }

  @Override
  public void close() {
    engine.close();
  }
}
