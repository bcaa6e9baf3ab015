package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void rendersFractionPercentAndDetail() {
    assertEquals(
        "ingest [###############...............]  50% 5/10 12 passages",
        ProgressBar.render("ingest", 5, 10, "12 passages"));
    assertTrue(ProgressBar.render("x", 0, 0, "").contains("100%"), "an empty job is complete");
  }

  @Test
  void printsNothingWhenNotOnATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar("ingest", new PrintStream(bytes), false);
    bar.update(1, 2, "");
    bar.finish();
    assertEquals(0, bytes.size());
  }

  @Test
  void messagesClearTheBarLineFirst() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar("ingest", new PrintStream(bytes), true);
    bar.update(2, 2, "done");
    bar.message("warning: skipped x");
    String out = bytes.toString();
    assertTrue(out.startsWith("\r"), out);
    assertTrue(out.endsWith("warning: skipped x" + System.lineSeparator()), out);
  }
}
