package dev.fathom.retrieval.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.retrieval.eval.BeirDataset.CorpusDoc;
import dev.fathom.retrieval.eval.BeirDataset.Query;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the three files of a BEIR folder; every error names the file and the 1-based line. */
final class BeirReader {

  // Trailing garbage after the JSON object on a line means the line is malformed, not that the
  // object before it is fine.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Receives one non-blank line with its 1-based number. */
  private interface LineHandler {
    void accept(String line, int lineNo);
  }

  private BeirReader() {}

  static BeirDataset read(Path dir) {
    return read(dir, true);
  }

  /** The corpus and qrels of a folder that has no queries.jsonl (the queries come elsewhere). */
  static BeirDataset readCorpusAndQrels(Path dir) {
    return read(dir, false);
  }

  private static BeirDataset read(Path dir, boolean withQueries) {
    Path corpusFile =
        require(dir.resolve(BeirDataset.CORPUS), "JSON lines with _id, title and text");
    Path qrelsFile =
        require(
            dir.resolve(BeirDataset.QRELS),
            "tab-separated lines with header 'query-id corpus-id score'");

    List<CorpusDoc> corpus = new ArrayList<>();
    Map<String, CorpusDoc> byId = new HashMap<>();
    eachLine(
        corpusFile,
        (line, lineNo) -> {
          JsonNode node = parse(corpusFile, line, lineNo);
          CorpusDoc doc =
              new CorpusDoc(
                  id(node, corpusFile, lineNo),
                  optionalText(node, "title", corpusFile, lineNo),
                  text(node, "text", corpusFile, lineNo));
          if (byId.putIfAbsent(doc.id(), doc) != null) {
            throw malformed(corpusFile, lineNo, "duplicate _id '" + doc.id() + "'");
          }
          corpus.add(doc);
        });

    List<Query> queries = new ArrayList<>();
    Map<String, Query> queriesById = new HashMap<>();
    Path queriesFile =
        withQueries
            ? require(
                dir.resolve(BeirDataset.QUERIES), "JSON lines with _id, text and optional answers")
            : null;
    eachLine(
        queriesFile,
        (line, lineNo) -> {
          JsonNode node = parse(queriesFile, line, lineNo);
          Query query =
              new Query(
                  id(node, queriesFile, lineNo),
                  text(node, "text", queriesFile, lineNo),
                  answers(node, queriesFile, lineNo));
          if (queriesById.putIfAbsent(query.id(), query) != null) {
            throw malformed(queriesFile, lineNo, "duplicate _id '" + query.id() + "'");
          }
          queries.add(query);
        });

    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    eachLine(
        qrelsFile,
        (line, lineNo) -> {
          // BEIR's loader skips the first row as the header; accept a file without one as well.
          if (lineNo == 1 && line.startsWith("query-id")) {
            return;
          }
          String[] fields = line.split("\t", -1);
          if (fields.length != 3 || fields[0].isBlank() || fields[1].isBlank()) {
            throw malformed(
                qrelsFile,
                lineNo,
                "expected 'query-id<TAB>corpus-id<TAB>score', got '" + line + "'");
          }
          int grade;
          try {
            grade = Integer.parseInt(fields[2].strip());
          } catch (NumberFormatException e) {
            throw malformed(qrelsFile, lineNo, "score must be an integer, got '" + fields[2] + "'");
          }
          // A repeated (query, doc) pair keeps the last grade, as BEIR's dict-based loader does.
          qrels.computeIfAbsent(fields[0], q -> new LinkedHashMap<>()).put(fields[1], grade);
        });
    Map<String, Map<String, Integer>> frozen = new HashMap<>();
    qrels.forEach((query, judged) -> frozen.put(query, Map.copyOf(judged)));
    return new BeirDataset(corpus, byId, queries, frozen);
  }

  private static Path require(Path file, String expected) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "missing BEIR file " + file.toAbsolutePath() + " (expected " + expected + ")");
    }
    return file;
  }

  private static void eachLine(Path file, LineHandler handler) {
    if (file == null) return; // an optional file not asked for
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNo++;
        if (!line.isBlank()) {
          handler.accept(line, lineNo);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  private static JsonNode parse(Path file, String line, int lineNo) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw malformed(file, lineNo, "invalid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw malformed(file, lineNo, "expected a JSON object");
    }
    return node;
  }

  private static String id(JsonNode node, Path file, int lineNo) {
    JsonNode id = node.get("_id");
    // Some BEIR exports write numeric ids unquoted; they are still ids, not numbers.
    if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
      throw malformed(file, lineNo, "'_id' must be a non-blank string, got " + id);
    }
    return id.asText();
  }

  private static String text(JsonNode node, String field, Path file, int lineNo) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed(file, lineNo, "'" + field + "' must be a string, got " + value);
    }
    return value.asText();
  }

  private static String optionalText(JsonNode node, String field, Path file, int lineNo) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? "" : text(node, field, file, lineNo);
  }

  private static List<String> answers(JsonNode node, Path file, int lineNo) {
    JsonNode value = node.get("answers");
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw malformed(file, lineNo, "'answers' must be an array of strings, got " + value);
    }
    List<String> answers = new ArrayList<>(value.size());
    for (JsonNode answer : value) {
      if (!answer.isTextual()) {
        throw malformed(file, lineNo, "'answers' must hold only strings, got " + answer);
      }
      answers.add(answer.asText());
    }
    return answers;
  }

  private static IllegalArgumentException malformed(Path file, int lineNo, String what) {
    return new IllegalArgumentException(
        "malformed line " + lineNo + " of " + file.toAbsolutePath() + ": " + what);
  }
}
