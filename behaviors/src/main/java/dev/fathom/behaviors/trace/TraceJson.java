package dev.fathom.behaviors.trace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The stable JSON form of traces and feedback: one object per trace, fields in the order of {@link
 * Trace}'s components, {@code time} as ISO-8601 UTC ({@code 2026-12-01T13:50:40.123Z}), absent
 * feedback left out. Unknown fields are ignored when reading, so a newer writer's extra fields do
 * not break an older reader. The same text is a line of {@code traces.jsonl} and the value of a
 * {@code fathom.traces} record.
 */
public final class TraceJson {

  /** The shared mapper: records, ISO instants, no pretty printing (one line per trace). */
  public static final ObjectMapper MAPPER = mapper();

  private TraceJson() {}

  private static ObjectMapper mapper() {
    SimpleModule instants = new SimpleModule("instants");
    instants.addSerializer(Instant.class, ToStringSerializer.instance);
    instants.addDeserializer(
        Instant.class,
        new JsonDeserializer<>() {
          @Override
          public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String s = p.getValueAsString();
            try {
              return Instant.parse(s);
            } catch (DateTimeParseException e) {
              throw ctx.weirdStringException(s, Instant.class, "expected ISO-8601 UTC");
            }
          }
        });
    return new ObjectMapper()
        .registerModule(instants)
        .disable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** One line of JSON. */
  public static String write(Trace trace) {
    return writeValue(trace);
  }

  /** One line of JSON. */
  public static String write(Feedback feedback) {
    return writeValue(feedback);
  }

  /**
   * Reads a trace.
   *
   * @throws IllegalArgumentException naming the problem when the JSON is malformed or invalid
   */
  public static Trace readTrace(String json) {
    return read(json, Trace.class);
  }

  /**
   * Reads feedback ({@code {"rating":4,"correct":true,"comment":"..."}}).
   *
   * @throws IllegalArgumentException naming the problem when the JSON is malformed or invalid
   */
  public static Feedback readFeedback(String json) {
    return read(json, Feedback.class);
  }

  private static String writeValue(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new IllegalArgumentException(type.getSimpleName() + " JSON is null");
      }
      return value;
    } catch (JsonProcessingException e) {
      // Validation errors of the record's constructor arrive wrapped; their message is the useful
      // one.
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new IllegalArgumentException(
          "not a valid " + type.getSimpleName() + ": " + firstLine(cause.getMessage()), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
