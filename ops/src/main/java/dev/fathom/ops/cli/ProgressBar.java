package dev.fathom.ops.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second. Shown only on a terminal:
 * when output is piped or logged, only the final summary appears.
 */
public final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String label;
  private final boolean enabled;
  private long lastDraw;
  private boolean drawn;

  public ProgressBar(String label) {
    this(label, System.err, onTerminal());
  }

  /** Since JDK 22 System.console() exists even when redirected; isTerminal() tells the truth. */
  private static boolean onTerminal() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }

  ProgressBar(String label, PrintStream out, boolean enabled) {
    this.label = label;
    this.out = out;
    this.enabled = enabled;
  }

  /** Redraws with {@code done} of {@code total} and a free-form detail such as "812 passages". */
  public synchronized void update(long done, long total, String detail) {
    if (!enabled) return;
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) return;
    lastDraw = now;
    out.print("\r" + render(label, done, total, detail) + "\u001b[K");
    out.flush();
    drawn = true;
  }

  /** Ends the bar's line so the next output starts on a fresh one. */
  public synchronized void finish() {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }

  /** Prints a message above the bar without garbling it. */
  public synchronized void message(String line) {
    if (drawn) out.print("\r\u001b[K");
    out.println(line);
    drawn = false;
  }

  static String render(String label, long done, long total, String detail) {
    int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
    long pct = total <= 0 ? 100 : done * 100 / total;
    return String.format(
        "%s [%s%s] %3d%% %d/%d %s",
        label, "#".repeat(filled), ".".repeat(WIDTH - filled), pct, done, total, detail);
  }
}
