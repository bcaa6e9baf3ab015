package dev.fathom.retrieval.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.eval.BeirDataset.CorpusDoc;
import dev.fathom.retrieval.eval.BeirDataset.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {

  private static Path sharedData(String name) {
    return Path.of(System.getProperty("fathom.root", "."), "../shared/data", name);
  }

  @Test
  void loadsSquadDevWithOneGoldParagraphAndAnswersPerQuestion() {
    BeirDataset squad = BeirDataset.load(sharedData("squad-dev"));

    assertEquals(1048, squad.corpus().size());
    assertEquals(5696, squad.queries().size());
    assertEquals("56be4db0acb8001400a502ec", squad.queries().getFirst().id());
    assertEquals(
        List.of("Denver Broncos"), squad.queries().getFirst().answers(), "first SQuAD dev answer");
    for (Query query : squad.queries()) {
      assertTrue(!query.answers().isEmpty(), "no answers for " + query.id());
      Map<String, Integer> gold = squad.qrels(query.id());
      assertEquals(1, gold.size(), "gold paragraphs of " + query.id());
      gold.forEach(
          (docId, grade) -> {
            assertEquals(1, grade);
            squad.doc(docId); // throws if the gold paragraph is not in the corpus
          });
    }
  }

  @Test
  void loadsCranfieldDevWithGradedJudgements() {
    BeirDataset cranfield = BeirDataset.load(sharedData("cranfield-dev"));

    assertEquals(1400, cranfield.corpus().size());
    assertEquals(113, cranfield.queries().size());
    List<Integer> grades =
        cranfield.queries().stream()
            .flatMap(q -> cranfield.qrels(q.id()).values().stream())
            .toList();
    assertEquals(858, grades.size());
    assertEquals(1, grades.stream().min(Integer::compare).orElseThrow());
    assertEquals(4, grades.stream().max(Integer::compare).orElseThrow());
    assertTrue(cranfield.queries().stream().allMatch(q -> q.answers().isEmpty()));
    // Two Cranfield abstracts (471, 995) are empty in the collection itself; they load as empty
    // documents so that doc ids and corpus size stay as published.
    assertEquals(new CorpusDoc("471", "", ""), cranfield.doc("471"));
  }

  @Test
  void rankingByGradeScoresPerfectlyOnCranfield() {
    BeirDataset cranfield = BeirDataset.load(sharedData("cranfield-dev"));
    MetricSummary summary = MetricSummary.of("ndcg@10", "mrr@10", "recall@100");
    for (Query query : cranfield.queries()) {
      Map<String, Integer> qrels = cranfield.qrels(query.id());
      List<String> ideal =
          qrels.entrySet().stream()
              .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
              .map(Map.Entry::getKey)
              .toList();
      summary.add(ideal, qrels);
    }
    summary.means().forEach((name, mean) -> assertEquals(1.0, mean, 1e-12, name));
  }

  @Test
  void keepsOnlyQueriesWithARelevantJudgementInFileOrder(@TempDir Path dir) throws IOException {
    write(
        dir,
        "{\"_id\": \"d1\", \"title\": \"T\", \"text\": \"one\"}\n\n{\"_id\": \"d2\", \"text\": \"two\"}\n",
        """
        {"_id": "q3", "text": "third", "answers": ["one", "1"]}
        {"_id": "q1", "text": "first"}
        {"_id": "q2", "text": "no relevant doc"}
        {"_id": "q4", "text": "not judged"}
        """,
        "query-id\tcorpus-id\tscore\nq1\td1\t2\nq2\td1\t0\nq3\td2\t1\nq3\td1\t0\n");

    BeirDataset data = BeirDataset.load(dir);

    assertEquals(List.of("q3", "q1"), data.queries().stream().map(Query::id).toList());
    assertEquals(List.of("one", "1"), data.queries().getFirst().answers());
    assertEquals(Map.of("d2", 1, "d1", 0), data.qrels("q3"));
    assertEquals(Map.of("d1", 0), data.qrels("q2"), "judged but not relevant is still returned");
    assertEquals(Map.of(), data.qrels("q4"));
    assertEquals("", data.doc("d2").title(), "missing title reads as empty");
    assertEquals(2, data.corpus().size());
  }

  @Test
  void missingFolderIsNamed(@TempDir Path dir) {
    Path absent = dir.resolve("nope");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BeirDataset.load(absent));
    assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("qrels/test.tsv"), e.getMessage());
  }

  @Test
  void missingQrelsFileIsNamedWithItsExpectedFormat(@TempDir Path dir) throws IOException {
    write(
        dir, "{\"_id\": \"d1\", \"text\": \"x\"}\n", "{\"_id\": \"q1\", \"text\": \"y\"}\n", null);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BeirDataset.load(dir));
    assertTrue(e.getMessage().contains(dir.resolve("qrels/test.tsv").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("query-id corpus-id score"), e.getMessage());
  }

  @Test
  void malformedJsonLineIsReportedWithFileAndLineNumber(@TempDir Path dir) throws IOException {
    write(
        dir,
        "{\"_id\": \"d1\", \"text\": \"x\"}\n{\"_id\": \"d2\", \"text\": \n",
        "{\"_id\": \"q1\", \"text\": \"y\"}\n",
        "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BeirDataset.load(dir));
    assertTrue(e.getMessage().startsWith("malformed line 2 of "), e.getMessage());
    assertTrue(e.getMessage().contains("corpus.jsonl"), e.getMessage());
  }

  @Test
  void queryWithoutTextIsReportedWithLineNumber(@TempDir Path dir) throws IOException {
    write(
        dir,
        "{\"_id\": \"d1\", \"text\": \"x\"}\n",
        "{\"_id\": \"q1\", \"text\": \"y\"}\n{\"_id\": \"q2\"}\n",
        "query-id\tcorpus-id\tscore\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BeirDataset.load(dir));
    assertTrue(e.getMessage().startsWith("malformed line 2 of "), e.getMessage());
    assertTrue(e.getMessage().contains("queries.jsonl: 'text' must be a string"), e.getMessage());
  }

  @Test
  void nonIntegerScoreIsReportedWithLineNumber(@TempDir Path dir) throws IOException {
    write(
        dir,
        "{\"_id\": \"d1\", \"text\": \"x\"}\n",
        "{\"_id\": \"q1\", \"text\": \"y\"}\n",
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0.5\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BeirDataset.load(dir));
    assertTrue(e.getMessage().startsWith("malformed line 3 of "), e.getMessage());
    assertTrue(e.getMessage().endsWith("score must be an integer, got '0.5'"), e.getMessage());
  }

  @Test
  void duplicateCorpusIdIsRejected(@TempDir Path dir) throws IOException {
    write(
        dir,
        "{\"_id\": \"d1\", \"text\": \"x\"}\n{\"_id\": \"d1\", \"text\": \"again\"}\n",
        "{\"_id\": \"q1\", \"text\": \"y\"}\n",
        "query-id\tcorpus-id\tscore\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BeirDataset.load(dir));
    assertTrue(e.getMessage().contains("duplicate _id 'd1'"), e.getMessage());
  }

  @Test
  void unknownDocIdIsRejectedNamingIt(@TempDir Path dir) throws IOException {
    write(dir, "{\"_id\": \"d1\", \"text\": \"x\"}\n", "", "query-id\tcorpus-id\tscore\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BeirDataset.load(dir).doc("d9"));
    assertEquals("no corpus doc with id 'd9'", e.getMessage());
  }

  /** Writes the three BEIR files; a null qrels leaves that file out. */
  private static void write(Path dir, String corpus, String queries, String qrels)
      throws IOException {
    Files.writeString(dir.resolve("corpus.jsonl"), corpus);
    Files.writeString(dir.resolve("queries.jsonl"), queries);
    if (qrels != null) {
      Files.createDirectories(dir.resolve("qrels"));
      Files.writeString(dir.resolve("qrels/test.tsv"), qrels);
    }
  }
}
