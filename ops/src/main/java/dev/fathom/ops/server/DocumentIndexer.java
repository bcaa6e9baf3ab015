package dev.fathom.ops.server;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.StreamPartition;
import dev.fathom.retrieval.index.StreamStore;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.parse.ParsedDocument;
import dev.fathom.retrieval.parse.PathDocumentPolicy;
import dev.fathom.retrieval.parse.SourceOffsets;
import dev.fathom.retrieval.parse.UnreadableDocumentException;
import dev.fathom.retrieval.text.Chunker;
import dev.fathom.retrieval.text.TextSpan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Puts documents that arrive as JSON (not files) into the index the way {@code fathom ingest} does:
 * cut into passages on sentence boundaries, each embedded as title + text, all replacing what the
 * index held for the same id. The document id is the passage source, so citations name it.
 *
 * <p><b>Namespaces.</b> Stream documents are recorded with the root {@code kafka:<topic>} ({@link
 * FileRecord#STREAM_ROOT_PREFIX}); an id that names a document ingested from files is refused (dead
 * letter), and {@code fathom ingest} refuses to replace a stream document, so neither door can
 * overwrite or delete what came through the other.
 *
 * <p><b>Stores.</b> The embedded index of each collection, or with {@code fathom.index.backend =
 * solr} its SolrCloud collection ({@link StreamStore}); both record the stream offsets with the
 * documents, so either is rebuilt by re-reading the topic.
 *
 * <p><b>Path documents</b> are read only through the {@link PathDocumentPolicy} (off by default).
 */
final class DocumentIndexer {

  private final StreamStore index; // the default collection's
  private final Function<CollectionName, ? extends StreamStore> collections;
  private final Supplier<? extends Collection<? extends StreamStore>> open;
  private final Embedder embedder;
  private final Chunker chunker;
  private final String root;
  private final PathDocumentPolicy paths;

  /**
   * @param topic the document topic: the index records {@code kafka:<topic>} as the origin
   * @param paths which path documents may be read
   */
  DocumentIndexer(
      StreamStore index,
      Embedder embedder,
      Chunker chunker,
      String topic,
      PathDocumentPolicy paths) {
    this(
        index,
        name -> {
          if (name.equals(CollectionName.DEFAULT)) return index;
          throw new PoisonMessageException(
              "collection '" + name + "': this server indexes the default collection only");
        },
        () -> List.of(index),
        embedder,
        chunker,
        topic,
        paths);
  }

  /**
   * An indexer over every collection: a document naming {@code "collection"} goes to {@code
   * collections.apply(name)} (created when new), and each commit commits every open collection with
   * the batch's offsets, so all indexes record the stream position of the changes they hold.
   *
   * @param index the default collection, whose recorded offsets say where the stream resumes
   * @param open every collection index open now
   */
  DocumentIndexer(
      StreamStore index,
      Function<CollectionName, ? extends StreamStore> collections,
      Supplier<? extends Collection<? extends StreamStore>> open,
      Embedder embedder,
      Chunker chunker,
      String topic,
      PathDocumentPolicy paths) {
    this.index = index;
    this.collections = collections;
    this.open = open;
    this.embedder = embedder;
    this.chunker = chunker;
    this.root = FileRecord.STREAM_ROOT_PREFIX + topic;
    this.paths = paths;
  }

  /**
   * Indexes or deletes one document; visible to searches after {@link StreamStore#commit()}.
   *
   * @throws UnreadableDocumentException when a document given by path cannot be read or parsed
   */
  void apply(Inbound.DocumentMessage d) {
    StreamStore index = collections.apply(d.collection());
    requireOwnNamespace(index, d.id());
    if (d.deleted()) {
      index.deleteSource(d.id());
      return;
    }
    DocumentMetadata meta = d.metadata();
    SourceOffsets offsets = SourceOffsets.identity();
    if (d.path() != null) {
      // A file, checked by the policy, then parsed by extension as `fathom ingest` parses it.
      ParsedDocument parsed = paths.read(d.path());
      meta = parsed.metadata().with(meta);
      offsets = parsed.offsets();
      d =
          new Inbound.DocumentMessage(
              d.id(),
              d.title() != null ? d.title() : parsed.title(),
              parsed.text(),
              null,
              false,
              d.acl(),
              d.collection(),
              meta);
    }
    List<TextSpan> spans = chunker.chunk(d.text());
    List<Passage> passages = new ArrayList<>(spans.size());
    List<String> texts = new ArrayList<>(spans.size());
    for (int i = 0; i < spans.size(); i++) {
      TextSpan s = spans.get(i);
      TextSpan at = offsets.toSource(s);
      Passage p =
          new Passage(d.id() + "#" + i, d.id(), d.title(), s.of(d.text()), at.start(), at.end());
      passages.add(p);
      texts.add(p.title() + "\n" + p.text());
    }
    List<float[]> vectors = texts.isEmpty() ? List.of() : embedder.embedAll(texts);
    FileRecord record =
        new FileRecord(d.id(), root, sha256(d.text()), passages.size(), d.acl(), d.title(), meta);
    if (index.storesSentenceVectors()) {
      // As `fathom ingest`: sentence vectors stored once, so compression embeds only the question.
      index.replaceSource(
          record,
          passages,
          vectors,
          dev.fathom.retrieval.embed.SentenceVectors.embed(embedder, passages));
    } else {
      index.replaceSource(record, passages, vectors);
    }
  }

  /**
   * Deletes the stream document a compaction tombstone's {@code key} names ({@link
   * Inbound#documentKey}).
   */
  void delete(String key) {
    var named = Inbound.parseKey(key);
    StreamStore index = collections.apply(named.getKey());
    requireOwnNamespace(index, named.getValue());
    index.deleteSource(named.getValue());
  }

  /** Commits the changes so far, in every open collection, with the stream offsets they cover. */
  void commit(Map<StreamPartition, Long> applied) {
    for (StreamStore i : open.get()) i.commit(applied);
  }

  /** Where the index says each document partition was applied up to (empty: from the start). */
  Map<StreamPartition, Long> appliedOffsets() {
    return index.appliedOffsets();
  }

  private static void requireOwnNamespace(StreamStore index, String id) {
    FileRecord existing = index.fileRecord(id);
    if (existing != null && !existing.fromStream()) {
      throw new PoisonMessageException(
          "id '"
              + id
              + "' names a document ingested from files (fathom ingest); documents sent over"
              + " Kafka or HTTP cannot replace or delete it: choose another id");
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
