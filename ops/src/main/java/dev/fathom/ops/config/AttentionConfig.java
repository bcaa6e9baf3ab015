package dev.fathom.ops.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import dev.fathom.retrieval.rank.AttentionSettings;
import dev.fathom.retrieval.rank.AttentionSettings.Head;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code fathom.rerank.attention} of the configuration: which layout and which layers or heads the
 * attention ranker reads (docs/ranking.md). ICR (Chen et al.) sums every layer and head over one
 * sequence, the default; BlockRank (arXiv 2510.05396) reads each passage in its own block, and on
 * stories260K {@code layout = blocks, heads = ["4.1"]} is what the needle test measured best
 * ({@link AttentionSettings#stories260K()}). Which heads carry the copying signal is a property of
 * the model, so they are a setting rather than code.
 *
 * <p>{@code heads} and {@code layers} are lists in the file; from the environment (one string) they
 * are read comma-separated, e.g. {@code FATHOM_RERANK_ATTENTION_HEADS=4.1,4.0}.
 */
public final class AttentionConfig {

  static final String PATH = "fathom.rerank.attention";

  private AttentionConfig() {}

  /**
   * Reads {@code fathom.rerank.attention}; ICR's defaults when the section is absent.
   *
   * @throws IllegalArgumentException naming the key that is wrong and its legal values
   */
  public static AttentionSettings from(Config root) {
    if (!root.hasPath(PATH)) return AttentionSettings.defaults();
    Config c = root.getConfig(PATH);
    boolean blocks = layout(c);
    List<Head> heads = new ArrayList<>();
    for (String h : strings(c, "heads")) heads.add(head(h));
    List<Integer> layers = new ArrayList<>();
    for (String l : strings(c, "layers")) layers.add(layer(l));
    boolean calibrate;
    int passageTokens;
    try {
      calibrate = c.getBoolean("calibrate");
    } catch (ConfigException e) {
      throw wrong("calibrate", "must be true or false", e);
    }
    try {
      passageTokens = c.getInt("passage-tokens");
    } catch (ConfigException e) {
      throw wrong("passage-tokens", "must be a whole number in 4..8192", e);
    }
    if (passageTokens < 4 || passageTokens > 8192) {
      throw wrong("passage-tokens", "must be in 4..8192, got " + passageTokens, null);
    }
    return new AttentionSettings(layers, heads, calibrate, passageTokens, blocks);
  }

  /** {@code sequence} (ICR: all passages in one causal sequence) or {@code blocks} (BlockRank). */
  private static boolean layout(Config c) {
    String v;
    try {
      v = c.getString("layout").strip().toLowerCase(Locale.ROOT);
    } catch (ConfigException e) {
      throw wrong("layout", "must be sequence or blocks", e);
    }
    return switch (v) {
      case "sequence" -> false;
      case "blocks" -> true;
      default -> throw wrong("layout", "must be sequence or blocks, got '" + v + "'", null);
    };
  }

  /** A list key, or one comma-separated string (an environment variable); absent: empty. */
  private static List<String> strings(Config c, String key) {
    if (!c.hasPath(key)) return List.of();
    try {
      if (c.getValue(key).valueType() == ConfigValueType.STRING) {
        return Arrays.stream(c.getString(key).split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
      }
      return c.getList(key).stream().map(v -> String.valueOf(v.unwrapped()).strip()).toList();
    } catch (ConfigException e) {
      throw wrong(key, "must be a list (or a comma-separated string)", e);
    }
  }

  /** "layer.head", both 0-based whole numbers. */
  private static Head head(String s) {
    String[] p = s.split("\\.", -1);
    if (p.length == 2) {
      try {
        int layer = Integer.parseInt(p[0]);
        int head = Integer.parseInt(p[1]);
        if (layer >= 0 && head >= 0) return new Head(layer, head);
      } catch (NumberFormatException e) {
        // the sentence below says what is legal
      }
    }
    throw wrong(
        "heads",
        "'" + s + "' is not \"layer.head\" (two whole numbers >= 0, 0-based, e.g. \"4.1\")",
        null);
  }

  private static int layer(String s) {
    try {
      int l = Integer.parseInt(s);
      if (l >= 0) return l;
    } catch (NumberFormatException e) {
      // the sentence below says what is legal
    }
    throw wrong("layers", "'" + s + "' is not a layer (a whole number >= 0, 0-based)", null);
  }

  private static IllegalArgumentException wrong(String key, String why, Exception cause) {
    return new IllegalArgumentException("configuration: " + PATH + "." + key + " " + why, cause);
  }
}
