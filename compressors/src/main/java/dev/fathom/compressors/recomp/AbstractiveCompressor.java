package dev.fathom.compressors.recomp;

import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.text.SentenceSplitter;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RECOMP's abstractive compressor (Xu, Shi and Choi, ICLR 2024, §3.2): a language model reads the
 * question and the top passages and writes a short query-focused summary, or nothing when the
 * passages do not help (selective augmentation, §3.3: the empty summary means "answer without
 * retrieval"). RECOMP distils GPT-3.5 summaries into T5; Fathom asks whatever {@link LanguageModel}
 * is configured, in RECOMP's input shape ({@code Question: … Document: … Summary:}), with the
 * passages numbered so that the summary can cite them.
 *
 * <p><b>Citations.</b> Each sentence of the summary is attributed to the first passage whose marker
 * [n] it carries (markers are taken out of the text: the answer stage writes its own). A sentence
 * without a marker keeps the citation of the sentence before it (or, at the start, of the first
 * cited sentence after it); a summary that cites no retrieved passage at all is not evidence, since
 * nothing shows where it came from, and counts as empty. Markers outside 1..n are ignored. No
 * quality is claimed: the small models Fathom tests with cannot summarise.
 */
public final class AbstractiveCompressor implements ContextCompressor {

  static final String SYSTEM =
      "You compress retrieved documents for a question answering system. Write a short summary"
          + " of only what the documents say that helps answer the question, in at most three"
          + " sentences, and end each sentence with the number of the document it comes from,"
          + " like [2]. If the documents do not help answer the question, write nothing.";

  private static final Pattern MARKER = Pattern.compile("\\s*\\[(\\d{1,3})]");

  /**
   * @param topPassages passages the model reads (RECOMP reads the top 5)
   * @param maxTokens most tokens the model may write
   */
  public record Settings(int topPassages, int maxTokens) {
    public Settings {
      if (topPassages < 1 || topPassages > 20) {
        throw new IllegalArgumentException("topPassages must be in [1, 20], got " + topPassages);
      }
      if (maxTokens < 1 || maxTokens > 4096) {
        throw new IllegalArgumentException("maxTokens must be in [1, 4096], got " + maxTokens);
      }
    }

    public static Settings defaults() {
      return new Settings(5, 96);
    }
  }

  private final LanguageModel model;
  private final Embedder embedder;
  private final Settings settings;

  /**
   * @param embedder counts the evidence's tokens (the unit of the compression rate)
   */
  public AbstractiveCompressor(LanguageModel model, Embedder embedder, Settings settings) {
    this.model = Objects.requireNonNull(model, "model");
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Evidence compress(String question, List<Hit> hits) {
    Map<String, Passage> retrieved = new LinkedHashMap<>();
    for (Hit h : hits) retrieved.putIfAbsent(h.passage().id(), h.passage());
    List<Passage> top =
        hits.subList(0, Math.min(settings.topPassages(), hits.size())).stream()
            .map(Hit::passage)
            .toList();
    int inputTokens = 0;
    for (Passage p : top) inputTokens += embedder.countTokens(p.text());
    if (top.isEmpty()) return Evidence.none(question, 0);
    String summary;
    synchronized (model) { // a language model serves one request at a time
      summary =
          model
              .chat(
                  List.of(
                      ChatMessage.system(SYSTEM),
                      ChatMessage.user(prompt(question, top, passageChars(top.size())))),
                  GenerationSettings.GREEDY.withMaxTokens(settings.maxTokens()),
                  TokenListener.NONE)
              .text();
    }
    return evidence(question, summary, top, inputTokens)
        .withPassages(List.copyOf(retrieved.values()));
  }

  /**
   * Characters of each passage that fit the model's context beside the instructions and the
   * summary, at a conservative two characters a token (small vocabularies cut English finer than
   * the four of large ones); at least 80.
   */
  int passageChars(int passages) {
    int tokens = model.contextLength() - settings.maxTokens() - 128;
    return Math.max(80, tokens * 2 / Math.max(1, passages));
  }

  /**
   * RECOMP's input shape, the documents numbered as the summary must cite them; a passage longer
   * than {@code passageChars} is cut at a word and marked with an ellipsis.
   */
  static String prompt(String question, List<Passage> top, int passageChars) {
    StringBuilder b = new StringBuilder("Question: ").append(question.strip()).append("\n");
    for (int i = 0; i < top.size(); i++) {
      Passage p = top.get(i);
      b.append("Document [").append(i + 1).append("]: ");
      if (!p.title().isBlank()) b.append(p.title().strip()).append(". ");
      b.append(cut(p.text().strip().replace('\n', ' '), passageChars)).append("\n");
    }
    return b.append("Summary:").toString();
  }

  private static String cut(String text, int chars) {
    if (text.length() <= chars) return text;
    int end = text.lastIndexOf(' ', chars);
    return text.substring(0, end > chars / 2 ? end : chars).strip() + " …";
  }

  /** The summary as evidence: its sentences, each attributed to the passage it cites. */
  Evidence evidence(String question, String summary, List<Passage> top, int inputTokens) {
    String text = summary == null ? "" : summary.strip();
    List<String> sentences = new ArrayList<>();
    List<Integer> cited = new ArrayList<>();
    for (TextSpan span : SentenceSplitter.split(text)) {
      String s = span.of(text);
      Integer first = null;
      Matcher m = MARKER.matcher(s);
      while (m.find()) {
        int n = Integer.parseInt(m.group(1));
        if (first == null && n >= 1 && n <= top.size()) first = n - 1;
      }
      String plain = MARKER.matcher(s).replaceAll("").strip();
      if (plain.isEmpty()) {
        // A marker alone after the sentence splitter cut it off: it belongs to the sentence before.
        if (first != null && !cited.isEmpty() && cited.getLast() == null)
          cited.set(cited.size() - 1, first);
        continue;
      }
      sentences.add(plain);
      cited.add(first);
    }
    Integer previous = null;
    for (int i = 0; i < cited.size(); i++) {
      if (cited.get(i) == null) cited.set(i, previous);
      previous = cited.get(i);
    }
    Integer next = null;
    for (int i = cited.size() - 1; i >= 0; i--) {
      if (cited.get(i) == null) cited.set(i, next);
      next = cited.get(i);
    }
    if (sentences.isEmpty() || cited.getFirst() == null)
      return Evidence.none(question, inputTokens);
    List<EvidenceSentence> out = new ArrayList<>();
    int tokens = 0;
    for (int i = 0; i < sentences.size(); i++) {
      Passage p = top.get(cited.get(i));
      // A summary sentence has no span in the passage: it stands for the whole passage it cites.
      out.add(new EvidenceSentence(sentences.get(i), p, 0, p.text().length(), 1f));
      tokens += embedder.countTokens(sentences.get(i));
    }
    return new Evidence(question, out, tokens, inputTokens);
  }
}
