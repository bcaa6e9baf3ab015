package dev.fathom.memory.session;

/**
 * Counts the tokens a text will take in a prompt. The memory budget is only as exact as this count;
 * a caller with the model's tokenizer at hand supplies one that uses it.
 *
 * <p>Implementations should be subadditive over concatenation at line breaks ({@code count(a + b)
 * <= count(a) + count(b)} when {@code a} ends with a newline): {@link MemoryFolder} budgets the
 * summary and the verbatim turns separately and relies on the sum bounding the whole.
 */
@FunctionalInterface
public interface TokenCounter {

  /** Tokens of {@code text}; 0 for the empty text. */
  int count(String text);

  /**
   * A tokenizer-free estimate: the larger of the number of whitespace-separated words and a quarter
   * of the characters, rounded up. BPE vocabularies of English-trained models average about four
   * characters a token; counting words guards against texts of many short words, which take at
   * least a token each.
   */
  static TokenCounter estimate() {
    return text -> {
      if (text.isEmpty()) return 0;
      int words = 0;
      boolean inWord = false;
      for (int i = 0; i < text.length(); i++) {
        boolean space = Character.isWhitespace(text.charAt(i));
        if (!space && !inWord) words++;
        inWord = !space;
      }
      return Math.max(words, (text.length() + 3) / 4);
    };
  }
}
