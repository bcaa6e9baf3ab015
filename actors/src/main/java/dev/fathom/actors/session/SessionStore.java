package dev.fathom.actors.session;

import com.typesafe.config.Config;
import dev.fathom.memory.session.SessionEvent;
import dev.fathom.memory.session.Transcript;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reads and deletes sessions in the journal without running them: the ids, a session's transcript
 * replayed from its events ({@link Transcript#replay}), and deletion of its rows. Used by {@code
 * fathom sessions} and by the session node for listing and deleting.
 */
public final class SessionStore {

  private static final String PREFIX = SessionActor.TYPE_KEY.name() + "|";
  private static final String DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;

  public SessionStore(ActorSystem<?> system) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** The ids of every session in the journal, sorted. */
  public CompletionStage<List<String>> list() {
    return journal
        .currentPersistenceIds()
        .filter(id -> id.startsWith(PREFIX))
        .map(id -> id.substring(PREFIX.length()))
        .runWith(Sink.seq(), system)
        .thenApply(ids -> ids.stream().sorted().toList());
  }

  /** The transcript of {@code sessionId} as its events leave it; empty if it never was. */
  public CompletionStage<Transcript> transcript(String sessionId) {
    SessionService.requireId(sessionId);
    return journal
        .currentEventsByPersistenceId(PREFIX + sessionId, 0L, Long.MAX_VALUE)
        .map(e -> (SessionEvent) e.event())
        .runWith(Sink.seq(), system)
        .thenApply(events -> Transcript.replay(Transcript.EMPTY, events));
  }

  /**
   * Deletes every event and snapshot of {@code sessionId}; the session must not be running (the
   * node stops it first).
   *
   * @return whether there was anything to delete
   */
  public boolean delete(String sessionId) {
    SessionService.requireId(sessionId);
    Config c = system.settings().config();
    try (Connection db =
        DriverManager.getConnection(
            c.getString(DB + "url"), c.getString(DB + "user"), c.getString(DB + "password"))) {
      int events = deleteRows(db, "event_journal", sessionId);
      int snapshots = deleteRows(db, "snapshot", sessionId);
      return events + snapshots > 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot delete session " + sessionId + ": " + e, e);
    }
  }

  private static int deleteRows(Connection db, String table, String sessionId) throws SQLException {
    // Quoted lower-case names match the schemas pekko-persistence-jdbc creates (H2, PostgreSQL).
    try (PreparedStatement st =
        db.prepareStatement("DELETE FROM \"" + table + "\" WHERE \"persistence_id\" = ?")) {
      st.setString(1, PREFIX + sessionId);
      return st.executeUpdate();
    }
  }
}
