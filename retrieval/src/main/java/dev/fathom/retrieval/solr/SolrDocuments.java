package dev.fathom.retrieval.solr;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.MetadataJson;
import dev.fathom.retrieval.index.ScoredPassage;
import dev.fathom.retrieval.index.StreamPartition;
import dev.fathom.retrieval.meta.DocumentMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.solr.client.solrj.util.ClientUtils;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrInputDocument;

/** Turns passages and source records into Solr documents and back (fields of schema.xml). */
final class SolrDocuments {
  static final String KIND_PASSAGE = "passage";
  static final String KIND_FILE = "file";
  static final String KIND_OFFSETS = "offsets";

  /**
   * Source records share the collection with passages; passage ids end in {@code #<digits>}, so
   * this suffix keeps the two apart.
   */
  private static final String FILE_ID_SUFFIX = "#file";

  private SolrDocuments() {}

  /** A passage carrying its source's access list, path forms and metadata (for filters). */
  static SolrInputDocument passage(Passage p, float[] vector, FileRecord r) {
    SolrInputDocument d = new SolrInputDocument();
    d.setField("id", p.id());
    d.setField("kind", KIND_PASSAGE);
    d.setField("source", p.source());
    d.setField("title", p.title());
    d.setField("text", p.text());
    d.setField("start", p.start());
    d.setField("end", p.end());
    d.setField("contents", p.title() + "\n" + p.text());
    List<Float> v = new ArrayList<>(vector.length);
    for (float x : vector) v.add(x);
    d.setField("vector", v);
    d.setField("acl", new ArrayList<>(r.acl().tokens()));
    d.setField("path", r.pathForms());
    SolrFilters.addMetadata(d, r.metadata());
    return d;
  }

  static SolrInputDocument file(FileRecord r) {
    SolrInputDocument d = new SolrInputDocument();
    d.setField("id", fileId(r.source()));
    d.setField("kind", KIND_FILE);
    d.setField("source", r.source());
    d.setField("root", r.root());
    d.setField("sha256", r.sha256());
    d.setField("passages", r.passages());
    d.setField("acl", new ArrayList<>(r.acl().tokens()));
    // Title and metadata as the embedded index keeps them: a record without them reads as written
    // by an older version, which ingest re-indexes.
    if (r.title() != null) d.setField("title", r.title());
    d.setField("meta_json", MetadataJson.write(r.metadata()));
    SolrFilters.addMetadata(d, r.metadata()); // `documents list --filter` filters file records
    return d;
  }

  /** The id of a source's record (passage ids end in {@code #<digits>}, never in this suffix). */
  static String fileId(String source) {
    return source + FILE_ID_SUFFIX;
  }

  /**
   * How far {@code fathom serve} applied one documents-topic partition: {@code offset} is the next
   * offset to read. Every id derived from a document ends in {@code #file} or {@code #<digits>},
   * this one in {@code :<digits>}, so they never clash.
   */
  static SolrInputDocument offsets(StreamPartition tp, long offset) {
    SolrInputDocument d = new SolrInputDocument();
    d.setField("id", "offsets:" + tp.topic() + ":" + tp.partition());
    d.setField("kind", KIND_OFFSETS);
    d.setField("source", tp.topic());
    d.setField("passages", tp.partition());
    d.setField("offset", offset);
    return d;
  }

  /** Matches the passages and records of all {@code sources}, each escaped as one exact term. */
  static String sourcesQuery(Collection<String> sources) {
    StringBuilder q = new StringBuilder("source:(");
    int i = 0;
    for (String s : sources) {
      q.append(i++ == 0 ? "" : " OR ").append(ClientUtils.escapeQueryChars(s));
    }
    return q.append(')').toString();
  }

  static FileRecord fileRecord(SolrDocument d) {
    return new FileRecord(
        (String) d.getFieldValue("source"),
        (String) d.getFieldValue("root"),
        (String) d.getFieldValue("sha256"),
        ((Number) d.getFieldValue("passages")).intValue(),
        acl(d),
        (String) d.getFieldValue("title"),
        d.getFieldValue("meta_json") instanceof String json
            ? MetadataJson.read(json)
            : DocumentMetadata.EMPTY);
  }

  static AccessList acl(SolrDocument d) {
    Collection<Object> values = d.getFieldValues("acl");
    List<String> tokens = new ArrayList<>();
    if (values != null) for (Object o : values) tokens.add((String) o);
    return AccessList.fromTokens(tokens);
  }

  static List<ScoredPassage> passages(SolrDocumentList docs) {
    List<ScoredPassage> out = new ArrayList<>(docs.size());
    for (SolrDocument d : docs) {
      Passage p =
          new Passage(
              (String) d.getFieldValue("id"),
              (String) d.getFieldValue("source"),
              (String) d.getFieldValue("title"),
              (String) d.getFieldValue("text"),
              ((Number) d.getFieldValue("start")).intValue(),
              ((Number) d.getFieldValue("end")).intValue());
      out.add(new ScoredPassage(p, ((Number) d.getFieldValue("score")).floatValue()));
    }
    return List.copyOf(out);
  }
}
