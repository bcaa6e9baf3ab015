package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps README.md and docs/ honest about the command line: every {@code fathom …} command shown in
 * a code block or an inline code span must name subcommands and options the real command line has,
 * so renaming an option without updating the docs fails the build.
 *
 * <p>Only names are checked, not values: documentation writes placeholders ({@code FILE}, {@code
 * N}, {@code DIR}) where a value goes, and shows optional parts in brackets.
 */
class DocumentedCommandsTest {

  private static final Path ROOT = Path.of(System.getProperty("fathom.root", "..")).normalize();

  /** {@code `./fathom …`} or {@code `fathom …`} inline, ending at the closing backtick. */
  private static final Pattern INLINE = Pattern.compile("`(?:\\./)?(fathom(?: [^`]*)?)`");

  /** A line of a fenced block that runs fathom (optionally after {@code $ }). */
  private static final Pattern FENCED =
      Pattern.compile("^\\s*(?:\\$ )?(?:\\./|bin/)?(fathom(?: .*)?)$");

  record Shown(String file, int line, String command) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + command;
    }
  }

  @Test
  void everyDocumentedCommandLineNamesRealSubcommandsAndOptions() {
    List<Shown> shown = documentedCommands();
    assertTrue(shown.size() > 40, "expected many documented commands, found " + shown.size());
    List<String> problems = new ArrayList<>();
    for (Shown s : shown) {
      String problem = check(s.command());
      if (problem != null) {
        problems.add(s + "\n    → " + problem);
      }
    }
    assertEquals(List.of(), problems, "documented command lines the real command line rejects");
  }

  @Test
  void theCheckRejectsRenamedOptionsAndUnknownSubcommands() {
    // The check itself must be able to fail: a misspelt option, an unknown subcommand.
    assertTrue(check("fathom ask --jsn \"q\"") != null);
    assertTrue(check("fathom eval retrival --dataset DIR") != null);
    assertTrue(check("fathom bench engine --model F --vs-llama") != null);
    assertEquals(null, check("fathom bench engine --model FILE [--threads N] [--json]"));
    assertEquals(null, check("fathom search --mode hybrid -k 5 \"lease end\""));
  }

  /** Null when {@code command} parses by name; otherwise what is wrong. */
  static String check(String command) {
    List<String> words = words(command);
    CommandSpec spec = new CommandLine(new Fathom()).getCommandSpec();
    boolean positionalSeen = false;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (w.equals("...") || w.equals("…") || w.equals("|")) {
        continue;
      }
      if (w.startsWith("-") && w.length() > 1 && !w.matches("-\\d.*")) {
        String name = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
        OptionSpec option = findOption(spec, name);
        if (option == null && !spec.unmatchedArgsBindings().isEmpty()) {
          continue; // the command collects options it does not know (fathom test → Maven)
        }
        if (option == null) {
          return "`" + spec.qualifiedName() + "` has no option " + name;
        }
        boolean takesValue = option.arity().max() > 0 && !option.type().equals(boolean.class);
        if (takesValue && !w.contains("=") && i + 1 < words.size()) {
          i++; // the option's value (or its placeholder)
        }
        continue;
      }
      CommandLine sub = positionalSeen ? null : subcommand(spec, w);
      if (sub != null) {
        spec = sub.getCommandSpec();
        continue;
      }
      if (spec.positionalParameters().isEmpty()) {
        return "`"
            + spec.qualifiedName()
            + "` has no subcommand or parameter "
            + w
            + " (subcommands: "
            + spec.subcommands().keySet()
            + ")";
      }
      positionalSeen = true;
    }
    return null;
  }

  /** The subcommand {@code word} names; for alternatives {@code a|b}, the first, if all exist. */
  private static CommandLine subcommand(CommandSpec spec, String word) {
    CommandLine first = null;
    for (String alternative : word.split("\\|")) {
      CommandLine sub = spec.subcommands().get(alternative);
      if (sub == null) {
        return null;
      }
      first = first == null ? sub : first;
    }
    return first;
  }

  private static OptionSpec findOption(CommandSpec spec, String name) {
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      OptionSpec o = s.findOption(name);
      if (o != null
          && (s == spec || o.inherited() || o.scopeType() == CommandLine.ScopeType.INHERIT)) {
        return o;
      }
    }
    return null;
  }

  /**
   * Shell-like words: quotes group, a {@code #} comment ends the line, brackets of optional parts
   * and {@code a|b} alternatives are opened up so their option names are checked too.
   */
  static List<String> words(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (c == '#' && !inWord) {
        break;
      } else if (Character.isWhitespace(c) || c == '[' || c == ']') {
        if (inWord) {
          out.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '|' && inWord && word.length() > 0 && word.charAt(0) == '-') {
        out.add(word.toString()); // --a|--b: check both names
        word.setLength(0);
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(word.toString());
    }
    // Pipes into other programs end fathom's own arguments.
    int pipe = out.indexOf("|");
    return pipe < 0 ? out : out.subList(0, pipe);
  }

  static List<Shown> documentedCommands() {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Shown> out = new ArrayList<>();
    for (Path file : files) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String name = ROOT.relativize(file).toString();
      boolean fenced = false;
      for (int n = 0; n < lines.size(); n++) {
        String line = lines.get(n);
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (fenced) {
          Matcher m = FENCED.matcher(line);
          if (m.matches()) {
            out.add(new Shown(name, n + 1, m.group(1).strip()));
          }
          continue;
        }
        Matcher m = INLINE.matcher(line);
        while (m.find()) {
          out.add(new Shown(name, n + 1, m.group(1).strip()));
        }
      }
    }
    return out;
  }
}
