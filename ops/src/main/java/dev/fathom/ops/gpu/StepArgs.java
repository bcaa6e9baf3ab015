package dev.fathom.ops.gpu;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code key=value} arguments of one device-check step, read with checks that name the key and
 * its legal range (a step's arguments come from {@link CheckPlan}, so a bad one is a bug there, but
 * the message should still say which).
 */
final class StepArgs {
  private final Map<String, String> values = new LinkedHashMap<>();

  StepArgs(List<String> args) {
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("step argument '" + a + "' is not key=value");
      }
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
  }

  String text(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("step argument " + key + "= is missing");
    }
    return v;
  }

  String text(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  Path path(String key) {
    return Path.of(text(key));
  }

  int integer(String key, int min, int max) {
    String v = text(key);
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + v + " is not an integer");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", got " + n);
    }
    return n;
  }

  /** {@code key=value} strings for a child process, in insertion order. */
  static List<String> of(Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must pair up");
    }
    String[] out = new String[keyValues.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = keyValues[2 * i] + "=" + keyValues[2 * i + 1];
    }
    return List.of(out);
  }
}
