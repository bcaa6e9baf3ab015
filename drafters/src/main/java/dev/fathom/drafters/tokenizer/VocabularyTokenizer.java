package dev.fathom.drafters.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What both GGUF tokenizers share: the vocabulary, special-token splitting, stop tokens and
 * decoding. Subclasses say how plain text becomes ids and what bytes one token stands for.
 */
abstract sealed class VocabularyTokenizer implements Tokenizer
    permits SentencePieceTokenizer, ByteBpeTokenizer {
  /** End-of-turn spellings that stop generation in vocabularies that contain them. */
  private static final String[] END_OF_TURN = {
    "<|eot_id|>", "<|im_end|>", "<|end_of_text|>", "</s>"
  };

  protected final Vocabulary vocabulary;
  private final SpecialTokenSplitter splitter;
  private final Set<Integer> stopTokens;

  VocabularyTokenizer(Vocabulary vocabulary) {
    this.vocabulary = vocabulary;
    this.splitter = new SpecialTokenSplitter(vocabulary);
    Set<Integer> stops = new LinkedHashSet<>();
    for (int id : new int[] {vocabulary.eos(), vocabulary.eot(), vocabulary.eom()}) {
      if (id >= 0) {
        stops.add(id);
      }
    }
    for (String text : END_OF_TURN) {
      int id = vocabulary.id(text);
      if (id >= 0) {
        stops.add(id);
      }
    }
    this.stopTokens = Collections.unmodifiableSet(stops);
  }

  /**
   * Appends the ids of {@code text}, which holds no special tokens; {@code atStart} says it begins
   * the input or follows a special token (where SentencePiece adds its space prefix).
   */
  abstract void encodeText(String text, boolean atStart, IntBuffer out);

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public int vocabularySize() {
    return vocabulary.size();
  }

  @Override
  public int[] encode(String text) {
    IntBuffer out = new IntBuffer();
    if (!text.isEmpty()) {
      encodeText(text, true, out);
    }
    return out.toArray();
  }

  @Override
  public int[] encodeWithSpecialTokens(String text) {
    IntBuffer out = new IntBuffer();
    boolean afterSpecial = true; // llama.cpp's is_prev_special: the start counts as one
    for (SpecialTokenSplitter.Fragment f : splitter.split(text)) {
      switch (f) {
        case SpecialTokenSplitter.Special s -> {
          out.add(s.id());
          afterSpecial = true;
        }
        case SpecialTokenSplitter.Text t -> {
          encodeText(t.text(), afterSpecial, out);
          afterSpecial = false;
        }
      }
    }
    return out.toArray();
  }

  @Override
  public String decode(int[] tokens) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean first = true;
    for (int token : tokens) {
      if (isSpecial(token)) {
        continue;
      }
      byte[] piece = tokenBytes(token);
      int from = 0;
      if (first && addSpacePrefix() && piece.length > 0 && piece[0] == ' ') {
        from = 1; // the space encode() put in front of the text
      }
      if (piece.length > 0) {
        first = false;
      }
      bytes.write(piece, from, piece.length - from);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int bos() {
    return vocabulary.bos();
  }

  @Override
  public int eos() {
    return vocabulary.eos();
  }

  @Override
  public boolean addBos() {
    return vocabulary.addBos();
  }

  @Override
  public Set<Integer> stopTokens() {
    return stopTokens;
  }

  /** Control, unknown and unused tokens: markers, not text. */
  @Override
  public boolean isSpecial(int token) {
    TokenType type = vocabulary.type(token);
    return type == TokenType.CONTROL || type == TokenType.UNKNOWN || type == TokenType.UNUSED;
  }

  /** The text of a special or user-defined token, which llama.cpp copies verbatim. */
  protected byte[] verbatim(int token) {
    return vocabulary.token(token).getBytes(StandardCharsets.UTF_8);
  }
}
