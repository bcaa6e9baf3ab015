package dev.fathom.behaviors.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt kept as a text file with {@code {{placeholders}}}. The defaults are resources of this
 * module ({@code behaviors/src/main/resources/dev/fathom/behaviors/prompts/}); a file of the same
 * name in an override directory ({@code fathom.behaviors.prompts-dir}) replaces one, so prompts can
 * be tuned for a model without a rebuild. Documented in {@code docs/behaviors.md}.
 *
 * @param name the file name ({@code reflect.txt})
 * @param text the template
 */
public record PromptTemplate(String name, String text) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
  private static final String RESOURCES = "/dev/fathom/behaviors/prompts/";

  public PromptTemplate {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text of prompt " + name);
  }

  /**
   * The template {@code fileName} from {@code overrideDir} when it holds one, else the built-in.
   *
   * @param overrideDir a directory of prompt files, or null for the built-ins only
   * @param required placeholders the template must contain (the caller fills them)
   * @throws IllegalArgumentException when the template lacks a required placeholder or uses an
   *     unknown one
   */
  public static PromptTemplate load(String fileName, Path overrideDir, Set<String> required) {
    String text;
    String origin;
    Path override = overrideDir == null ? null : overrideDir.resolve(fileName);
    try {
      if (override != null && Files.isRegularFile(override)) {
        text = Files.readString(override, StandardCharsets.UTF_8);
        origin = override.toString();
      } else {
        try (InputStream in = PromptTemplate.class.getResourceAsStream(RESOURCES + fileName)) {
          if (in == null) throw new IllegalArgumentException("no built-in prompt " + fileName);
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        origin = "built-in " + fileName;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read prompt " + fileName, e);
    }
    Set<String> used = placeholders(text);
    if (!used.containsAll(required) || !required.containsAll(used)) {
      throw new IllegalArgumentException(
          "prompt "
              + origin
              + " must use exactly the placeholders "
              + new TreeSet<>(required)
              + " (as {{name}}), found "
              + used);
    }
    return new PromptTemplate(fileName, text.strip());
  }

  /** The template with each {@code {{key}}} replaced by its value. */
  public String render(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no value for {{" + m.group(1) + "}} of " + name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Set<String> placeholders(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) out.add(m.group(1));
    return out;
  }
}
