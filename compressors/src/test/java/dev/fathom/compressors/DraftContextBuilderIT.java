package dev.fathom.compressors;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.testing.TestEmbedder;
import org.junit.jupiter.api.Test;

/** RAPID's drafter context with the real embedding model. */
class DraftContextBuilderIT {

  private static final String DOC =
      """
      The Eiffel Tower was built for the 1889 World's Fair in Paris. It is 330 metres tall and \
      was the tallest man-made structure in the world until 1930.

      Kafka stores records in partitions. Each partition is replicated to several brokers, so a \
      broker can fail without losing data.

      Sourdough bread rises with a starter of wild yeast and lactic acid bacteria. Bakers keep \
      the starter alive by feeding it flour and water.

      Gustave Eiffel's engineering company designed and built the tower. Its iron lattice was \
      assembled from about eighteen thousand parts.
      """;

  @Test
  void keepsTheChunksAboutTheQuestionInDocumentOrder() {
    var builder =
        new DraftContextBuilder(
            TestEmbedder.shared(), new DraftContextBuilder.Settings(24, 80, 0.3));
    String ctx = builder.build(DOC, "Who built the Eiffel Tower and how tall is it?");
    assertTrue(ctx.contains("330 metres"), ctx);
    assertTrue(ctx.contains("Gustave Eiffel"), ctx);
    assertFalse(ctx.contains("Sourdough"), ctx);
    assertTrue(ctx.indexOf("330 metres") < ctx.indexOf("Gustave Eiffel"), ctx);
    assertTrue(TestEmbedder.shared().countTokens(ctx) <= 80, ctx);
  }
}
