package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.Cli;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fathom chat} and {@code fathom sessions} end to end: a real index with the ONNX embedder,
 * the actor pipeline, the session journal on disk. The follow-up "When does it end?" names its
 * subject only by a pronoun; three documents say when something ends, and only the conversation
 * tells which one is meant.
 */
class ChatCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path docs;

  static Cli.Result withInput(String input, String... args) {
    InputStream old = System.in;
    try {
      System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
      return Cli.run(args);
    } finally {
      System.setIn(old);
    }
  }

  /** The JSON values printed one after another. */
  static List<JsonNode> turns(String out) throws IOException {
    return JSON.readerFor(JsonNode.class).<JsonNode>readValues(out).readAll();
  }

  @Test
  void aFollowUpFindsTheLeaseAndTheSessionIsKeptListedShownAndDeleted() throws IOException {
    Files.writeString(
        docs.resolve("office-lease.md"),
        "# Office lease\n\nThe office lease for the Harbour Street premises starts on 1 March 2024."
            + " The office lease ends on 28 February 2027 unless the tenant renews it.\n");
    Files.writeString(
        docs.resolve("summer-festival.md"),
        "# Summer festival\n\nThe summer festival opens in June with a parade."
            + " When does it end? The festival ends on 31 August with fireworks.\n");
    Files.writeString(
        docs.resolve("apollo-project.md"),
        "# Apollo project\n\nThe Apollo project builds a new ticketing system."
            + " It ends in December 2026, when the old system is switched off.\n");
    String d = data.toString();
    Cli.Result ingest = Cli.run("ingest", "--data", d, docs.toString());
    assertEquals(0, ingest.exit(), ingest.toString());

    Cli.Result chat =
        withInput(
            "When does the office lease start?\nWhen does it end?\n",
            "chat",
            "--data",
            d,
            "--session",
            "lease-1",
            "--json");
    assertEquals(0, chat.exit(), chat.toString());
    List<JsonNode> turns = turns(chat.out());
    assertEquals(2, turns.size(), chat.toString());
    JsonNode second = turns.get(1);
    assertEquals(2, second.get("turn").asInt());
    assertEquals("When does it end?", second.at("/rewrite/question").asText());
    assertTrue(
        second.at("/rewrite/query").asText().toLowerCase().contains("lease"), second.toString());
    assertTrue(
        second.at("/citations/0/source").asText().endsWith("office-lease.md"), second.toString());
    assertTrue(second.get("answer").asText().contains("2027"), second.toString());

    // Resumed: the third turn continues the numbering and still knows the subject.
    Cli.Result resumed =
        withInput("Who can renew it?\n", "chat", "--data", d, "--session", "lease-1", "--json");
    assertEquals(0, resumed.exit(), resumed.toString());
    JsonNode third =
        JSON.readTree(
            resumed.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertEquals(3, third.get("turn").asInt());

    Cli.Result list = Cli.run("sessions", "list", "--data", d);
    assertEquals(List.of("lease-1"), list.out().lines().toList(), list.toString());
    Cli.Result show = Cli.run("sessions", "show", "lease-1", "--data", d, "--json");
    assertEquals(0, show.exit(), show.toString());
    assertTrue(show.out().strip().endsWith("}"), show.toString());
    assertEquals(3, JSON.readTree(show.out()).get("turns").size());
    Cli.Result delete = Cli.run("sessions", "delete", "lease-1", "--data", d);
    assertEquals(0, delete.exit(), delete.toString());
    assertEquals("", Cli.run("sessions", "list", "--data", d).out().strip());
    assertNotEquals(0, Cli.run("sessions", "show", "lease-1", "--data", d).exit());
  }

  @Test
  void aChatWithACollectionSearchesOnlyThatCollection(@TempDir Path flats) throws IOException {
    Files.writeString(
        docs.resolve("office-lease.md"),
        "# Office lease\n\nThe office lease ends on 28 February 2027.\n");
    Files.writeString(
        flats.resolve("flat-lease.md"), "# Flat lease\n\nThe flat lease ends on 31 May 2029.\n");
    String d = data.toString();
    assertEquals(0, Cli.run("ingest", "--data", d, docs.toString()).exit());
    Cli.Result ingest =
        Cli.run("ingest", "--data", d, "--collection", "contracts", flats.toString());
    assertEquals(0, ingest.exit(), ingest.toString());

    Cli.Result chat =
        withInput(
            "When does the lease end?\nWhen does it end?\n",
            "chat",
            "--data",
            d,
            "--collection",
            "contracts",
            "--json");
    assertEquals(0, chat.exit(), chat.toString());
    assertEquals(2, turns(chat.out()).size(), chat.toString());
    for (JsonNode turn : turns(chat.out())) {
      assertTrue(
          turn.at("/citations/0/source").asText().endsWith("flat-lease.md"), turn.toString());
      assertFalse(turn.toString().contains("office-lease"), turn.toString());
    }
  }
}
