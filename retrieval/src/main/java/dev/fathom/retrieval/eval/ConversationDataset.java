package dev.fathom.retrieval.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A conversational test collection in the layout of {@code ../shared/data/squad-conv-dev}: {@code
 * conversations.jsonl} (each line {@code {"_id", "turns": [...], "standalone", "answers"}}), a BEIR
 * {@code corpus.jsonl} and {@code qrels/test.tsv} judging the last turn of each conversation.
 *
 * <p>Read as a {@link BeirDataset} whose queries are the conversations' standalone questions, so
 * corpus, qrels and indexing are shared with {@link RetrievalEvaluation}.
 */
public final class ConversationDataset {

  /**
   * One conversation.
   *
   * @param id the {@code _id}, also the qrels query id
   * @param turns the user's questions in order, at least two; the last is judged
   * @param standalone the last question written to stand alone (the ceiling run)
   */
  public record Conversation(String id, List<String> turns, String standalone) {
    public Conversation {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("conversation id must be non-blank, got '" + id + "'");
      }
      turns = List.copyOf(Objects.requireNonNull(turns, "turns of " + id));
      if (turns.size() < 2 || turns.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException(
            "conversation " + id + " needs at least 2 non-blank turns, got " + turns);
      }
      if (standalone == null || standalone.isBlank()) {
        throw new IllegalArgumentException(
            "standalone of conversation " + id + " must be non-blank");
      }
    }

    /** The judged question as asked. */
    public String followUp() {
      return turns.getLast();
    }
  }

  static final String CONVERSATIONS = "conversations.jsonl";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final BeirDataset beir;
  private final List<Conversation> conversations;

  private ConversationDataset(BeirDataset beir, List<Conversation> conversations) {
    this.beir = beir;
    this.conversations = List.copyOf(conversations);
  }

  /**
   * Reads a conversational dataset folder.
   *
   * @throws IllegalArgumentException when a file is missing or a line is malformed (the message
   *     names the file and the 1-based line), or a conversation has no judged paragraph
   */
  public static ConversationDataset load(Path dir) {
    Path file = Objects.requireNonNull(dir, "dir").resolve(CONVERSATIONS);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "missing "
              + file.toAbsolutePath()
              + " (expected JSON lines with _id, turns (at least 2), standalone)");
    }
    List<Conversation> conversations = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) conversations.add(parse(file, lines.get(i), i + 1));
    }
    BeirDataset corpusAndQrels = BeirReader.readCorpusAndQrels(dir);
    Map<String, BeirDataset.CorpusDoc> byId = new HashMap<>();
    corpusAndQrels.corpus().forEach(d -> byId.put(d.id(), d));
    Map<String, Map<String, Integer>> qrels = new HashMap<>();
    List<BeirDataset.Query> queries = new ArrayList<>();
    for (Conversation c : conversations) {
      Map<String, Integer> judged = corpusAndQrels.qrels(c.id());
      if (judged.values().stream().noneMatch(g -> g > 0)) {
        throw new IllegalArgumentException(
            "conversation " + c.id() + " has no relevant paragraph in " + BeirDataset.QRELS);
      }
      qrels.put(c.id(), judged);
      queries.add(new BeirDataset.Query(c.id(), c.standalone(), List.of()));
    }
    return new ConversationDataset(
        new BeirDataset(corpusAndQrels.corpus(), byId, queries, qrels), conversations);
  }

  /** The corpus and judgements, with the standalone questions as queries. */
  public BeirDataset beir() {
    return beir;
  }

  /** The conversations, in file order. */
  public List<Conversation> conversations() {
    return conversations;
  }

  private static Conversation parse(Path file, String line, int lineNo) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw malformed(file, lineNo, "invalid JSON: " + e.getOriginalMessage());
    }
    JsonNode id = node.get("_id");
    JsonNode turns = node.get("turns");
    JsonNode standalone = node.get("standalone");
    if (id == null
        || !id.isTextual()
        || turns == null
        || !turns.isArray()
        || standalone == null
        || !standalone.isTextual()) {
      throw malformed(file, lineNo, "expected string _id, array turns and string standalone");
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode t : turns) {
      if (!t.isTextual()) throw malformed(file, lineNo, "'turns' must hold only strings, got " + t);
      texts.add(t.asText());
    }
    try {
      return new Conversation(id.asText(), texts, standalone.asText());
    } catch (IllegalArgumentException e) {
      throw malformed(file, lineNo, e.getMessage());
    }
  }

  private static IllegalArgumentException malformed(Path file, int lineNo, String what) {
    return new IllegalArgumentException(
        "malformed line " + lineNo + " of " + file.toAbsolutePath() + ": " + what);
  }
}
