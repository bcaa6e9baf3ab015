package dev.fathom.drafters.tensor;

/**
 * The engine's on/off system properties ({@code -Dfathom.engine.…=true|false}), each an A/B switch
 * between a faster path and the one it replaced. Anything but {@code true} or {@code false} is an
 * error naming the property, so a mistyped switch never silently measures the default.
 */
public final class EngineSwitch {
  private EngineSwitch() {}

  /** {@code property}'s value, or {@code defaultValue} when it is not set. */
  public static boolean read(String property, boolean defaultValue) {
    return parse(property, System.getProperty(property, Boolean.toString(defaultValue)));
  }

  /** {@code value} read as the value of {@code property}. */
  public static boolean parse(String property, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "-D" + property + "=" + value + ": must be true or false");
    };
  }
}
