package dev.fathom.ops.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol (CDP), with nothing but the
 * JDK's WebSocket client: start the browser on a free debugging port, attach to its page, evaluate
 * JavaScript, type, click with real mouse events and take screenshots. Enough for an end-to-end
 * test of the web page without a WebDriver binary.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> console = new ArrayList<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** The browser binary: {@code $FATHOM_CHROMIUM}, or chromium / chromium-browser / chrome. */
  static Path find() {
    String env = System.getenv("FATHOM_CHROMIUM");
    if (env != null && !env.isBlank()) return Path.of(env);
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) return p;
      }
    }
    return null;
  }

  /** Starts {@code binary} headless with a fresh profile in {@code profile}, at 1280×900. */
  static HeadlessChromium start(Path binary, Path profile) throws Exception {
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--headless=new",
                "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--window-size=1280,900",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String browserUrl = devToolsUrl(p);
    URI browser = URI.create(browserUrl);
    HttpClient http = HttpClient.newHttpClient();
    String pageUrl = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (pageUrl == null && System.nanoTime() < deadline) {
      JsonNode targets =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://"
                                      + browser.getHost()
                                      + ":"
                                      + browser.getPort()
                                      + "/json/list"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      for (JsonNode t : targets) {
        if ("page".equals(t.path("type").asText()))
          pageUrl = t.get("webSocketDebuggerUrl").asText();
      }
      if (pageUrl == null) Thread.sleep(100);
    }
    if (pageUrl == null) {
      p.destroyForcibly();
      throw new IllegalStateException("Chromium opened no page target");
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageUrl), new Listener(msg -> self[0].receive(msg)))
            .get(20, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(p, ws);
    self[0].call("Runtime.enable", Map.of());
    self[0].call("Page.enable", Map.of());
    return self[0];
  }

  /** Reads the browser's stderr until it names its DevTools WebSocket, then drains it. */
  private static String devToolsUrl(Process p) throws IOException {
    var err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = err.readLine()) != null) {
      Matcher m = DEVTOOLS.matcher(line);
      if (m.find()) {
        Thread.ofVirtual().start(() -> err.lines().forEach(l -> {}));
        return m.group(1);
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("Chromium exited before opening DevTools:\n" + seen);
  }

  /** Sends one CDP command and waits for its result (10 s). */
  JsonNode call(String method, Map<String, ?> params) throws Exception {
    int id = ids.incrementAndGet();
    var future = new CompletableFuture<JsonNode>();
    pending.put(id, future);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", JSON.valueToTree(params));
    socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    JsonNode reply = future.get(10, TimeUnit.SECONDS);
    if (reply.has("error")) throw new IllegalStateException(method + ": " + reply.get("error"));
    return reply.get("result");
  }

  private void receive(String text) {
    try {
      JsonNode msg = JSON.readTree(text);
      if (msg.has("id")) {
        var f = pending.remove(msg.get("id").asInt());
        if (f != null) f.complete(msg);
      } else if ("Runtime.consoleAPICalled".equals(msg.path("method").asText())
          || "Runtime.exceptionThrown".equals(msg.path("method").asText())) {
        synchronized (console) {
          console.add(msg.get("params").toString());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable CDP message: " + text, e);
    }
  }

  /** What the page logged or threw so far, for failure messages. */
  String console() {
    synchronized (console) {
      return String.join("\n", console);
    }
  }

  void navigate(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
    waitFor("document.readyState === 'complete'", Duration.ofSeconds(20));
  }

  /** The value of JavaScript {@code expression} in the page (awaiting a promise). */
  JsonNode eval(String expression) throws Exception {
    JsonNode r =
        call(
            "Runtime.evaluate",
            Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException(expression + " threw " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Waits until {@code condition} (JavaScript) is true in the page. */
  void waitFor(String condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!eval("Boolean(" + condition + ")").asBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + condition + "; console:\n" + console());
      }
      Thread.sleep(100);
    }
  }

  /** Focuses {@code selector} and types {@code text} into it as keyboard input. */
  void type(String selector, String text) throws Exception {
    eval("document.querySelector(" + JSON.writeValueAsString(selector) + ").focus()");
    call("Input.insertText", Map.of("text", text));
  }

  /** Clicks the middle of the first element matching {@code selector} with real mouse events. */
  void click(String selector) throws Exception {
    JsonNode box =
        eval(
            "(() => { const e = document.querySelector("
                + JSON.writeValueAsString(selector)
                + "); e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
    double x = box.get("x").asDouble();
    double y = box.get("y").asDouble();
    for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
      call(
          "Input.dispatchMouseEvent",
          Map.of("type", type, "x", x, "y", y, "button", "left", "clickCount", 1));
    }
  }

  /** Puts {@code file} into the file input {@code selector}, as if the user had picked it. */
  void chooseFile(String selector, Path file) throws Exception {
    int root = call("DOM.getDocument", Map.of()).get("root").get("nodeId").asInt();
    int input =
        call("DOM.querySelector", Map.of("nodeId", root, "selector", selector))
            .get("nodeId")
            .asInt();
    call(
        "DOM.setFileInputFiles",
        Map.of("nodeId", input, "files", List.of(file.toAbsolutePath().toString())));
  }

  /** Saves a PNG of the page as it is now to {@code file}. */
  void screenshot(Path file) throws Exception {
    String data = call("Page.captureScreenshot", Map.of("format", "png")).get("data").asText();
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(data));
  }

  @Override
  public void close() {
    socket.abort();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Joins the fragments of each text message and hands whole messages on. */
  private record Listener(java.util.function.Consumer<String> sink, StringBuilder part)
      implements WebSocket.Listener {
    Listener(java.util.function.Consumer<String> sink) {
      this(sink, new StringBuilder());
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      part.append(data);
      if (last) {
        String msg = part.toString();
        part.setLength(0);
        sink.accept(msg);
      }
      ws.request(1);
      return null;
    }
  }
}
