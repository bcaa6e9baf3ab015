package dev.fathom.drafters.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The key/value metadata of a GGUF file, with typed getters whose errors name the key.
 *
 * <p>Scalar values are held as {@link Integer} (8-, 16-, 32-bit signed and 8/16-bit unsigned),
 * {@link Long} (uint32, int64, uint64), {@link Float}, {@link Double}, {@link Boolean} or {@link
 * String}. Arrays are {@code String[]}, {@code float[]}, {@code double[]}, {@code int[]} (all
 * integer types up to 32 bits), {@code long[]} (64-bit), {@code boolean[]}, or {@code Object[]} for
 * arrays of arrays. {@link #value(String)} gives the same value with its GGUF type ({@link
 * GgufValue}), which is what a copy into another file needs.
 */
public final class GgufMetadata {
  private final String source;
  private final Map<String, Object> values;
  private final Map<String, GgufValue> typed;

  /**
   * Metadata from plain Java values; their GGUF types are inferred as {@link GgufValue#of} does (so
   * a {@code Long} reads back as int64 from {@link #value}).
   */
  public GgufMetadata(String source, Map<String, Object> values) {
    this.source = source;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.typed = null;
  }

  private GgufMetadata(String source, Map<String, Object> values, Map<String, GgufValue> typed) {
    this.source = source;
    this.values = values;
    this.typed = typed;
  }

  /** Metadata from typed values, as a GGUF file holds them. */
  public static GgufMetadata typed(String source, Map<String, GgufValue> typed) {
    Map<String, Object> raw = new LinkedHashMap<>();
    typed.forEach((k, v) -> raw.put(k, v.raw()));
    return new GgufMetadata(
        source,
        Collections.unmodifiableMap(raw),
        Collections.unmodifiableMap(new LinkedHashMap<>(typed)));
  }

  /** The value of {@code key} with its GGUF type; fails naming the key when it is missing. */
  public GgufValue value(String key) {
    Object v = require(key);
    return typed != null ? typed.get(key) : GgufValue.of(v);
  }

  /** All entries with their GGUF types, in file order. */
  public Map<String, GgufValue> entries() {
    if (typed != null) {
      return typed;
    }
    Map<String, GgufValue> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, GgufValue.of(v)));
    return Collections.unmodifiableMap(out);
  }

  /** All entries in file order. */
  public Map<String, Object> asMap() {
    return values;
  }

  public boolean contains(String key) {
    return values.containsKey(key);
  }

  public Optional<Object> find(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** {@code general.architecture}, e.g. {@code llama} or {@code qwen2}. */
  public String architecture() {
    return getString("general.architecture");
  }

  public String getString(String key) {
    return as(key, String.class);
  }

  public Optional<String> findString(String key) {
    return values.containsKey(key) ? Optional.of(getString(key)) : Optional.empty();
  }

  public int getInt(String key) {
    long v = getLong(key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw bad(key, "a value that fits an int, got " + v);
    }
    return (int) v;
  }

  public int getInt(String key, int fallback) {
    return values.containsKey(key) ? getInt(key) : fallback;
  }

  public long getLong(String key) {
    Number n = as(key, Number.class);
    if (n instanceof Float || n instanceof Double) {
      throw bad(key, "an integer, got " + n);
    }
    return n.longValue();
  }

  public float getFloat(String key) {
    return as(key, Number.class).floatValue();
  }

  public float getFloat(String key, float fallback) {
    return values.containsKey(key) ? getFloat(key) : fallback;
  }

  public boolean getBoolean(String key, boolean fallback) {
    return values.containsKey(key) ? as(key, Boolean.class) : fallback;
  }

  public String[] getStringArray(String key) {
    return as(key, String[].class);
  }

  public float[] getFloatArray(String key) {
    Object v = require(key);
    if (v instanceof float[] f) {
      return f;
    }
    if (v instanceof double[] d) {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    throw bad(key, "an array of floats, got " + typeName(v));
  }

  public int[] getIntArray(String key) {
    return as(key, int[].class);
  }

  /** A short name of the type a value is held as, for messages and {@code model info}. */
  public static String typeName(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof String[] a) {
      return "string[" + a.length + "]";
    }
    if (v instanceof float[] a) {
      return "float32[" + a.length + "]";
    }
    if (v instanceof double[] a) {
      return "float64[" + a.length + "]";
    }
    if (v instanceof int[] a) {
      return "int[" + a.length + "]";
    }
    if (v instanceof long[] a) {
      return "int64[" + a.length + "]";
    }
    if (v instanceof boolean[] a) {
      return "bool[" + a.length + "]";
    }
    if (v instanceof Object[] a) {
      return "array[" + a.length + "]";
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private Object require(String key) {
    Object v = values.get(key);
    if (v == null) {
      throw new GgufFormatException(source + ": metadata key '" + key + "' is missing");
    }
    return v;
  }

  private <T> T as(String key, Class<T> type) {
    Object v = require(key);
    if (!type.isInstance(v)) {
      throw bad(key, "a " + type.getSimpleName() + ", got " + typeName(v));
    }
    return type.cast(v);
  }

  private GgufFormatException bad(String key, String expected) {
    return new GgufFormatException(source + ": metadata key '" + key + "' should be " + expected);
  }
}
