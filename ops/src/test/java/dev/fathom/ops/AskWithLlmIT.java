package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fathom ask --llm URL}: retrieval and compression over a real index as usual, the answer
 * written by a model on an OpenAI-compatible server (a fake one here, speaking the wire format).
 */
class AskWithLlmIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void ingestASmallCorpus() throws Exception {
    data = tmp.resolve("data");
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(
        docs.resolve("tower.md"),
        """
        # The Eiffel Tower

        The Eiffel Tower was built for the 1889 World's Fair in Paris. The tower is 330 metres tall.
        """);
    assertEquals(0, Cli.run("ingest", "--data", data.toString(), docs.toString()).exit());
  }

  private static Cli.Result ask(String url, String... more) {
    var args = new java.util.ArrayList<>(java.util.List.of("ask", "--data", data.toString()));
    args.addAll(java.util.List.of("--llm", url, "--json"));
    args.addAll(java.util.List.of(more));
    args.add("How tall is the Eiffel Tower?");
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void theServerWritesTheAnswerFromTheEvidenceItWasGiven() throws Exception {
    try (FakeModelServer server =
        new FakeModelServer((x, n) -> FakeModelServer.answer(x, "It is 330 metres tall [1]."))) {
      Cli.Result r = ask(server.url());
      assertEquals(0, r.exit(), r.toString());
      JsonNode answer = JSON.readTree(r.out());
      assertEquals("It is 330 metres tall [1].", answer.get("answer").asText(), r.out());
      assertEquals(1, server.requests.size());
      JsonNode request = server.requests.getFirst();
      assertEquals("default", request.get("model").asText(), "fathom.llm.model");
      String prompt = request.get("messages").toString();
      assertTrue(prompt.contains("330 metres"), "the evidence reaches the model: " + prompt);
      assertTrue(prompt.contains("How tall is the Eiffel Tower?"), prompt);
    }
  }

  @Test
  void tooManyRequestsIsRetriedAndThenAnswered() throws Exception {
    try (FakeModelServer server =
        new FakeModelServer(
            (x, n) -> {
              if (n == 1) FakeModelServer.json(x, 429, "{\"error\":{\"message\":\"busy\"}}");
              else FakeModelServer.answer(x, "330 metres [1].");
            })) {
      Cli.Result r = ask(server.url());
      assertEquals(0, r.exit(), r.toString());
      assertEquals(2, server.requests.size());
      assertEquals("330 metres [1].", JSON.readTree(r.out()).get("answer").asText());
    }
  }

  @Test
  void aServerThatIsDownIsOneClearErrorLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Cli.Result r = ask("http://127.0.0.1:" + port + "/v1");
    assertNotEquals(0, r.exit(), r.toString());
    String err = r.err().strip();
    assertTrue(err.startsWith("fathom:"), r.toString());
    assertTrue(err.contains("connection refused"), r.toString());
    assertTrue(err.contains("127.0.0.1:" + port), r.toString());
    assertFalse(err.contains("\n\tat "), "no stack trace: " + r);
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedBeforeAnythingStarts() {
    Cli.Result r = ask("ftp://example.org/v1");
    assertNotEquals(0, r.exit(), r.toString());
    assertTrue(r.err().contains("http:// or https://"), r.toString());
  }
}
