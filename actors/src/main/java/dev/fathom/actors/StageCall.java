package dev.fathom.actors;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/** Runs one blocking stage call and replies with its result, or with the error it raised. */
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

  static String describe(Throwable t) {
    String name = t.getClass().getSimpleName();
    return t.getMessage() == null ? name : name + ": " + t.getMessage();
  }
}
