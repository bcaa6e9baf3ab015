package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.ops.config.FathomConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real browser: headless Chromium (driven over CDP, {@link HeadlessChromium})
 * opens a real {@code fathom serve} (embedded broker, ONNX embedder, Lucene index) that requires an
 * API key, enters the key when the page asks for it, asks a question, sees the answer stream in,
 * clicks a citation and sees the cited passage marked inside its document. Screenshots land in
 * {@code target/screenshots/}.
 *
 * <p>Skips, saying so, where no Chromium is installed; {@code .ci/run} installs Debian's {@code
 * chromium}, so CI always runs it.
 */
class WebPageIT {

  private static final String KEY = "web-page-it-key";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir static Path tmp;
  static FathomServer server;
  static String base;
  static HeadlessChromium browser;

  @BeforeAll
  static void start() throws Exception {
    Path chromium = HeadlessChromium.find();
    if (chromium == null && "true".equals(System.getenv("CI"))) {
      fail("CI=true but no Chromium on PATH: .ci/run installs Debian's chromium before the tests");
    }
    Assumptions.assumeTrue(
        chromium != null,
        "no Chromium on PATH (Debian: apt-get install chromium; or set FATHOM_CHROMIUM):"
            + " the web page is not tested in a browser here");
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    server =
        FathomServer.start(
            config,
            new KafkaSettings("", 0, "fathom-web-it", defaults.topics(), 2, 8, 64 * 1024),
            new HttpSettings("127.0.0.1", 0, KEY),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    base = "http://127.0.0.1:" + server.httpPort();
    document(
        "lighthouse",
        "Harbour lighthouse",
        "The harbour lighthouse was first lit in 1874. Its lamp burned whale oil at first."
            + "\\n\\nIn 1921 the keepers switched the lamp to electricity, and the light has been"
            + " automatic since 1989. The tower is painted with red and white bands.");
    document(
        "bakery",
        "Corner bakery",
        "The corner bakery opens at six in the morning. Its rye bread sells out by noon.");
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (server.passageCount() < 2) {
      if (System.nanoTime() > deadline) fail("documents not indexed: " + server.passageCount());
      Thread.sleep(200);
    }
    browser = HeadlessChromium.start(chromium, tmp.resolve("chromium-profile"));
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (server != null) server.close();
  }

  private static void document(String id, String title, String text) throws Exception {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/documents"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\"%s\",\"title\":\"%s\",\"text\":\"%s\"}"
                            .formatted(id, title, text)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
  }

  /** Opens the page with no key remembered and enters the key when the page asks for it. */
  private static void openWithKey() throws Exception {
    browser.navigate(base + "/");
    browser.eval("sessionStorage.clear(); true");
    browser.navigate(base + "/");
    // The server wants a key: the page finds out on its first call and asks.
    browser.waitFor("!document.getElementById('key-form').hidden", Duration.ofSeconds(10));
    browser.type("#key", KEY);
    browser.click("#key-form button");
    browser.waitFor("document.getElementById('key-form').hidden", Duration.ofSeconds(5));
  }

  @Test
  void askStreamsTheAnswerAndAClickedCitationShowsThePassageInItsDocument() throws Exception {
    openWithKey();

    // Record the texts the page puts up from streamed partial events. A partial event replaces the
    // answer's text in one step (textContent: one record removing the old node and adding one text
    // node); the final render clears the answer and then appends its pieces (records that only
    // remove or only add). Reading the records, not the element, keeps the partial's text even when
    // the partial and final events arrive in one network read and are handled in one task, as they
    // do on a quiet machine where the extractive answer is ready at once.
    browser.eval(
        "window.seen = []; new MutationObserver(rs => { for (const r of rs) {"
            + " if (r.removedNodes.length > 0 && r.addedNodes.length === 1"
            + " && r.addedNodes[0].nodeType === Node.TEXT_NODE) window.seen.push(r.addedNodes[0].data);"
            + " } }).observe(document.getElementById('answer'), {childList: true}); true");
    browser.type("#ask-input", "When did the lighthouse switch to electricity?");
    browser.click("#ask-button");
    browser.waitFor(
        "document.getElementById('answer').classList.contains('done')"
            + " || document.getElementById('answer').classList.contains('error')",
        Duration.ofSeconds(60));
    String answer = browser.eval("document.getElementById('answer').textContent").asText();
    assertTrue(answer.contains("1921"), answer + "\nconsole:\n" + browser.console());
    assertTrue(
        browser
            .eval("window.seen.some(t => t.includes('1921'))")
            .asBoolean(), // a partial event put the text up before the answer event rendered it
        "no partial text before the answer completed: " + browser.eval("window.seen"));
    assertTrue(browser.eval("document.querySelectorAll('#answer a.cite').length > 0").asBoolean());
    browser.screenshot(SHOTS.resolve("web-ask.png"));

    browser.click("#answer a.cite");
    browser.waitFor(
        "!document.getElementById('doc-view').hidden"
            + " && document.querySelector('#doc-text p.hit') !== null",
        Duration.ofSeconds(10));
    assertEquals(
        "Harbour lighthouse",
        browser.eval("document.getElementById('doc-title').textContent").asText());
    String marked = browser.eval("document.querySelector('#doc-text p.hit').textContent").asText();
    assertTrue(marked.contains("1921"), marked);
    String whole = browser.eval("document.getElementById('doc-text').textContent").asText();
    assertTrue(whole.contains("1874") && whole.contains("1989"), whole);
    browser.screenshot(SHOTS.resolve("web-citation.png"));

    // Search from the page: the hits come back as the caller the key names.
    browser.click("nav button[data-tab=search]");
    browser.type("#search-input", "rye bread");
    browser.click("#search-form button");
    browser.waitFor("document.querySelectorAll('#hits li').length > 0", Duration.ofSeconds(20));
    assertTrue(
        browser.eval("document.querySelector('#hits li').textContent").asText().contains("bakery"),
        browser.eval("document.getElementById('hits').textContent").asText());
  }

  @Test
  void aChatKeepsItsSessionAndAnUploadedFileIsSearchableAndDeletable() throws Exception {
    openWithKey();
    browser.click("nav button[data-tab=chat]");
    browser.type("#chat-input", "When was the harbour lighthouse first lit?");
    browser.click("#chat-form button");
    browser.waitFor(
        "[...document.querySelectorAll('.msg.bot')].some(m => m.textContent.includes('1874'))",
        Duration.ofSeconds(60));
    String session = browser.eval("document.getElementById('session-id').textContent").asText();
    assertTrue(session.startsWith("s-"), session);
    browser.type("#chat-input", "When did it switch to electricity?");
    browser.click("#chat-form button");
    browser.waitFor("document.querySelectorAll('.msg.bot').length === 2", Duration.ofSeconds(5));
    browser.waitFor(
        "document.querySelectorAll('.msg.bot')[1].textContent.includes('1921')",
        Duration.ofSeconds(60));
    assertEquals(
        session, browser.eval("document.getElementById('session-id').textContent").asText());
    browser.screenshot(SHOTS.resolve("web-chat.png"));

    Path file = tmp.resolve("tides.txt");
    java.nio.file.Files.writeString(
        file, "High tide at the harbour comes at twenty to seven in the evening.");
    int before = server.passageCount();
    browser.click("nav button[data-tab=documents]");
    browser.chooseFile("#upload-files", file);
    browser.click("#upload-form button");
    browser.waitFor(
        "document.getElementById('upload-status').textContent.startsWith('sent tides.txt')",
        Duration.ofSeconds(20));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (server.passageCount() <= before) {
      if (System.nanoTime() > deadline) fail("the uploaded file was not indexed");
      Thread.sleep(200);
    }
    browser.waitFor(
        "[...document.querySelectorAll('#documents li')].some(l => l.textContent.includes('tides.txt'))",
        Duration.ofSeconds(10));
    // The list is sorted by id (bakery, lighthouse, tides.txt): delete the uploaded one, not the
    // first, which the other tests still search for.
    browser.eval(
        "[...document.querySelectorAll('#documents li')].find(l =>"
            + " l.textContent.includes('tides.txt')).querySelector('button').click(); true");
    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (server.passageCount() > before) {
      if (System.nanoTime() > deadline) fail("the deleted file is still indexed");
      Thread.sleep(200);
    }
  }

  @Test
  void thePageAndItsFilesNeedNoKeyButTheApiDoes() throws Exception {
    var page =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Security-Policy").isPresent());
    var script =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/web/app.js")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, script.statusCode());
    var passages =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/passages?source=lighthouse")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, passages.statusCode());
    assertEquals(200, keyed("/v1/passages?source=lighthouse").statusCode());
    assertTrue(
        keyed("/v1/passages?source=lighthouse")
            .body()
            .contains("\"title\":\"Harbour lighthouse\""));
    assertEquals(404, keyed("/v1/passages?source=nowhere").statusCode());
    assertEquals(400, keyed("/v1/passages").statusCode());
  }

  private static HttpResponse<String> keyed(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + KEY)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
