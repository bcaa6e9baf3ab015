package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.meta.MetadataValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/** Turns passages and source records into Lucene documents and back. */
final class IndexDocuments {
  private IndexDocuments() {}

  static Document passage(Passage p, float[] vector, AccessList acl) {
    return passage(p, vector, new FileRecord(p.source(), p.source(), "", 0, acl));
  }

  /** A passage carrying its source's access list, metadata and path forms. */
  static Document passage(Passage p, float[] vector, FileRecord r) {
    AccessList acl = r.acl();
    Document d = new Document();
    d.add(new StringField(KIND, KIND_PASSAGE, Field.Store.NO));
    d.add(new StringField(ID, p.id(), Field.Store.YES));
    d.add(new StringField(SOURCE, p.source(), Field.Store.YES));
    d.add(new StoredField(TITLE, p.title()));
    d.add(new StoredField(TEXT, p.text()));
    d.add(new StoredField(START, p.start()));
    d.add(new StoredField(END, p.end()));
    d.add(new TextField(CONTENTS, p.title() + "\n" + p.text(), Field.Store.NO));
    d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    addAcl(d, acl);
    for (String path : r.pathForms()) d.add(new StringField(PATH, path, Field.Store.NO));
    addMetadata(d, r.metadata());
    return d;
  }

  /**
   * Like {@link #passage(Passage, float[], FileRecord)}, with the passage's sentence vectors
   * ({@link SentenceVectorCodec} bytes; null: none).
   */
  static Document passage(Passage p, float[] vector, FileRecord r, byte[] sentenceVectors) {
    Document d = passage(p, vector, r);
    if (sentenceVectors != null) {
      d.add(new BinaryDocValuesField(SENTENCE_VECTORS, new BytesRef(sentenceVectors)));
    }
    return d;
  }

  static Document file(FileRecord r) {
    Document d = new Document();
    d.add(new StringField(KIND, KIND_FILE, Field.Store.NO));
    d.add(new StringField(SOURCE, r.source(), Field.Store.YES));
    d.add(new StringField(ROOT, r.root(), Field.Store.YES));
    d.add(new StoredField(SHA256, r.sha256()));
    d.add(new StoredField(PASSAGES, r.passages()));
    addAcl(d, r.acl());
    if (r.title() != null) d.add(new StoredField(TITLE, r.title()));
    if (!r.metadata().isEmpty()) {
      d.add(new StoredField(META_JSON, MetadataJson.write(r.metadata())));
      addMetadata(d, r.metadata());
    }
    return d;
  }

  /**
   * Each value as a lower-cased exact term ({@code meta.<key>}), and as a number ({@code
   * num.<key>}) or a date ({@code date.<key>}) point when it reads as one ({@link MetadataValues}).
   */
  private static void addMetadata(Document d, DocumentMetadata meta) {
    meta.fields()
        .forEach(
            (key, values) -> {
              for (String v : values) {
                d.add(
                    new StringField(META_PREFIX + key, v.toLowerCase(Locale.ROOT), Field.Store.NO));
                MetadataValues.number(v)
                    .ifPresent(n -> d.add(new DoublePoint(NUMBER_PREFIX + key, n)));
                MetadataValues.date(v).ifPresent(t -> d.add(new LongPoint(DATE_PREFIX + key, t)));
              }
            });
  }

  /** Every document carries at least one token ({@code *} when public), never none. */
  private static void addAcl(Document d, AccessList acl) {
    for (String t : acl.tokens()) d.add(new StringField(ACL, t, Field.Store.YES));
  }

  static FileRecord fileRecord(Document d) {
    return new FileRecord(
        d.get(SOURCE),
        d.get(ROOT),
        d.get(SHA256),
        d.getField(PASSAGES).numericValue().intValue(),
        acl(d),
        d.get(TITLE),
        d.get(META_JSON) == null ? DocumentMetadata.EMPTY : MetadataJson.read(d.get(META_JSON)));
  }

  static AccessList acl(Document d) {
    List<String> tokens = new ArrayList<>();
    for (IndexableField f : d.getFields(ACL)) tokens.add(f.stringValue());
    return AccessList.fromTokens(tokens);
  }

  static List<ScoredPassage> passages(IndexSearcher s, TopDocs top) throws IOException {
    StoredFields stored = s.storedFields();
    ScoredPassage[] out = new ScoredPassage[top.scoreDocs.length];
    for (int i = 0; i < out.length; i++) {
      Document d = stored.document(top.scoreDocs[i].doc);
      Passage p =
          new Passage(
              d.get(ID),
              d.get(SOURCE),
              d.get(TITLE),
              d.get(TEXT),
              d.getField(START).numericValue().intValue(),
              d.getField(END).numericValue().intValue());
      out[i] = new ScoredPassage(p, top.scoreDocs[i].score);
    }
    return List.of(out);
  }
}
