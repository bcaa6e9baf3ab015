package dev.fathom.ops.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * Help texts wrapped at spaces only. Picocli wraps with the JDK's line {@link
 * java.text.BreakIterator}, which also breaks after a dot inside a word, so {@code
 * fathom.questions} came out as {@code fathom.} / {@code questions}. Here picocli lays every
 * section out on one long line and this class wraps it again at spaces, keeping picocli's hanging
 * indents: synopsis continuations under the first option, option and command descriptions two
 * columns right of where they start.
 */
public final class HelpLayout {

  /** Wide enough that picocli itself never wraps. */
  private static final int UNWRAPPED = 4000;

  /** An option or command row: indent, names, at least two spaces, the description. */
  private static final Pattern ROW = Pattern.compile("^( +\\S.*?  +)\\S");

  private static final Pattern SYNOPSIS = Pattern.compile("^(Usage: (?:[\\w-]+ )+?)\\[");

  private HelpLayout() {}

  /** Makes {@code cli} and all its subcommands wrap help at {@code width} columns, at spaces. */
  public static void apply(CommandLine cli, int width) {
    cli.setUsageHelpWidth(UNWRAPPED);
    for (CommandLine c : all(cli, new ArrayList<>())) {
      Map<String, IHelpSectionRenderer> sections = c.getHelpSectionMap();
      sections.replaceAll(
          (key, section) ->
              key.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS)
                  ? help -> {
                    // Rendered after its heading ("Usage: "), so wrap the two as one line.
                    String heading = help.synopsisHeading();
                    return wrap(heading + section.render(help), width).substring(heading.length());
                  }
                  : help -> wrap(section.render(help), width));
      c.setHelpSectionMap(sections);
    }
  }

  private static List<CommandLine> all(CommandLine c, List<CommandLine> out) {
    out.add(c);
    for (CommandLine sub : c.getSubcommands().values()) all(sub, out);
    return out;
  }

  /** {@code text} with every line longer than {@code width} wrapped at spaces. */
  static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (out.length() > 0) out.append('\n');
      out.append(wrapLine(line, width));
    }
    return out.toString();
  }

  private static String wrapLine(String line, int width) {
    if (line.length() <= width) return line;
    int indent = hangingIndent(line);
    if (indent >= width / 2) indent = 4; // a row with very long names: wrap under them, narrowly
    StringBuilder out = new StringBuilder();
    String rest = line;
    int room = width;
    String pad = "";
    while (pad.length() + rest.length() > room) {
      int cut = rest.lastIndexOf(' ', room - pad.length());
      int keep = cut;
      while (keep > 0 && rest.charAt(keep - 1) == ' ') keep--; // keep a row's column gap whole
      if (cut <= 0 || keep <= 0 || rest.substring(0, keep).isBlank()) {
        cut = rest.indexOf(' ', room - pad.length()); // one word longer than the line: let it run
        if (cut < 0) break;
        keep = cut;
      }
      out.append(pad).append(rest, 0, keep).append('\n');
      rest = rest.substring(cut).stripLeading();
      pad = " ".repeat(indent);
    }
    return out.append(pad).append(rest).toString();
  }

  private static int hangingIndent(String line) {
    Matcher synopsis = SYNOPSIS.matcher(line);
    if (synopsis.find()) return synopsis.group(1).length();
    Matcher row = ROW.matcher(line);
    if (row.find()) return row.group(1).length() + 2;
    int lead = 0;
    while (lead < line.length() && line.charAt(lead) == ' ') lead++;
    return lead;
  }
}
