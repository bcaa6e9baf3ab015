package dev.fathom.ops.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.ops.config.AttentionConfig;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.rank.AttentionSettings;
import dev.fathom.retrieval.rank.AttentionSettings.Head;
import dev.fathom.retrieval.rank.FusionModel;
import dev.fathom.retrieval.rank.Ranker;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which rankers a data directory can run, and the sentences for the ones it cannot. */
class RankerSetTest {

  @TempDir Path dir;

  /** Never called: no ranker here embeds anything. */
  private static final Embedder NO_EMBEDDER =
      new Embedder() {
        @Override
        public int dimension() {
          return 384;
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
          throw new AssertionError("not expected to embed");
        }

        @Override
        public int countTokens(String text) {
          return 0;
        }

        @Override
        public void close() {}
      };

  private static String refused(RankerSet set, RankerKind kind) {
    return assertThrows(IllegalArgumentException.class, () -> set.get(kind)).getMessage();
  }

  @Test
  void withoutModelsOnlyNoneRunsAndEachRefusalSaysWhatIsMissing() {
    try (PassageIndex index = PassageIndex.openForWriting(dir.resolve("index"), "test/384");
        RankerSet set = new RankerSet(null, index, NO_EMBEDDER, dir, 100)) {
      assertEquals(List.of(RankerKind.NONE), set.available().stream().map(Ranker::kind).toList());
      assertEquals(
          "listwise ranking needs a language model: add --model FILE.gguf or --llm URL",
          refused(set, RankerKind.LISTWISE));
      assertTrue(refused(set, RankerKind.ATTENTION).contains("needs the in-JVM engine"));
      assertEquals(
          "fusion ranking needs a trained model at "
              + FusionModel.path(dir)
              + ": run `fathom train ranker --dataset DIR --data "
              + dir
              + "` first",
          refused(set, RankerKind.FUSION));
    }
  }

  @Test
  void aBrokenFusionModelRefusesFusionButNotTheOthers() throws Exception {
    Files.writeString(FusionModel.path(dir), "{not a model");
    try (PassageIndex index = PassageIndex.openForWriting(dir.resolve("index"), "test/384");
        RankerSet set = new RankerSet(null, index, NO_EMBEDDER, dir, 100)) {
      assertEquals(RankerKind.NONE, set.get(RankerKind.NONE).kind());
      String why = refused(set, RankerKind.FUSION);
      assertTrue(why.startsWith("fusion ranking cannot load " + FusionModel.path(dir)), why);
      assertTrue(why.endsWith("again"), why);
    }
  }

  @Test
  void listwiseRunsOverAnyLanguageModelAttentionNeedsTheEngine() {
    ScriptedChatModel remote = new ScriptedChatModel("[2] > [1]");
    try (PassageIndex index = PassageIndex.openForWriting(dir.resolve("index"), "test/384");
        RankerSet set =
            new RankerSet(
                remote, null, index, NO_EMBEDDER, dir, 100, null, AttentionSettings.defaults())) {
      assertEquals(
          List.of(RankerKind.NONE, RankerKind.LISTWISE),
          set.available().stream().map(Ranker::kind).toList());
      assertTrue(refused(set, RankerKind.ATTENTION).contains("needs the in-JVM engine"));
      List<Hit> hits =
          List.of(
              new Hit(new Passage("a", "a", "", "first", 0, 5), 2, 1),
              new Hit(new Passage("b", "b", "", "second", 0, 6), 1, 2));
      assertEquals(
          List.of("b", "a"),
          set.get(RankerKind.LISTWISE).rank("which?", hits).hits().stream()
              .map(h -> h.passage().id())
              .toList());
      assertEquals(1, remote.chats.size(), "one window, asked of the given model");
    }
  }

  /** The configured settings reach the attention ranker: its explanation names them. */
  @Test
  void attentionRanksWithTheConfiguredLayoutAndHeads() throws Exception {
    Path gguf =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models/stories260K/stories260K.gguf")
            .normalize();
    assumeTrue(Files.isRegularFile(gguf), "test model " + gguf + " is absent");
    AttentionSettings configured =
        AttentionConfig.from(
            ConfigFactory.parseString(
                    "fathom.rerank.attention { layout = blocks, heads = [\"4.1\"] }")
                .withFallback(ConfigFactory.load())
                .resolve());
    List<Hit> hits =
        List.of(
            new Hit(new Passage("a", "a", "", "Tim saw a big dog in the park.", 0, 30), 2, 1),
            new Hit(new Passage("b", "b", "", "Lily had a red ball at home.", 0, 28), 1, 2));
    try (LocalLanguageModel engine =
            LocalLanguageModel.open(gguf, new EngineSettings(1, 512, null));
        PassageIndex index = PassageIndex.openForWriting(dir.resolve("index"), "test/384")) {
      try (RankerSet set =
          new RankerSet(engine, engine, index, NO_EMBEDDER, dir, 100, null, configured)) {
        String why = set.get(RankerKind.ATTENTION).rank("Where was the dog?", hits).explanation();
        assertTrue(why.contains("heads [4.1], one block per passage"), why);
      }
      try (RankerSet set = new RankerSet(engine, index, NO_EMBEDDER, dir, 100)) {
        String why = set.get(RankerKind.ATTENTION).rank("Where was the dog?", hits).explanation();
        assertTrue(why.contains("layers all"), why);
        assertFalse(why.contains("block"), why);
      }
      AttentionSettings missing = AttentionSettings.defaults().withHeads(List.of(new Head(99, 0)));
      try (RankerSet set =
          new RankerSet(engine, engine, index, NO_EMBEDDER, dir, 100, null, missing)) {
        assertEquals(RankerKind.LISTWISE, set.get(RankerKind.LISTWISE).kind());
        String why = refused(set, RankerKind.ATTENTION);
        assertTrue(
            why.startsWith("attention ranking cannot run with fathom.rerank.attention:"), why);
        assertTrue(why.contains("head 99.0 does not exist"), why);
      }
    }
  }

  @Test
  void checkRefusesBeforeAnythingStarts() {
    RankerSet.check(RankerKind.NONE, false, dir);
    RankerSet.check(RankerKind.LISTWISE, true, dir);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> RankerSet.check(RankerKind.FUSION, true, dir));
    assertTrue(e.getMessage().contains("fathom train ranker"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> RankerSet.check(RankerKind.ATTENTION, false, dir));
  }
}
