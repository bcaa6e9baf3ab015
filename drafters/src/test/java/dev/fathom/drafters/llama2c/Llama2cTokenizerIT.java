package dev.fathom.drafters.llama2c;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.TestModels;
import dev.fathom.drafters.gguf.GgufFile;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Llama2cTokenizerIT {

  @Test
  void readsTok512AndAgreesWithTheGgufVocabulary() throws Exception {
    Llama2cTokenizer t = Llama2cTokenizer.read(TestModels.tok512(), 512);
    assertEquals(512, t.pieces().length);
    try (GgufFile g = GgufFile.open(TestModels.stories260kGguf())) {
      String[] tokens = g.metadata().getStringArray("tokenizer.ggml.tokens");
      float[] scores = g.metadata().getFloatArray("tokenizer.ggml.scores");
      for (int i = 3; i < 512; i++) {
        // SentencePiece writes the word-start space as ▁ (U+2581); llama2.c as a plain space
        String piece = new String(t.pieces()[i], StandardCharsets.UTF_8);
        assertEquals(tokens[i].replace('\u2581', ' '), piece, "token " + i);
        assertEquals(scores[i], t.scores()[i], "score " + i);
      }
    }
  }

  @Test
  void decodesLikeRunC() throws Exception {
    Llama2cTokenizer t = Llama2cTokenizer.read(TestModels.tok512(), 512);
    assertEquals("Once upon a time", t.decode(new int[] {1, 403, 407, 261, 378}));
    // <0x0A> is a byte-fallback token: it prints the byte itself
    assertArrayEquals(new byte[] {0x0A}, t.decode(5, 3 + 0x0A));
  }
}
