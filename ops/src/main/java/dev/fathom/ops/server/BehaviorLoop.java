package dev.fathom.ops.server;

import dev.fathom.actors.CuratorActor;
import dev.fathom.actors.FathomPipeline;
import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.config.BehaviorsConfig;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The behavior loop of one serve process (docs/behaviors.md): its handbook kept equal to the shared
 * {@code fathom.behaviors} ({@link HandbookStream}), the publisher of traces, behaviors and
 * feedback ({@link BehaviorPublisher}), and — when a language model answers — the curator ({@link
 * CurationStream} over a {@link CuratorActor}). Started after the topics exist, stopped before the
 * workspace closes the handbook.
 */
final class BehaviorLoop implements AutoCloseable {

  private final BehaviorsConfig config;
  private final BehaviorModule module;
  private final BehaviorPublisher publisher;
  private final HandbookStream handbook;
  private final Thread handbookThread;
  private final String bootstrap;
  private CurationStream curation; // null until startCuration
  private Thread curationThread;

  private BehaviorLoop(String bootstrap, BehaviorsConfig config, BehaviorModule module) {
    this.bootstrap = bootstrap;
    this.config = config;
    this.module = module;
    this.publisher = new BehaviorPublisher(bootstrap, config);
    this.handbook = new HandbookStream(bootstrap, config.behaviorsTopic(), module.handbook());
    this.handbookThread = Thread.ofPlatform().name("fathom-handbook").start(handbook);
  }

  /** Creates the topics when missing and starts reading the shared handbook into {@code module}. */
  static BehaviorLoop start(
      String bootstrap, KafkaSettings kafka, BehaviorsConfig config, BehaviorModule module) {
    TopicSetup.ensureBehaviorTopics(bootstrap, kafka, config);
    return new BehaviorLoop(bootstrap, config, module);
  }

  /**
   * Starts curating the cluster's traces with {@code strategist} (the answer model, its calls
   * serialised with the answers), in consumer group {@code groupId}.
   */
  void startCuration(
      ActorSystem<?> system,
      LanguageModel strategist,
      GenerationSettings generation,
      String groupId) {
    ActorRef<CuratorActor.Command> curator =
        system.systemActorOf(
            Behaviors.supervise(CuratorActor.create(module.curator(strategist, generation)))
                .onFailure(SupervisorStrategy.restart()),
            "behavior-curator",
            DispatcherSelector.fromConfig(FathomPipeline.BLOCKING_DISPATCHER));
    curation = new CurationStream(bootstrap, groupId, config, curator, system, publisher);
    curationThread = Thread.ofPlatform().name("fathom-curator").start(curation);
  }

  BehaviorModule module() {
    return module;
  }

  BehaviorPublisher publisher() {
    return publisher;
  }

  /** True once this node's handbook holds every behavior published before it started. */
  boolean caughtUp() {
    return handbook.caughtUp();
  }

  /** The error that stopped a stream of the loop, or null. */
  Throwable failure() {
    if (handbook.failure() != null) return handbook.failure();
    return curation == null ? null : curation.failure();
  }

  @Override
  public void close() {
    if (curation != null) curation.stop();
    handbook.stop();
    try {
      if (curationThread != null) curationThread.join();
      handbookThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
  }
}
