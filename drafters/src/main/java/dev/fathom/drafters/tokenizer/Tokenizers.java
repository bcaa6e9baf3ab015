package dev.fathom.drafters.tokenizer;

import dev.fathom.drafters.gguf.GgufMetadata;

/** Builds the tokenizer a GGUF file describes. */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * The tokenizer for {@code tokenizer.ggml.model}: {@code llama} gives a {@link
   * SentencePieceTokenizer}, {@code gpt2} a {@link ByteBpeTokenizer}.
   *
   * @throws UnsupportedOperationException for any other model, naming it
   * @throws IllegalArgumentException when the vocabulary's arrays or ids are inconsistent
   */
  public static Tokenizer fromGguf(GgufMetadata metadata) {
    String model = metadata.getString("tokenizer.ggml.model");
    return switch (model) {
      case "llama" -> new SentencePieceTokenizer(Vocabulary.fromGguf(metadata));
      case "gpt2" -> new ByteBpeTokenizer(Vocabulary.fromGguf(metadata));
      default ->
          throw new UnsupportedOperationException(
              "tokenizer.ggml.model '"
                  + model
                  + "' is not supported; supported are llama (SentencePiece) and gpt2"
                  + " (byte-level BPE)");
    };
  }
}
