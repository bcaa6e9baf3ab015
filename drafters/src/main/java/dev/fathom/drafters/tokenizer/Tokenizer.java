package dev.fathom.drafters.tokenizer;

import java.util.Set;

/**
 * Text to token ids and back, built from a GGUF file's {@code tokenizer.ggml.*} metadata.
 *
 * <p>CONTRACT (implemented by the tokenizer work): {@code SentencePieceTokenizer} for {@code
 * tokenizer.ggml.model = llama} and {@code ByteBpeTokenizer} for {@code gpt2}; a static factory
 * {@code Tokenizers.fromGguf(GgufMetadata)} picks one and fails with a message naming an
 * unsupported model.
 */
public interface Tokenizer {
  /** Size of the vocabulary (ids are {@code 0 .. size-1}). */
  int vocabularySize();

  /**
   * Encodes plain text: special-token strings in {@code text} are treated as text, nothing is added
   * at the start (no BOS). SentencePiece tokenizers add the leading space llama.cpp/llama2.c add to
   * non-empty text.
   */
  int[] encode(String text);

  /** Encodes text in which special-token strings (e.g. {@code <|im_start|>}) become their ids. */
  int[] encodeWithSpecialTokens(String text);

  /**
   * The raw bytes a token stands for (byte-fallback tokens give their byte; specials their text).
   */
  byte[] tokenBytes(int token);

  /** Decodes ids to text (UTF-8 over the concatenated bytes, invalid sequences replaced). */
  String decode(int[] tokens);

  /** Beginning-of-sequence id, or -1 when the vocabulary has none. */
  int bos();

  /** End-of-sequence id, or -1. */
  int eos();

  /** Whether the model expects BOS before a prompt ({@code tokenizer.ggml.add_bos_token}). */
  boolean addBos();

  /** Ids that end generation: EOS plus end-of-turn tokens such as {@code <|eot_id|>}. */
  Set<Integer> stopTokens();

  /** True for control/special tokens that a streaming decoder should not print. */
  boolean isSpecial(int token);

  /**
   * Whether {@link #encode} puts a space before non-empty text (SentencePiece's {@code
   * add_dummy_prefix}, {@code tokenizer.ggml.add_space_prefix}); a decoder that starts right after
   * BOS drops that one space again.
   */
  default boolean addSpacePrefix() {
    return false;
  }
}
