package dev.fathom.ops.server;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.parse.DocumentParsers;
import dev.fathom.retrieval.parse.ParsedDocument;
import dev.fathom.retrieval.parse.UnreadableDocumentException;
import dev.fathom.retrieval.text.Chunker;
import dev.fathom.retrieval.text.TextSpan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Puts documents that arrive as JSON (not files) into the index the way {@code fathom ingest} does:
 * cut into passages on sentence boundaries, each embedded as title + text, all replacing what the
 * index held for the same id. The document id is the passage source, so citations name it.
 */
final class DocumentIndexer {

  private final PassageIndex index;
  private final Embedder embedder;
  private final Chunker chunker;
  private final String root;

  /**
   * @param root what the index records as the document's origin (the topic name)
   */
  DocumentIndexer(PassageIndex index, Embedder embedder, Chunker chunker, String root) {
    this.index = index;
    this.embedder = embedder;
    this.chunker = chunker;
    this.root = root;
  }

  /**
   * Indexes or deletes one document; visible to searches after {@link PassageIndex#commit()}.
   *
   * @throws UnreadableDocumentException when a document given by path cannot be read or parsed
   */
  void apply(Inbound.DocumentMessage d) {
    if (d.deleted()) {
      index.deleteSource(d.id());
      return;
    }
    if (d.path() != null) {
      // A file, parsed by extension exactly as `fathom ingest` parses it.
      ParsedDocument parsed = DocumentParsers.parse(Path.of(d.path()));
      d =
          new Inbound.DocumentMessage(
              d.id(), d.title() != null ? d.title() : parsed.title(), parsed.text(), null, false);
    }
    List<TextSpan> spans = chunker.chunk(d.text());
    List<Passage> passages = new ArrayList<>(spans.size());
    List<String> texts = new ArrayList<>(spans.size());
    for (int i = 0; i < spans.size(); i++) {
      TextSpan s = spans.get(i);
      Passage p =
          new Passage(d.id() + "#" + i, d.id(), d.title(), s.of(d.text()), s.start(), s.end());
      passages.add(p);
      texts.add(p.title() + "\n" + p.text());
    }
    List<float[]> vectors = texts.isEmpty() ? List.of() : embedder.embedAll(texts);
    index.replaceSource(
        new FileRecord(d.id(), root, sha256(d.text()), passages.size()), passages, vectors);
  }

  void delete(String id) {
    index.deleteSource(id);
  }

  void commit() {
    index.commit();
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
