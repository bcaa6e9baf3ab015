package dev.fathom.ops.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.actors.Question;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.rank.RankerKind;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The one parser and validator of questions, whatever door they come through: {@code fathom ask}
 * and {@code fathom search}, {@code POST /v1/ask}, {@code POST /v1/chat/completions}, {@code GET
 * /v1/search} and the {@code fathom.questions} topic. Every path applies the same rules (length,
 * {@code k} range, {@code mode}, {@code rerank}, types, defaults, session id) and refuses with the
 * same {@link IntakeException} text, so a question one door accepts no other door refuses.
 *
 * <p>Types are strict: {@code "k":"7"} and {@code "k":2.9} are refused, not coerced; a non-string
 * {@code sessionId} is refused, not stringified.
 */
public final class QuestionIntake {

  /** The session of HTTP questions that name none. */
  public static final String HTTP_SESSION = "http";

  /**
   * @param maxQuestionChars longest question, 1..{@value Question#MAX_TEXT_CHARS} ({@code
   *     fathom.ask.max-question-chars})
   * @param defaultMode retrieval mode of questions that name none ({@code fathom.retrieval.mode})
   * @param defaultK passages of questions that name no {@code k} ({@code fathom.retrieval.k})
   * @param defaultRerank ranker of questions that name none ({@code fathom.rerank.default})
   */
  public record Settings(
      int maxQuestionChars, SearchMode defaultMode, int defaultK, RankerKind defaultRerank) {
    public Settings {
      if (maxQuestionChars < 1 || maxQuestionChars > Question.MAX_TEXT_CHARS) {
        throw new IllegalArgumentException(
            "fathom.ask.max-question-chars must be in 1.."
                + Question.MAX_TEXT_CHARS
                + ", got "
                + maxQuestionChars);
      }
      Objects.requireNonNull(defaultMode, "defaultMode");
      if (defaultK < 1 || defaultK > Question.MAX_K) {
        throw new IllegalArgumentException(
            "fathom.retrieval.k must be in 1.." + Question.MAX_K + ", got " + defaultK);
      }
      Objects.requireNonNull(defaultRerank, "defaultRerank");
    }

    /** Questions that name no ranker keep the retrieval order. */
    public Settings(int maxQuestionChars, SearchMode defaultMode, int defaultK) {
      this(maxQuestionChars, defaultMode, defaultK, RankerKind.NONE);
    }

    public static Settings of(FathomConfig config) {
      return new Settings(
          config.maxQuestionChars(), config.mode(), config.k(), config.rerankDefault());
    }
  }

  /**
   * A question accepted at the edge.
   *
   * @param question the validated question (its {@code requestId} chosen by the caller or here)
   * @param sessionId the conversation it belongs to
   * @param stream whether the caller asked for the answer's text as it is written
   */
  public record Accepted(Question question, String sessionId, boolean stream) {

    /** The same question asked by {@code asker}: the door that authenticated the caller sets it. */
    public Accepted askedBy(Principal asker) {
      return new Accepted(question.withAsker(asker), sessionId, stream);
    }
  }

  /** A validated search: what {@code GET /v1/search} and {@code fathom search} run. */
  public record Search(String query, SearchMode mode, int k, RankerKind rerank) {
    /** A search in the retrieval order. */
    public Search(String query, SearchMode mode, int k) {
      this(query, mode, k, RankerKind.NONE);
    }
  }

  private final Settings settings;

