package dev.fathom.actors;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.search.Retriever;
import dev.fathom.retrieval.search.SearchScope;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Adapts a {@link Retriever} to messages. The search blocks, so this actor belongs on {@code
 * fathom.blocking-dispatcher}; a pool router of n of them caps searches in flight at n.
 */
public final class RetrieverActor extends AbstractBehavior<RetrieverActor.Command> {

  public sealed interface Command {}

  /**
   * Search for {@code query} among the passages {@code caller} may read; replies with at most
   * {@code k} hits, or the retriever's error.
   */
  public record Search(
      String query,
      SearchMode mode,
      int k,
      Principal caller,
      SearchScope scope,
      ActorRef<StatusReply<List<Hit>>> replyTo)
      implements Command {
    public Search {
      Objects.requireNonNull(caller, "caller");
      Objects.requireNonNull(scope, "scope");
    }

    /** A search of the whole default collection. */
    public Search(
        String query,
        SearchMode mode,
        int k,
        Principal caller,
        ActorRef<StatusReply<List<Hit>>> replyTo) {
      this(query, mode, k, caller, SearchScope.DEFAULT, replyTo);
    }

    /** A search as {@link Principal#anonymous()}: public passages only. */
    public Search(String query, SearchMode mode, int k, ActorRef<StatusReply<List<Hit>>> replyTo) {
      this(query, mode, k, Principal.anonymous(), replyTo);
    }
  }

  private final Retriever retriever;

  public static Behavior<Command> create(Retriever retriever) {
    Objects.requireNonNull(retriever, "retriever");
    return Behaviors.setup(context -> new RetrieverActor(context, retriever));
  }

  private RetrieverActor(ActorContext<Command> context, Retriever retriever) {
    super(context);
    this.retriever = retriever;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Search.class, this::onSearch).build();
  }

  private Behavior<Command> onSearch(Search m) {
    // The scope-less call for the default scope keeps retrievers that cannot filter working.
    StageCall.reply(
        m.replyTo(),
        () ->
            m.scope().equals(SearchScope.DEFAULT)
                ? retriever.search(m.query(), m.mode(), m.k(), m.caller())
                : retriever.search(m.query(), m.mode(), m.k(), m.caller(), m.scope()));
    return this;
  }
}
