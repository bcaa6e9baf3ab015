package dev.fathom.drafters.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE as GPT-2 introduced it ({@code tokenizer.ggml.model = gpt2}; Llama 3, Qwen2).
 *
 * <p>Encoding: a {@link PreTokenizer} cuts the text into words; each word's UTF-8 bytes are spelled
 * with {@link ByteLevel}'s characters and merged pairwise, the pair whose merge comes first in
 * {@code tokenizer.ggml.merges} first (Sennrich et al. 2016, "Neural Machine Translation of Rare
 * Words with Subword Units"). Results are cached per word, since natural text repeats its words.
 * Llama 3's tokenizer ({@code ignore_merges} in its {@code tokenizer.json}) takes a word that is
 * itself a vocabulary entry whole, and so does this one for the {@code llama-bpe} pre-tokeniser.
 */
public final class ByteBpeTokenizer extends VocabularyTokenizer {
  private static final int CACHE_LIMIT = 1 << 16;

  private final PreTokenizer preTokenizer;
  private final Map<String, Integer> mergeRanks;
  private final boolean ignoreMerges;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  public ByteBpeTokenizer(Vocabulary vocabulary) {
    super(vocabulary);
    String[] merges =
        vocabulary
            .merges()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "tokenizer.ggml.merges is missing; a gpt2 (byte-level BPE) tokenizer"
                            + " needs its merge list"));
    mergeRanks = new HashMap<>(merges.length * 2);
    for (int rank = 0; rank < merges.length; rank++) {
      String merge = merges[rank];
      int space = merge.indexOf(' ');
      if (space <= 0 || space == merge.length() - 1 || merge.indexOf(' ', space + 1) >= 0) {
        throw new IllegalArgumentException(
            "tokenizer.ggml.merges[" + rank + "] must be 'left right', got '" + merge + "'");
      }
      mergeRanks.putIfAbsent(merge, rank);
    }
    preTokenizer = PreTokenizer.forName(vocabulary.pre());
    ignoreMerges = preTokenizer == PreTokenizer.LLAMA3;
  }

  public PreTokenizer preTokenizer() {
    return preTokenizer;
  }

  @Override
  void encodeText(String text, boolean atStart, IntBuffer out) {
    for (String word : preTokenizer.split(text)) {
      int[] ids = cache.get(word);
      if (ids == null) {
        ids = encodeWord(word);
        if (cache.size() >= CACHE_LIMIT) {
          cache.clear(); // a crude bound: long runs of unseen words must not grow it forever
        }
        cache.put(word, ids);
      }
      out.addAll(ids);
    }
  }

  private int[] encodeWord(String word) {
    String spelled = ByteLevel.encode(word);
    if (ignoreMerges) {
      int whole = vocabulary.id(spelled);
      if (whole >= 0) {
        return new int[] {whole};
      }
    }
    int[] starts = BigramMerger.merge(spelled, this::mergeScore);
    IntBuffer ids = new IntBuffer();
    for (int i = 0; i < starts.length; i++) {
      int end = i + 1 < starts.length ? starts[i + 1] : spelled.length();
      int id = vocabulary.id(spelled.substring(starts[i], end));
      if (id >= 0) {
        ids.add(id);
        continue;
      }
      // A merged piece missing from the vocabulary (an inconsistent file): spell it byte by byte,
      // as llama.cpp does, skipping bytes the vocabulary cannot spell either.
      for (int c = starts[i]; c < end; c++) {
        int single = vocabulary.id(String.valueOf(spelled.charAt(c)));
        if (single >= 0) {
          ids.add(single);
        }
      }
    }
    return ids.toArray();
  }

  /** Earlier merges first: the score is the negated rank. */
  private double mergeScore(String text, int start, int mid, int end) {
    String key = text.substring(start, mid) + ' ' + text.substring(mid, end);
    Integer rank = mergeRanks.get(key);
    return rank == null ? Double.NaN : -rank;
  }

  @Override
  public byte[] tokenBytes(int token) {
    return switch (vocabulary.type(token)) {
      case NORMAL -> ByteLevel.decode(vocabulary.token(token));
      case BYTE -> {
        int b = Vocabulary.byteValue(vocabulary.token(token));
        yield b >= 0 ? new byte[] {(byte) b} : ByteLevel.decode(vocabulary.token(token));
      }
      case USER_DEFINED, CONTROL, UNKNOWN, UNUSED -> verbatim(token);
    };
  }
}
