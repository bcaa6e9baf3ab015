package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Vocabularies for tests: the shared model files, and small byte-level BPE ones built here. */
final class TestVocabularies {
  static final String STORIES = "stories260K/stories260K.gguf";
  static final String LLAMA2 = "tiny-random-llama/llama-2-tiny-random.gguf";

  /** Specials of {@link #bpe}: control tokens, then one user-defined token. */
  static final List<String> BPE_CONTROL = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

  static final String BPE_USER_DEFINED = "<tool>";

  private TestVocabularies() {}

  /** The metadata of a model under {@code ../shared/models}; skips the test when it is absent. */
  static GgufMetadata sharedModel(String relative) {
    Path path =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models")
            .resolve(relative)
            .normalize();
    assumeTrue(Files.isRegularFile(path), "test model " + path + " is absent");
    try (GgufFile file = GgufFile.open(path)) {
      return file.metadata();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A byte-level BPE vocabulary: ids 0..255 are the 256 byte characters (id = byte value), then one
   * token per merge in {@code merges} order, then {@link #BPE_CONTROL} and {@link
   * #BPE_USER_DEFINED}, and finally {@code wholeWords} (tokens no merge produces).
   */
  static Map<String, Object> bpe(String pre, List<String> merges, List<String> wholeWords) {
    List<String> tokens = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(String.valueOf(ByteLevel.charOf(b)));
      types.add(1);
    }
    for (String merge : merges) {
      tokens.add(merge.replace(" ", ""));
      types.add(1);
    }
    for (String s : BPE_CONTROL) {
      tokens.add(s);
      types.add(3);
    }
    tokens.add(BPE_USER_DEFINED);
    types.add(4);
    for (String w : wholeWords) {
      tokens.add(ByteLevel.encode(w));
      types.add(1);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("general.architecture", "qwen2");
    m.put("tokenizer.ggml.model", "gpt2");
    m.put("tokenizer.ggml.pre", pre);
    m.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
    m.put("tokenizer.ggml.token_type", types.stream().mapToInt(Integer::intValue).toArray());
    m.put("tokenizer.ggml.merges", merges.toArray(String[]::new));
    m.put("tokenizer.ggml.eos_token_id", (long) tokens.indexOf("<|endoftext|>"));
    m.put("tokenizer.ggml.bos_token_id", (long) tokens.indexOf("<|endoftext|>"));
    return m;
  }

  /** A five-piece SentencePiece vocabulary with every byte token, for error and edge cases. */
  static Map<String, Object> smallSpm() {
    List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
    for (int b = 0; b < 256; b++) {
      tokens.add(String.format("<0x%02X>", b));
      types.add(6);
    }
    for (String piece : List.of("\u2581", "a", "b", "\u2581a", "ab")) {
      tokens.add(piece);
      types.add(1);
    }
    float[] scores = new float[tokens.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = -i; // earlier pieces are likelier, as in a real SentencePiece model
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("general.architecture", "llama");
    m.put("tokenizer.ggml.model", "llama");
    m.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
    m.put("tokenizer.ggml.scores", scores);
    m.put("tokenizer.ggml.token_type", types.stream().mapToInt(Integer::intValue).toArray());
    m.put("tokenizer.ggml.unknown_token_id", 0L);
    m.put("tokenizer.ggml.bos_token_id", 1L);
    m.put("tokenizer.ggml.eos_token_id", 2L);
    m.put("tokenizer.ggml.padding_token_id", 0xFFFFFFFFL);
    return m;
  }

  static GgufMetadata metadata(Map<String, Object> values) {
    return new GgufMetadata("test", values);
  }
}
