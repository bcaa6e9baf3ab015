package dev.fathom.drafters.llama2c;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.TestModels;
import org.junit.jupiter.api.Test;

/** The published llama2.c behaviour of stories260K (../shared/models/README.md). */
class Llama2cReferenceIT {

  @Test
  void greedyContinuationOfOnceUponATimeMatchesLlama2c() throws Exception {
    Llama2cReference ref =
        new Llama2cReference(Llama2cCheckpoint.read(TestModels.stories260kBin()));
    int[] out = ref.greedy(new int[] {1, 403, 407, 261, 378}, 16);
    assertArrayEquals(
        new int[] {432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337},
        out);
  }

  @Test
  void greedyStoryFromBosMatchesLlama2c() throws Exception {
    Llama2cReference ref =
        new Llama2cReference(Llama2cCheckpoint.read(TestModels.stories260kBin()));
    Llama2cTokenizer tok = Llama2cTokenizer.read(TestModels.tok512(), 512);
    int[] generated = ref.greedy(new int[] {Llama2cTokenizer.BOS}, 255);
    int[] all = new int[256];
    all[0] = Llama2cTokenizer.BOS;
    System.arraycopy(generated, 0, all, 1, 255);
    String text = tok.decode(all);
    String expected =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the"
            + " park. One day, she saw a big, red ball. She wanted to play with it, but it was too"
            + " high.";
    assertTrue(text.startsWith(expected), text);
  }

  @Test
  void positionsAndTokensOutsideTheModelAreRejected() throws Exception {
    Llama2cReference ref =
        new Llama2cReference(Llama2cCheckpoint.read(TestModels.stories260kBin()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ref.forward(512, 0));
    assertTrue(e.getMessage().contains("[0, 512)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ref.forward(1, 512));
  }
}
