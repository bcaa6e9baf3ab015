package dev.fathom.compressors.recomp;

import dev.fathom.compressors.SentenceEmbeddings;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.embed.CachingEmbedder;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.embed.OnnxEmbedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.eval.AnswerMatch;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A scratch harness, not a test (no Test/IT suffix, so the build never runs it): records what the
 * compressor's training sees of every squad-dev question once, the {@link TrainingExample} of its
 * clause spans <i>and</i> the frozen MiniLM vectors of the question and of its candidate sentences,
 * so that experiments on the scorer ({@link LearnedSimilarityHarness}) replay one recording and
 * differ only in what they learn. The index build and settings are those of {@code fathom train
 * compressor} with the default configuration: a fresh index of the corpus (batches of 128, no
 * stored sentence vectors), the int8 all-MiniLM-L6-v2, hybrid retrieval with {@link
 * HybridRetriever.Settings#defaults()}, the top 5 passages, candidate sentences of at least 12
 * characters, {@link ClauseCutter#defaults()}; the per-question loop is {@link
 * CompressorTraining#examples}' with the vectors kept.
 *
 * <p>Run (from the worktree root, after {@code mvn -pl compressors -am test-compile}):
 *
 * <pre>
 * java -cp compressors/target/test-classes:compressors/target/classes:$(cat CP) \
 *   dev.fathom.compressors.recomp.RecompRecording ../shared/data/squad-dev target/recomp.rec
 * </pre>
 *
 * where CP holds the test class path ({@code mvn -pl compressors -am test-compile
 * dependency:build-classpath -Dmdep.outputFile=... -Dmdep.includeScope=test}). About 5–10 minutes.
 */
final class RecompRecording {

  private static final int MAGIC = 0x52435231; // "RCR1"

  /**
   * One recorded question.
   *
   * @param example what the training sees
   * @param question the question's MiniLM vector
   * @param sentenceVector per candidate sentence: its row in {@link Recording#vectors()}
   * @param article a hash of the gold paragraph's article title (the key of the halves), for
   *     article-level folds inside a half
   */
  record Question(TrainingExample example, float[] question, int[] sentenceVector, int article) {}

  /** The recorded questions and the distinct sentence vectors they point at. */
  record Recording(List<Question> questions, List<float[]> vectors) {
    List<TrainingExample> examples() {
      return questions.stream().map(Question::example).toList();
    }
  }

  private RecompRecording() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: RecompRecording DATASET_DIR OUTPUT_FILE");
    }
    long start = System.nanoTime();
    BeirDataset ds = BeirDataset.load(Path.of(args[0]));
    Embedder embedder =
        new CachingEmbedder(
            OnnxEmbedder.miniLm(
                MiniLmModel.INT8, TestEmbedder.cacheDir(), new OnnxEmbedder.Settings(32, 2, 2)),
            200_000);
    Path dir = Files.createTempDirectory(Path.of(args[1]).toAbsolutePath().getParent(), "index-");
    try (PassageIndex index =
        PassageIndex.openForWriting(dir, MiniLmModel.INT8.id() + "/" + MiniLmModel.DIMENSION)) {
      RetrievalEvaluation.index(ds, index, embedder, 128, false, n -> {});
      log(start, "indexed " + ds.corpus().size() + " passages");
      var retriever = new HybridRetriever(index, embedder, HybridRetriever.Settings.defaults());
      Recording r = record(ds, retriever, embedder, start);
      write(r, Path.of(args[1]));
      log(start, "wrote " + r.questions().size() + " questions to " + args[1]);
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void log(long start, String line) {
    System.err.printf("[%.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
  }

  private static Recording record(
      BeirDataset ds, HybridRetriever retriever, Embedder embedder, long start) {
    int top = 5, minChars = 12;
    ClauseCutter cutter = ClauseCutter.defaults();
    SentenceEmbeddings sentences = new SentenceEmbeddings(embedder, SentenceVectorSource.NONE);
    TextFacts.Cache textFacts = new TextFacts.Cache(TrainedExtractiveCompressor.TOKEN_COUNT_CACHE);
    Map<String, Integer> vectorIds = new HashMap<>();
    List<float[]> vectors = new ArrayList<>();
    List<Question> out = new ArrayList<>();
    List<BeirDataset.Query> queries =
        ds.queries().stream().filter(q -> !q.answers().isEmpty()).toList();
    for (BeirDataset.Query q : queries) {
      List<Hit> hits = retriever.search(q.text(), SearchMode.HYBRID, top);
      List<CandidateSentence> cands = CandidateSentence.of(hits, top, minChars);
      int inputTokens = 0;
      for (Hit h : hits) inputTokens += embedder.countTokens(h.passage().text());
      String text = hits.stream().map(h -> h.passage().text()).collect(Collectors.joining("\n"));
      Map<String, Integer> qrels = ds.qrels(q.id());
      boolean goldRetrieved =
          hits.stream().anyMatch(h -> qrels.getOrDefault(h.passage().source(), 0) > 0);
      boolean inTop = AnswerMatch.containsAny(text, q.answers());
      int fold = CompressorTraining.fold(ds, q, qrels);
      int article = article(ds, q, qrels);
      float[] qv = embedder.embed(q.text());
      if (cands.isEmpty()) {
        TrainingExample none =
            TrainingExample.withoutCandidates(inputTokens, inTop, goldRetrieved, fold);
        out.add(new Question(none, qv, new int[0], article));
        continue;
      }
      List<CandidateSpan> spans = CandidateSpan.of(cands, cutter);
      var s =
          TrainedExtractiveCompressor.score(
              sentences, embedder::countTokens, textFacts, null, q.text(), cands, spans);
      List<float[]> sv =
          sentences.of(
              cands, CandidateSentence::passage, CandidateSentence::span, CandidateSentence::text);
      int[] ids = new int[cands.size()];
      for (int i = 0; i < ids.length; i++) {
        float[] v = sv.get(i);
        ids[i] =
            vectorIds.computeIfAbsent(
                cands.get(i).text(),
                k -> {
                  vectors.add(v);
                  return vectors.size() - 1;
                });
      }
      int n = spans.size();
      boolean[] positive = new boolean[n];
      int[] sentence = new int[n], piece = new int[n], pieces = new int[n];
      for (int i = 0; i < n; i++) {
        CandidateSpan span = spans.get(i);
        positive[i] = AnswerMatch.containsAny(span.text(), q.answers());
        sentence[i] = span.sentenceIndex();
        piece[i] = span.piece();
        pieces[i] = span.pieces();
      }
      TrainingExample e =
          new TrainingExample(
              s.features(),
              positive,
              s.tokens(),
              s.demoted(),
              sentence,
              piece,
              pieces,
              inputTokens,
              inTop,
              goldRetrieved,
              fold);
      out.add(new Question(e, qv, ids, article));
      if (out.size() % 500 == 0) log(start, out.size() + " of " + queries.size() + " questions");
    }
    return new Recording(out, vectors);
  }

  /** The key {@link CompressorTraining#fold} splits by, hashed. */
  static int article(BeirDataset ds, BeirDataset.Query q, Map<String, Integer> qrels) {
    return qrels.keySet().stream()
        .sorted()
        .findFirst()
        .map(id -> ds.doc(id) == null ? id : ds.doc(id).title())
        .orElse(q.id())
        .hashCode();
  }

  static void write(Recording r, Path file) throws IOException {
    try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(MAGIC);
      out.writeInt(SpanFeatures.count());
      out.writeInt(r.vectors().size());
      for (float[] v : r.vectors()) floats(out, v);
      out.writeInt(r.questions().size());
      for (Question q : r.questions()) {
        TrainingExample e = q.example();
        floats(out, e.features());
        out.writeInt(e.rows());
        for (int i = 0; i < e.rows(); i++) {
          out.writeBoolean(e.positive()[i]);
          out.writeInt(e.tokens()[i]);
          out.writeBoolean(e.demoted()[i]);
          out.writeInt(e.sentence()[i]);
          out.writeInt(e.piece()[i]);
          out.writeInt(e.pieces()[i]);
        }
        out.writeInt(e.inputTokens());
        out.writeBoolean(e.answerInTop());
        out.writeBoolean(e.goldRetrieved());
        out.writeInt(e.fold());
        floats(out, q.question());
        out.writeInt(q.sentenceVector().length);
        for (int id : q.sentenceVector()) out.writeInt(id);
        out.writeInt(q.article());
      }
    }
  }

  static Recording read(Path file) throws IOException {
    try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) throw new IOException(file + " is no recording");
      int f = in.readInt();
      if (f != SpanFeatures.count()) {
        throw new IOException(file + " has " + f + " features, expected " + SpanFeatures.count());
      }
      int nv = in.readInt();
      List<float[]> vectors = new ArrayList<>(nv);
      for (int i = 0; i < nv; i++) vectors.add(floats(in));
      int nq = in.readInt();
      List<Question> qs = new ArrayList<>(nq);
      for (int k = 0; k < nq; k++) {
        float[] features = floats(in);
        int n = in.readInt();
        boolean[] positive = new boolean[n], demoted = new boolean[n];
        int[] tokens = new int[n], sentence = new int[n], piece = new int[n], pieces = new int[n];
        for (int i = 0; i < n; i++) {
          positive[i] = in.readBoolean();
          tokens[i] = in.readInt();
          demoted[i] = in.readBoolean();
          sentence[i] = in.readInt();
          piece[i] = in.readInt();
          pieces[i] = in.readInt();
        }
        TrainingExample e =
            new TrainingExample(
                features,
                positive,
                tokens,
                demoted,
                sentence,
                piece,
                pieces,
                in.readInt(),
                in.readBoolean(),
                in.readBoolean(),
                in.readInt());
        float[] qv = floats(in);
        int[] ids = new int[in.readInt()];
        for (int i = 0; i < ids.length; i++) ids[i] = in.readInt();
        qs.add(new Question(e, qv, ids, in.readInt()));
      }
      return new Recording(qs, vectors);
    }
  }

  private static void floats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float x : v) out.writeFloat(x);
  }

  private static float[] floats(DataInputStream in) throws IOException {
    float[] v = new float[in.readInt()];
    for (int i = 0; i < v.length; i++) v[i] = in.readFloat();
    return v;
  }
}
