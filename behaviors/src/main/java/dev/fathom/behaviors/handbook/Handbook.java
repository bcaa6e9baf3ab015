package dev.fathom.behaviors.handbook;

import dev.fathom.retrieval.embed.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The behavior handbook: behaviors in a Lucene index on disk, one document each, with the embedding
 * of its instruction in an HNSW kNN field, so the behaviors for a question are found as the paper's
 * AIME setting finds them (embedding top-K, arXiv 2509.13237 §4) and near-duplicates are found the
 * same way.
 *
 * <p><b>Merging.</b> {@link #add} folds a candidate into an existing behavior — union of
 * provenance, sum of uses, the existing wording kept — when it has the same name, or when its
 * instruction's embedding has cosine similarity ≥ {@link Settings#mergeSimilarity()} with an
 * existing one's. The paper appends every extracted behavior (its MATH handbook is 785 behaviors
 * from 1,000 questions); an answering system that mines every answer would pile up paraphrases, so
 * Fathom merges.
 *
 * <p><b>Shared handbook.</b> In serve mode the compacted topic {@code fathom.behaviors} (key =
 * name, value = {@link BehaviorJson} or null) is the source of truth: every node calls {@link
 * #applyShared} for each record it consumes, which writes exactly that behavior (no merging), so
 * all nodes converge to the same handbook. The node that merged publishes {@link Change#stored()}.
 *
 * <p>All behaviors are also held in memory (a handbook is thousands of lines, not millions); reads
 * are lock-free, writes are serialised and committed one by one (durable when the call returns).
 */
public final class Handbook implements AutoCloseable {

  /**
   * @param mergeSimilarity cosine similarity of instruction embeddings at or above which a new
   *     behavior merges into an existing one (0 exclusive .. 1; 1 merges only identical wording)
   */
  public record Settings(double mergeSimilarity) {
    /**
     * 0.85. Probed with all-MiniLM-L6-v2 on eight pairs of instructions: close rewordings scored
     * 0.88–0.94 ("cite both and say which is later" / "cite both of them and say which date is
     * later"), a restructured one 0.76, and distinct procedures of one domain 0.47–0.63 ("cite both
     * dates" / "prefer the most recent source": 0.58), unrelated ones 0.07. 0.85 merges close
     * rewordings and keeps related but different procedures apart; {@code HandbookIT} checks both.
     */
    public static final double DEFAULT_MERGE_SIMILARITY = 0.85;

    public Settings {
      if (!(mergeSimilarity > 0 && mergeSimilarity <= 1)) {
        throw new IllegalArgumentException(
            "mergeSimilarity must be in (0, 1], got " + mergeSimilarity);
      }
    }

    public static Settings defaults() {
      return new Settings(DEFAULT_MERGE_SIMILARITY);
    }
  }

  /** What {@link #add} did. */
  public enum Outcome {
    /** A new behavior. */
    ADDED,
    /** Merged into the behavior of the same name. */
    MERGED_SAME_NAME,
    /** Merged into a behavior whose instruction is a near-duplicate. */
    MERGED_SIMILAR
  }

  /**
   * The result of one {@link #add}.
   *
   * @param outcome added or merged
   * @param candidate what was offered
   * @param stored the behavior as now stored (publish this on {@code fathom.behaviors})
   * @param similarity cosine similarity to {@code stored} when merged by similarity, else 1 or 0
   */
  public record Change(Outcome outcome, Behavior candidate, Behavior stored, double similarity) {}

  /**
   * A behavior found for a query vector.
   *
   * @param behavior the behavior
   * @param similarity cosine similarity of its instruction to the query
   */
  public record Scored(Behavior behavior, double similarity) {}

  private record Entry(Behavior behavior, float[] vector) {}

  private final Path path;
  private final Embedder embedder;
  private final Settings settings;
  private final HandbookIndex index;
  private final Map<String, Entry> entries = new ConcurrentSkipListMap<>();

  private Handbook(Path path, Embedder embedder, Settings settings) throws IOException {
    this.path = path;
    this.embedder = embedder;
    this.settings = settings;
    this.index = new HandbookIndex(path);
    load();
  }

  /**
   * Opens (creating if absent) the handbook in {@code dir}, e.g. {@code <data>/behaviors}.
   *
   * @throws IllegalStateException when the stored embeddings have another dimension than {@code
   *     embedder}'s (the handbook was built with another embedding model)
   */
  public static Handbook open(Path dir, Embedder embedder, Settings settings) {
    Objects.requireNonNull(embedder, "embedder");
    Objects.requireNonNull(settings, "settings");
    try {
      return new Handbook(dir, embedder, settings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the behavior handbook at " + dir, e);
    }
  }

  /** The embedder whose space the handbook's vectors live in (queries must use it too). */
  public Embedder embedder() {
    return embedder;
  }

  /** Adds {@code candidate}, or merges it into a duplicate (see the class comment). */
  public synchronized Change add(Behavior candidate) {
    Entry same = entries.get(candidate.name());
    if (same != null) {
      Behavior merged = same.behavior().absorb(candidate);
      write(merged, same.vector());
      return new Change(Outcome.MERGED_SAME_NAME, candidate, merged, 1);
    }
    float[] vector = embedder.embed(candidate.instruction());
    List<Scored> nearest = nearest(vector, 1, Set.of());
    if (!nearest.isEmpty() && nearest.getFirst().similarity() >= settings.mergeSimilarity()) {
      Entry into = entries.get(nearest.getFirst().behavior().name());
      Behavior merged = into.behavior().absorb(candidate);
      write(merged, into.vector());
      return new Change(Outcome.MERGED_SIMILAR, candidate, merged, nearest.getFirst().similarity());
    }
    write(candidate, vector);
    return new Change(Outcome.ADDED, candidate, candidate, 0);
  }

  /** {@link #add} for each, in order (an import). */
  public List<Change> addAll(Collection<Behavior> candidates) {
    return candidates.stream().map(this::add).toList();
  }

  /**
   * Applies one record of the shared topic {@code fathom.behaviors}: writes the behavior exactly as
   * given (no merging), or removes {@code name} when {@code jsonOrNull} is null (a tombstone).
   * Called by every serve node's consumer of that topic.
   *
   * @throws IllegalArgumentException when the JSON is invalid or names another behavior than the
   *     key
   */
  public synchronized void applyShared(String name, String jsonOrNull) {
    if (jsonOrNull == null) {
      remove(name);
      return;
    }
    Behavior b = BehaviorJson.read(jsonOrNull);
    if (!b.name().equals(name)) {
      throw new IllegalArgumentException(
          "record key '" + name + "' does not match the behavior's name '" + b.name() + "'");
    }
    Entry old = entries.get(name);
    boolean sameText = old != null && old.behavior().instruction().equals(b.instruction());
    write(b, sameText ? old.vector() : embedder.embed(b.instruction()));
  }

  /** Removes {@code name}; false when there was no such behavior. */
  public synchronized boolean remove(String name) {
    if (entries.remove(name) == null) return false;
    index.delete(name);
    return true;
  }

  /**
   * Adds {@code 1} to the use count of each name (an answer cited them); names no longer in the
   * handbook are ignored. Returns the updated behaviors (serve mode publishes them).
   */
  public synchronized List<Behavior> recordUses(Collection<String> names) {
    List<Behavior> updated = new ArrayList<>();
    for (String name : Set.copyOf(names)) {
      Entry e = entries.get(name);
      if (e == null) continue;
      Behavior b = e.behavior().used(1);
      write(b, e.vector());
      updated.add(b);
    }
    return updated;
  }

  /** The behavior called {@code name}. */
  public Optional<Behavior> get(String name) {
    return Optional.ofNullable(entries.get(name)).map(Entry::behavior);
  }

  /** Every behavior, by name. */
  public List<Behavior> list() {
    return entries.values().stream().map(Entry::behavior).toList();
  }

  public int size() {
    return entries.size();
  }

  /**
   * The {@code k} behaviors whose instructions are nearest {@code vector} (unit length, from {@link
   * #embedder()}), most similar first; with {@code topics} non-empty only behaviors of those topics
   * and general ones (topic "") qualify.
   */
  public List<Scored> nearest(float[] vector, int k, Set<String> topics) {
    if (k < 1) throw new IllegalArgumentException("k must be ≥ 1, got " + k);
    if (entries.isEmpty()) return List.of();
    List<Scored> out = new ArrayList<>();
    for (HandbookIndex.Found f : index.nearest(vector, k, topics)) {
      Entry e = entries.get(f.name());
      if (e != null) out.add(new Scored(e.behavior(), f.similarity()));
    }
    return out;
  }

  private void write(Behavior b, float[] vector) {
    index.write(b, vector);
    entries.put(b.name(), new Entry(b, vector));
  }

  private void load() throws IOException {
    for (HandbookIndex.Stored stored : index.all()) {
      Behavior b = stored.behavior();
      float[] v = stored.vector();
      if (v.length != embedder.dimension()) {
        throw new IllegalStateException(
            "the handbook at "
                + path
                + " holds "
                + v.length
                + "-dimensional embeddings but the embedder makes "
                + embedder.dimension()
                + "; rebuild it (export, delete the directory, import)");
      }
      entries.put(b.name(), new Entry(b, v));
    }
  }

  @Override
  public synchronized void close() {
    try {
      index.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the behavior handbook at " + path, e);
    }
  }
}
