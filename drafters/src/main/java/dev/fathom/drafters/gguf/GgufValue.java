package dev.fathom.drafters.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GGUF metadata value together with its GGUF type, so that a writer can say {@code uint32} where
 * the Java value alone ({@code Long}) would be ambiguous, and a copy keeps the types of its source.
 *
 * <p>The Java value follows {@link GgufMetadata}'s conventions: {@link Integer} for the integer
 * types up to 32 bits except uint32, {@link Long} for uint32, int64 and uint64 (uint64 as its bit
 * pattern), {@link Float}, {@link Double}, {@link Boolean}, {@link String}. An array holds {@code
 * String[]}, {@code float[]}, {@code double[]}, {@code boolean[]}, {@code int[]} (element types up
 * to 32 bits; uint32 as its bit pattern), {@code long[]} (64-bit), or, for arrays of arrays, a
 * {@code GgufValue[]} of array values (each may have its own element type, as GGUF allows).
 *
 * @param type the value's type
 * @param elementType for {@link GgufValueType#ARRAY}, the type of its elements; null otherwise
 * @param value the Java value, as above
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

  public GgufValue {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    if (type == GgufValueType.ARRAY) {
      Objects.requireNonNull(elementType, "elementType of an array");
      checkArray(elementType, value);
    } else {
      if (elementType != null) {
        throw new IllegalArgumentException("a " + type + " value has no element type");
      }
      value = scalar(type, value);
    }
  }

  public static GgufValue uint8(int v) {
    return new GgufValue(GgufValueType.UINT8, null, v);
  }

  public static GgufValue int8(int v) {
    return new GgufValue(GgufValueType.INT8, null, v);
  }

  public static GgufValue uint16(int v) {
    return new GgufValue(GgufValueType.UINT16, null, v);
  }

  public static GgufValue int16(int v) {
    return new GgufValue(GgufValueType.INT16, null, v);
  }

  public static GgufValue uint32(long v) {
    return new GgufValue(GgufValueType.UINT32, null, v);
  }

  public static GgufValue int32(int v) {
    return new GgufValue(GgufValueType.INT32, null, v);
  }

  /** A uint64; values above {@code Long.MAX_VALUE} are given as their bit pattern. */
  public static GgufValue uint64(long v) {
    return new GgufValue(GgufValueType.UINT64, null, v);
  }

  public static GgufValue int64(long v) {
    return new GgufValue(GgufValueType.INT64, null, v);
  }

  public static GgufValue float32(float v) {
    return new GgufValue(GgufValueType.FLOAT32, null, v);
  }

  public static GgufValue float64(double v) {
    return new GgufValue(GgufValueType.FLOAT64, null, v);
  }

  public static GgufValue bool(boolean v) {
    return new GgufValue(GgufValueType.BOOL, null, v);
  }

  public static GgufValue string(String v) {
    return new GgufValue(GgufValueType.STRING, null, v);
  }

  /** An array of {@code elementType} held in the Java array the class comment names. */
  public static GgufValue array(GgufValueType elementType, Object javaArray) {
    return new GgufValue(GgufValueType.ARRAY, elementType, javaArray);
  }

  /** An array of arrays. */
  public static GgufValue arrays(GgufValue... arrays) {
    return new GgufValue(GgufValueType.ARRAY, GgufValueType.ARRAY, arrays.clone());
  }

  /**
   * The value for a Java object, inferring the narrowest honest type: {@code Integer} → int32,
   * {@code Long} → int64, {@code Float} → float32, {@code Double} → float64, {@code Byte} → int8,
   * {@code Short} → int16, {@code int[]} → int32 array, {@code long[]} → int64 array, {@code
   * Object[]} → array of arrays; a {@code GgufValue} is returned as it is. Use the factories to
   * force another type (uint32 for token ids, for example).
   */
  public static GgufValue of(Object v) {
    return switch (v) {
      case GgufValue g -> g;
      case String s -> string(s);
      case Boolean b -> bool(b);
      case Byte b -> int8(b);
      case Short s -> int16(s);
      case Integer i -> int32(i);
      case Long l -> int64(l);
      case Float f -> float32(f);
      case Double d -> float64(d);
      case String[] a -> array(GgufValueType.STRING, a);
      case float[] a -> array(GgufValueType.FLOAT32, a);
      case double[] a -> array(GgufValueType.FLOAT64, a);
      case boolean[] a -> array(GgufValueType.BOOL, a);
      case int[] a -> array(GgufValueType.INT32, a);
      case long[] a -> array(GgufValueType.INT64, a);
      case Object[] a -> {
        GgufValue[] inner = new GgufValue[a.length];
        for (int i = 0; i < a.length; i++) {
          inner[i] = of(a[i]);
        }
        yield arrays(inner);
      }
      case null -> throw new IllegalArgumentException("a GGUF value cannot be null");
      default ->
          throw new IllegalArgumentException(
              "no GGUF type for a " + v.getClass().getName() + " (" + v + ")");
    };
  }

  /** Number of elements of an array value. */
  public int length() {
    if (type != GgufValueType.ARRAY) {
      throw new IllegalStateException(type + " is not an array");
    }
    return java.lang.reflect.Array.getLength(value);
  }

  /**
   * The plain Java value as {@link GgufMetadata#asMap()} holds it: arrays of arrays become {@code
   * Object[]} of plain arrays.
   */
  public Object raw() {
    if (value instanceof GgufValue[] inner) {
      Object[] out = new Object[inner.length];
      for (int i = 0; i < inner.length; i++) {
        out[i] = inner[i].raw();
      }
      return out;
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GgufValue g
        && type == g.type
        && elementType == g.elementType
        && Objects.deepEquals(value, g.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, elementType, Arrays.deepHashCode(new Object[] {value}));
  }

  @Override
  public String toString() {
    if (type != GgufValueType.ARRAY) {
      return type.name().toLowerCase(java.util.Locale.ROOT) + " " + value;
    }
    return "array<" + elementType.name().toLowerCase(java.util.Locale.ROOT) + ">[" + length() + "]";
  }

  private static Object scalar(GgufValueType type, Object value) {
    switch (type) {
      case STRING -> {
        return require(type, value, String.class);
      }
      case BOOL -> {
        return require(type, value, Boolean.class);
      }
      case FLOAT32 -> {
        return require(type, value, Number.class).floatValue();
      }
      case FLOAT64 -> {
        return require(type, value, Number.class).doubleValue();
      }
      default -> {
        Number n = require(type, value, Number.class);
        if (n instanceof Float || n instanceof Double) {
          throw new IllegalArgumentException(type + " needs an integer, got " + n);
        }
        long v = n.longValue();
        checkRange(type, v);
        return type.heldAsInt() ? (Object) (int) v : (Object) v;
      }
    }
  }

  private static void checkRange(GgufValueType type, long v) {
    long lo;
    long hi;
    switch (type) {
      case UINT8 -> {
        lo = 0;
        hi = 255;
      }
      case INT8 -> {
        lo = Byte.MIN_VALUE;
        hi = Byte.MAX_VALUE;
      }
      case UINT16 -> {
        lo = 0;
        hi = 65535;
      }
      case INT16 -> {
        lo = Short.MIN_VALUE;
        hi = Short.MAX_VALUE;
      }
      case UINT32 -> {
        lo = 0;
        hi = 0xFFFF_FFFFL;
      }
      case INT32 -> {
        lo = Integer.MIN_VALUE;
        hi = Integer.MAX_VALUE;
      }
      default -> {
        return; // int64 and uint64 (as a bit pattern) take any long
      }
    }
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(
          type + " value " + v + " is out of range [" + lo + ", " + hi + "]");
    }
  }

  private static void checkArray(GgufValueType elementType, Object value) {
    Class<?> expected =
        switch (elementType) {
          case STRING -> String[].class;
          case FLOAT32 -> float[].class;
          case FLOAT64 -> double[].class;
          case BOOL -> boolean[].class;
          case UINT64, INT64 -> long[].class;
          case ARRAY -> GgufValue[].class;
          default -> int[].class;
        };
    if (!expected.isInstance(value)) {
      throw new IllegalArgumentException(
          "an array of "
              + elementType
              + " is held in a "
              + expected.getSimpleName()
              + ", got "
              + value.getClass().getSimpleName());
    }
    switch (value) {
      case int[] a when elementType != GgufValueType.UINT32 -> {
        for (int x : a) {
          checkRange(elementType, x);
        }
      }
      case String[] a -> {
        for (String s : a) {
          Objects.requireNonNull(s, "an element of a string array");
        }
      }
      case GgufValue[] a -> {
        for (GgufValue g : a) {
          if (g == null || g.type != GgufValueType.ARRAY) {
            throw new IllegalArgumentException(
                "an array of arrays holds arrays, got " + (g == null ? "null" : g.toString()));
          }
        }
      }
      default -> {}
    }
  }

  private static <T> T require(GgufValueType type, Object value, Class<T> cls) {
    if (!cls.isInstance(value)) {
      throw new IllegalArgumentException(
          type + " needs a " + cls.getSimpleName() + ", got " + value.getClass().getSimpleName());
    }
    return cls.cast(value);
  }
}
