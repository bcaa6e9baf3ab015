package dev.fathom.retrieval.conversation;

import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.memory.session.MemoryWindow;
import dev.fathom.memory.session.Summarizer;
import dev.fathom.memory.session.TokenCounter;
import dev.fathom.memory.session.Turn;
import java.util.List;
import java.util.Objects;

/**
 * The running summary written by a language model: the previous summary and the turns being folded
 * go into a prompt that asks for a short, factual summary. Given to {@link
 * dev.fathom.memory.session.MemoryFolder} in place of the extractive summarizer when a model is
 * configured; the folder cuts a reply that overruns the summary's share. An empty reply keeps the
 * previous summary rather than losing it.
 */
public final class LanguageModelSummarizer implements Summarizer {

  static final String SYSTEM =
      "You keep the running summary of a conversation between a user and a document assistant."
          + " Merge the earlier summary and the new turns into one short summary: the subjects the"
          + " user asked about, the facts the answers gave, the sources named. Plain sentences, no"
          + " preamble.";

  private final LanguageModel model;

  public LanguageModelSummarizer(LanguageModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public String summarize(String previous, List<Turn> folded, int maxTokens, TokenCounter counter) {
    String user =
        "Earlier summary:\n<<<\n"
            + (previous.isBlank() ? "(none)" : previous.strip())
            + "\n>>>\n\nNew turns:\n<<<\n"
            + new MemoryWindow("", folded).render().strip()
            + "\n>>>\n\nWrite the merged summary in at most "
            + Math.max(1, maxTokens * 3 / 4)
            + " words.";
    String text =
        model
            .chat(
                List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user)),
                GenerationSettings.GREEDY.withMaxTokens(Math.max(16, maxTokens)),
                TokenListener.NONE)
            .text()
            .strip();
    return text.isEmpty() ? previous : text;
  }
}
