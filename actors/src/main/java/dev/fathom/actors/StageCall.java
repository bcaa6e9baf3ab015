package dev.fathom.actors;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * Runs one blocking stage call and replies with its result, or with the error it raised; and reads
 * such an error back on the asking side.
 */
final class StageCall {

  private StageCall() {}

  /**
   * Replies {@code success(result)}, or {@code error(message)} when the stage throws. An ordinary
   * failure (a {@link RuntimeException}) leaves the actor running. Anything else is unexpected: the
   * caller still gets its error reply, then the throwable propagates so that the supervision
   * declared at spawn restarts the actor.
   */
  static <T> void reply(ActorRef<StatusReply<T>> replyTo, Supplier<T> call) {
    StatusReply<T> reply;
    try {
      reply = StatusReply.success(Objects.requireNonNull(call.get(), "stage returned null"));
    } catch (RuntimeException e) {
      reply = StatusReply.error(describe(e));
    } catch (Throwable t) {
      replyTo.tell(StatusReply.error(describe(t)));
      throw t;
    }
    replyTo.tell(reply);
  }

  /**
   * The text of a stage's error as a {@link QuestionCoordinator} reports it: a stage's own error
   * reply as the stage wrote it ({@link #describe}d there); anything else (an ask's timeout, a bug
   * in the coordinator) with its class name.
   */
  static String message(Throwable cause) {
    return cause instanceof StatusReply.ErrorMessage ? cause.getMessage() : describe(cause);
  }

  static String describe(Throwable t) {
    String name = t.getClass().getSimpleName();
    return t.getMessage() == null ? name : name + ": " + t.getMessage();
  }
}
