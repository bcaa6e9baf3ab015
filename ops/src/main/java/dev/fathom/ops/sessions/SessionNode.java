package dev.fathom.ops.sessions;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fathom.actors.QuestionService;
import dev.fathom.actors.session.SessionActor;
import dev.fathom.actors.session.SessionJournal;
import dev.fathom.actors.session.SessionService;
import dev.fathom.actors.session.SessionSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.memory.session.ExtractiveSummarizer;
import dev.fathom.memory.session.MemoryBudget;
import dev.fathom.memory.session.MemoryFolder;
import dev.fathom.memory.session.TokenCounter;
import dev.fathom.retrieval.conversation.CondensingRewriter;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.LanguageModelSummarizer;
import dev.fathom.retrieval.conversation.SubjectRewriter;
import dev.fathom.retrieval.search.Retriever;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts this process's session node from {@code fathom.sessions} (application.conf): the memory
 * budget, snapshots, passivation, the cluster address and seeds, and the journal (the H2 file under
 * the data directory unless {@code journal-url} names another database).
 */
public final class SessionNode {

  private SessionNode() {}

  /**
   * @param raw the loaded configuration ({@code FathomConfig.raw()})
   * @param dataDir the data directory (the default journal lives under it)
   * @param retriever what the rewrite is built around (the session searches through the pipeline)
   * @param questions the pipeline every turn asks
   * @param model the configured language model: a condensing rewrite and model summaries; empty for
   *     the deterministic {@link SubjectRewriter} and the extractive summary
   */
  public static SessionService start(
      Config raw,
      Path dataDir,
      Retriever retriever,
      QuestionService questions,
      Optional<LanguageModel> model) {
    Config s = raw.getConfig("fathom.sessions");
    int tokens = s.getInt("memory-tokens");
    if (tokens < 16 || tokens > 1_000_000) {
      throw new IllegalArgumentException(
          "fathom.sessions.memory-tokens must be in 16..1000000, got " + tokens);
    }
    MemoryFolder folder =
        new MemoryFolder(
            new MemoryBudget(tokens, 0.25, 0.5),
            model
                .<dev.fathom.memory.session.Summarizer>map(LanguageModelSummarizer::new)
                .orElseGet(ExtractiveSummarizer::new),
            TokenCounter.estimate());
    HistoryAwareRetriever rewriter =
        new HistoryAwareRetriever(
            retriever,
            model
                .<dev.fathom.retrieval.conversation.QueryRewriter>map(
                    m -> new CondensingRewriter(m, new SubjectRewriter()))
                .orElseGet(SubjectRewriter::new));
    SessionSettings settings =
        new SessionSettings(s.getInt("snapshot-every"), s.getDuration("turn-timeout"));
    SessionActor.Deps deps =
        new SessionActor.Deps(questions::ask, rewriter, folder, settings, Clock.systemUTC());
    return SessionService.start(deps, SessionJournal.config(dataDir, overrides(s), raw));
  }

  /** The Pekko settings {@code fathom.sessions} stands for. */
  static Config overrides(Config s) {
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.remote.artery.canonical.port", s.getInt("port"));
    m.put("pekko.remote.artery.canonical.hostname", s.getString("hostname"));
    List<String> seeds = s.getStringList("seed-nodes");
    m.put("pekko.cluster.seed-nodes", seeds);
    Duration idle = s.getDuration("idle-timeout");
    m.put(
        "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout",
        idle.toMillis() + "ms");
    String url = s.getString("journal-url");
    String db = "pekko-persistence-jdbc.shared-databases.slick.";
    if (!url.isBlank()) {
      m.put(db + "db.url", url);
      if (url.startsWith("jdbc:postgresql:")) {
        m.put(db + "profile", "slick.jdbc.PostgresProfile$");
        m.put(db + "db.driver", "org.postgresql.Driver");
      }
    }
    m.put(db + "db.user", s.getString("journal-user"));
    m.put(db + "db.password", s.getString("journal-password"));
    return ConfigFactory.parseMap(m);
  }
}
