package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.ops.Fathom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpLayoutTest {

  @Test
  void wrapsAtSpacesWithTheRowsHangingIndent() {
    String row =
        "      --mode=MODE            Retrieval mode: bm25, dense or hybrid, read from the"
            + " setting fathom.retrieval.mode when absent.";
    String wrapped = HelpLayout.wrap(row, 80);
    List<String> lines = wrapped.lines().toList();
    assertTrue(lines.size() > 1, wrapped);
    for (String l : lines) assertTrue(l.length() <= 80, l);
    for (String l : lines.subList(1, lines.size())) {
      assertEquals(
          31, l.length() - l.stripLeading().length(), "two right of the description: " + l);
    }
    assertTrue(
        wrapped.contains("fathom.retrieval.mode"), "no break inside a dotted name: " + wrapped);
    assertEquals(
        row.strip().replaceAll(" +", " "),
        String.join(" ", lines.stream().map(String::strip).toList()).replaceAll(" +", " "),
        "only spaces changed");
  }

  @Test
  void aWordLongerThanTheLineRunsOnRatherThanBeingCut() {
    String word = "x".repeat(100);
    assertEquals("see " + word, HelpLayout.wrap("see " + word, 80).replace("\n", " ").strip());
    for (String l : HelpLayout.wrap("see " + word + " and more", 80).lines().toList()) {
      assertFalse(l.isBlank());
    }
  }

  @Test
  void everyCommandsHelpFitsEightyColumnsAndKeepsDottedNamesWhole() {
    CommandLine cli = new CommandLine(new Fathom());
    HelpLayout.apply(cli, 80);
    List<CommandLine> all = new ArrayList<>();
    collect(cli, all);
    for (CommandLine c : all) {
      String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (String line : usage.lines().toList()) {
        assertTrue(
            line.length() <= 80 || !line.strip().contains(" "),
            c.getCommandSpec().qualifiedName() + ": " + line.length() + " columns: " + line);
      }
    }
    String serve = cli.getSubcommands().get("serve").getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertTrue(serve.contains("fathom.questions"), serve);
    assertTrue(serve.startsWith("Usage: fathom serve [-hV]"), serve);
    assertTrue(serve.lines().skip(1).findFirst().orElseThrow().startsWith(" ".repeat(20) + "["));
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    for (CommandLine sub : c.getSubcommands().values()) collect(sub, out);
  }
}
