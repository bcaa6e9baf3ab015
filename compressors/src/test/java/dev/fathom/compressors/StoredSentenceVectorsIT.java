package dev.fathom.compressors;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.compressors.recomp.CompressorModel;
import dev.fathom.compressors.recomp.TrainedExtractiveCompressor;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.Ingestor;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentence vectors stored at ingest, on a real index on disk with the real all-MiniLM-L6-v2: both
 * extractive compressors then embed only the question, and their evidence is what embedding every
 * sentence per question gives (within the int8 quantisation of the stored vectors). An index
 * written without them (before they were stored) still answers, embedding sentences as before.
 */
class StoredSentenceVectorsIT {

  private static final String EMB = "all-minilm-l6-v2/384"; // TestEmbedder's fp32 model
  private static final String QUESTION = "How tall is the Eiffel Tower?";

  @TempDir static Path tmp;
  static PassageIndex ingested; // written by the Ingestor: sentence vectors stored
  static PassageIndex old; // the same passages written without them
  static CompressorModel model;

  /** Records the texts of every embedding call, then embeds with the real model. */
  static final class Counting implements Embedder {
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public int dimension() {
      return TestEmbedder.shared().dimension();
    }

    @Override
    public synchronized List<float[]> embedAll(List<String> texts) {
      calls.add(List.copyOf(texts));
      return TestEmbedder.shared().embedAll(texts);
    }

    @Override
    public int countTokens(String text) {
      return TestEmbedder.shared().countTokens(text);
    }

    @Override
    public void close() {}
  }

  @BeforeAll
  static void index() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(
        docs.resolve("eiffel.md"),
        "# Eiffel Tower\n\nThe Eiffel Tower was built for the 1889 World's Fair in Paris. It is 330"
            + " metres tall, including its antennas. Gustave Eiffel's company designed and built"
            + " it. The tower was the tallest man-made structure in the world until 1930, when the"
            + " Chrysler Building in New York overtook it. About seven million people visit it"
            + " every year.\n\n| year | visitors |\n| 2015 | 6.9 million |\n");
    Files.writeString(
        docs.resolve("kafka.txt"),
        "Kafka\n\nKafka partitions are replicated across brokers. Each partition has one leader."
            + " Followers copy the leader's log and take over when it fails.\n");
    ingested = PassageIndex.openForWriting(tmp.resolve("index"), EMB);
    new Ingestor(ingested, TestEmbedder.shared(), Ingestor.Settings.defaults(), Set.of())
        .ingest(List.of(docs), new IngestListener() {});
    old = PassageIndex.openForWriting(tmp.resolve("old"), EMB);
    for (String f : List.of("eiffel.md", "kafka.txt")) {
      String source = docs.resolve(f).toAbsolutePath().normalize().toString();
      List<Passage> ps = ingested.passagesOf(source, Principal.owner());
      List<float[]> vs =
          TestEmbedder.shared()
              .embedAll(ps.stream().map(p -> p.title() + "\n" + p.text()).toList());
      old.replaceSource(new FileRecord(source, docs.toString(), "sha", ps.size()), ps, vs);
    }
    old.commit();
    model = CompressorModel.load(Files.createDirectories(tmp.resolve("no-model")));
  }

  @AfterAll
  static void close() {
    ingested.close();
    old.close();
    model.close();
  }

  private static List<Hit> hits(PassageIndex index) {
    List<Hit> hits =
        new HybridRetriever(index, TestEmbedder.shared(), HybridRetriever.Settings.defaults())
            .search(QUESTION, SearchMode.HYBRID, 5);
    assertTrue(hits.size() >= 2, hits.toString());
    return hits;
  }

  private static List<ContextCompressor> compressors(Embedder e, SentenceVectorSource stored) {
    return List.of(
        new ExtractiveCompressor(e, ExtractiveCompressor.Settings.defaults(), true, stored),
        new TrainedExtractiveCompressor(e, model, model.policy(), 5, 12, stored));
  }

  private static void assertSameEvidence(Evidence expected, Evidence actual, double tolerance) {
    assertEquals(
        expected.sentences().stream().map(EvidenceSentence::text).toList(),
        actual.sentences().stream().map(EvidenceSentence::text).toList());
    for (int i = 0; i < expected.sentences().size(); i++) {
      assertEquals(
          expected.sentences().get(i).score(), actual.sentences().get(i).score(), tolerance);
    }
    assertEquals(expected.tokens(), actual.tokens());
    assertEquals(expected.inputTokens(), actual.inputTokens());
  }

  @Test
  void compressorsEmbedOnlyTheQuestionAndKeepWhatEmbeddingOnTheFlyKeeps() {
    List<Hit> hits = hits(ingested);
    Counting stored = new Counting();
    Counting onTheFly = new Counting();
    List<ContextCompressor> fast =
        compressors(stored, ingested.sentenceVectors(EMB, stored.dimension()));
    List<ContextCompressor> slow = compressors(onTheFly, SentenceVectorSource.NONE);
    for (int k = 0; k < fast.size(); k++) {
      stored.calls.clear();
      Evidence ev = fast.get(k).compress(QUESTION, hits);
      assertEquals(List.of(List.of(QUESTION)), stored.calls, "only the question is embedded");
      assertFalse(ev.isEmpty(), ev.toString());
      onTheFly.calls.clear();
      Evidence reference = slow.get(k).compress(QUESTION, hits);
      assertTrue(
          onTheFly.calls.stream().mapToInt(List::size).sum() > 5,
          "the reference embeds every sentence: " + onTheFly.calls);
      // Untrained scores are cosines (int8 moves them by ~1e-3); trained ones are probabilities.
      assertSameEvidence(reference, ev, k == 0 ? 3e-3 : 0.05);
    }
  }

  @Test
  void anIndexWithoutStoredVectorsStillCompressesByEmbeddingSentences() {
    List<Hit> hits = hits(old);
    Counting e = new Counting();
    for (ContextCompressor c : compressors(e, old.sentenceVectors(EMB, e.dimension()))) {
      e.calls.clear();
      Evidence ev = c.compress(QUESTION, hits);
      assertTrue(e.calls.stream().mapToInt(List::size).sum() > 5, e.calls.toString());
      assertFalse(ev.isEmpty(), ev.toString());
    }
  }

  @Test
  void vectorsOfAnotherModelAreIgnored() {
    List<Hit> hits = hits(ingested);
    Counting e = new Counting();
    SentenceVectorSource other = ingested.sentenceVectors("all-minilm-l6-v2-q/384", 384);
    Evidence ev = compressors(e, other).getFirst().compress(QUESTION, hits);
    assertTrue(e.calls.stream().mapToInt(List::size).sum() > 5, e.calls.toString());
    assertFalse(ev.isEmpty());
  }
}
