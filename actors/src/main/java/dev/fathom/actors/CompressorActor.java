package dev.fathom.actors;

import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.Evidence;
import dev.fathom.retrieval.Hit;
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
 * Adapts a {@link ContextCompressor} to messages. Compression embeds sentences and blocks, so this
 * actor belongs on {@code fathom.blocking-dispatcher} behind a pool router.
 */
public final class CompressorActor extends AbstractBehavior<CompressorActor.Command> {

  public sealed interface Command {}

  /** Select evidence for {@code question} from {@code hits}; replies with it, or the error. */
  public record Compress(String question, List<Hit> hits, ActorRef<StatusReply<Evidence>> replyTo)
      implements Command {}

  private final ContextCompressor compressor;

  public static Behavior<Command> create(ContextCompressor compressor) {
    Objects.requireNonNull(compressor, "compressor");
    return Behaviors.setup(context -> new CompressorActor(context, compressor));
  }

  private CompressorActor(ActorContext<Command> context, ContextCompressor compressor) {
    super(context);
    this.compressor = compressor;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Compress.class, this::onCompress).build();
  }

  private Behavior<Command> onCompress(Compress m) {
    StageCall.reply(m.replyTo(), () -> compressor.compress(m.question(), m.hits()));
    return this;
  }
}
