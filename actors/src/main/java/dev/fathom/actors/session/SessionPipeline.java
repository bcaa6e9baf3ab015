package dev.fathom.actors.session;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.drafters.lm.TokenListener;
import java.util.concurrent.CompletionStage;

/**
 * What a session asks for each turn: the question pipeline ({@code QuestionService::ask}). It never
 * completes exceptionally; a failure is a {@link QuestionResult.Failed}.
 */
@FunctionalInterface
public interface SessionPipeline {
  CompletionStage<QuestionResult> ask(Question question, TokenListener stream);
}