  public QuestionIntake(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public Settings settings() {
    return settings;
  }

  // ---- the field rules, shared by every door ----

  /** The question text, stripped: not blank, at most {@code maxQuestionChars} characters. */
  public String text(String raw) {
    String q = raw == null ? "" : raw.strip();
    if (q.isEmpty()) throw new IntakeException("the question is empty");
    if (q.length() > settings.maxQuestionChars()) {
      throw new IntakeException(
          String.format(
              Locale.ROOT,
              "the question is %,d characters long; the limit is %,d"
                  + " (fathom.ask.max-question-chars)",
              q.length(),
              settings.maxQuestionChars()));
    }
    return q;
  }

  /** The retrieval mode: the default when null, else bm25, dense or hybrid. */
  public SearchMode mode(String raw) {
    if (raw == null) return settings.defaultMode();
    try {
      return SearchMode.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IntakeException(e.getMessage());
    }
  }

  /** The ranker: the default when null, else none, listwise, attention or fusion. */
  public RankerKind rerank(String raw) {
    if (raw == null) return settings.defaultRerank();
    try {
      return RankerKind.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IntakeException(e.getMessage());
    }
  }

  /** Passages to retrieve: the default when null, else 1..{@value Question#MAX_K}. */
  public int k(Integer raw) {
    if (raw == null) return settings.defaultK();
    if (raw < 1 || raw > Question.MAX_K) throw badK(raw.toString());
    return raw;
  }

  /** {@code k} as text (a query parameter): the default when null, else a whole number in range. */
  public int k(String raw) {
    if (raw == null) return settings.defaultK();
    try {
      return k(Integer.valueOf(raw.strip()));
    } catch (NumberFormatException e) {
      throw badK("'" + raw + "'");
    }
  }

  private static IntakeException badK(String got) {
    return new IntakeException("k must be an integer in 1.." + Question.MAX_K + ", got " + got);
  }

  // ---- the doors ----

  /**
   * A command-line question ({@code fathom ask WORDS [-k N] [--mode M]}), asked by the {@link
   * Principal#owner() owner}: the local CLI user can read the index files, and so every passage.
   */
  public Accepted fromCommandLine(String text, String mode, Integer k) {
    return fromCommandLine(text, mode, k, null);
  }

  /** A command-line question with {@code --rerank R} (null: the configured default). */
  public Accepted fromCommandLine(String text, String mode, Integer k, String rerank) {
    return accepted(
            UUID.randomUUID().toString(),
            text(text),
            mode(mode),
            k(k),
            rerank(rerank),
            "cli",
            false)
        .askedBy(Principal.owner());
  }

  /**
   * The body of {@code POST /v1/ask}: {@code {"question", "sessionId"?, "mode"?, "k"?, "rerank"?,
   * "stream"?}}.
   */
  public Accepted fromHttp(JsonNode body) {
    String session = HTTP_SESSION;
    if (body.has("sessionId") && !body.get("sessionId").isNull()) {
      session = StrictJson.requiredText(body, "sessionId");
    }
    return fromJson(body, UUID.randomUUID().toString(), session, flag(body, "stream"));
  }

  /**
   * A value of {@code fathom.questions}: {@code {"requestId", "sessionId", "question", "mode"?,
   * "k"?, "rerank"?}}; both ids required. Asked by {@link Principal#anonymous()}; a value that
   * claims a {@code "principal"} is refused (see {@link #fromKafka(JsonNode, boolean)}).
   */
  public Accepted fromKafka(JsonNode value) {
    return fromKafka(value, false);
  }

  /**
   * A value of {@code fathom.questions}, with an optional {@code "principal": {"user":"alice",
   * "groups":["eng"]}} naming who asks (absent or null: anonymous).
   *
   * @param trustClaims whether a producer on the topic may name the asking principal ({@code
   *     fathom.kafka.principal-claims}); when false a value that names one is refused rather than
   *     answered as someone else
   */
  public Accepted fromKafka(JsonNode value, boolean trustClaims) {
    Accepted a =
        fromJson(
            value,
            StrictJson.requiredText(value, "requestId"),
            StrictJson.requiredText(value, "sessionId"),
            false);
    JsonNode claim = value.get("principal");
    if (claim == null || claim.isNull()) return a;
    if (!trustClaims) {
      throw new IntakeException(
          "field \"principal\" is not accepted: principal claims on Kafka questions are off"
              + " (fathom.kafka.principal-claims = false)");
    }
    return a.askedBy(PrincipalIntake.fromJson(claim));
  }

  /** The last user message of {@code POST /v1/chat/completions}, with the default mode and k. */
  public Accepted fromChat(String text, boolean stream) {
    return accepted(
        "chatcmpl-" + UUID.randomUUID(),
        text(text),
        settings.defaultMode(),
        settings.defaultK(),
        settings.defaultRerank(),
        HTTP_SESSION,
        stream);
  }

  /** {@code GET /v1/search?q=...&k=...&mode=...}. */
  public Search search(Map<String, String> params) {
    if (!params.containsKey("q") || params.get("q").isBlank()) {
      throw new IntakeException("parameter q is missing");
    }
    // No rerank here: /v1/search returns retrieval's order (ranking runs in the /v1/ask path).
    return new Search(text(params.get("q")), mode(params.get("mode")), k(params.get("k")));
  }

  /** A command-line search ({@code fathom search WORDS [-k N] [--mode M]}). */
  public Search search(String query, String mode, Integer k) {
    return search(query, mode, k, null);
  }

  /** A command-line search with {@code --rerank R} (null: the configured default). */
  public Search search(String query, String mode, Integer k, String rerank) {
    return new Search(text(query), mode(mode), k(k), rerank(rerank));
  }

  private Accepted fromJson(JsonNode j, String requestId, String sessionId, boolean stream) {
    JsonNode q = j.get("question");
    if (q == null || q.isNull()) throw new IntakeException("field \"question\" is missing");
    if (!q.isTextual()) throw new IntakeException("field \"question\" is not a string, got " + q);
    String mode = null;
    if (j.hasNonNull("mode")) {
      JsonNode m = j.get("mode");
      if (!m.isTextual()) {
        throw new IntakeException(
            "unknown search mode " + m + ": expected one of bm25, dense, hybrid");
      }
      mode = m.asText();
    }
    Integer k = null;
    if (j.hasNonNull("k")) {
      JsonNode n = j.get("k");
      // canConvertToInt() would accept "7" and 2.9; a JSON integer is the only legal k.
      if (!n.isIntegralNumber() || !n.canConvertToInt()) throw badK(n.toString());
      k = n.intValue();
    }
    String rerank = null;
    if (j.hasNonNull("rerank")) {
      JsonNode r = j.get("rerank");
      // A non-string gets the text of a string naming no ranker (parse refuses it).
      rerank = r.isTextual() ? r.asText() : r.toString();
    }
    Accepted a =
        accepted(requestId, text(q.asText()), mode(mode), k(k), rerank(rerank), sessionId, stream);
    // Behavior-guided self-improvement (docs/behaviors.md): answer, extract, answer again.
    if (j.hasNonNull("selfImprove")) {
      JsonNode b = j.get("selfImprove");
      if (!b.isBoolean()) {
        throw new IntakeException("field \"selfImprove\" must be true or false, got " + b);
      }
      a = new Accepted(a.question().withSelfImprove(b.booleanValue()), a.sessionId(), a.stream());
    }
    // Collections and metadata filters (docs/collections.md): "collection", "filter".
    a = new Accepted(a.question().withScope(ScopeIntake.fromJson(j)), a.sessionId(), a.stream());
    return a;
  }

  /**
   * The boolean field {@code field}: false when absent, else strictly {@code true}/{@code false}.
   */
  public static boolean flag(JsonNode j, String field) {
    JsonNode v = j.get(field);
    if (v == null || v.isNull()) return false;
    if (!v.isBoolean()) {
      throw new IntakeException("field \"" + field + "\" must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  private static Accepted accepted(
      String requestId,
      String text,
      SearchMode mode,
      int k,
      RankerKind rerank,
      String sessionId,
      boolean stream) {
    return new Accepted(
        new Question(requestId, text, mode, k).withRerank(rerank), sessionId, stream);
  }
}
