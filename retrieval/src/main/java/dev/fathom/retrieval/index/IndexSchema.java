package dev.fathom.retrieval.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/** Field names and format markers of Fathom's Lucene index, kept in one place. */
final class IndexSchema {
  private IndexSchema() {}

  /** Bumped whenever fields or analysis change; an index with another value must be rebuilt. */
  static final String FORMAT = "2"; // 2: access tokens on every passage and file record

  static final String USER_DATA_FORMAT = "fathom.index.format";
  static final String USER_DATA_EMBEDDING = "fathom.embedding";

  /**
   * Prefix of the commit user-data keys that record applied stream offsets: {@code
   * fathom.offset:<topic>:<partition>} → next offset (Kafka topic names cannot contain ':').
   */
  static final String USER_DATA_OFFSET_PREFIX = "fathom.offset:";

  /** "passage" or "file": one index holds both, so they commit together. */
  static final String KIND = "kind";

  static final String KIND_PASSAGE = "passage";
  static final String KIND_FILE = "file";

  static final String ID = "id";
  static final String SOURCE = "source";
  static final String TITLE = "title";
  static final String TEXT = "text";
  static final String START = "start";
  static final String END = "end";

  /** Title and text together, English-analysed, for BM25. Not stored. */
  static final String CONTENTS = "contents";

  /**
   * Access tokens of the document a passage (or file record) belongs to, one exact-match term each
   * ({@code *}, {@code u:<user>}, {@code g:<group>}); see {@code AccessList#tokens()}.
   */
  static final String ACL = "acl";

  static final String VECTOR = "vector";

  /**
   * The passage's sentence vectors made at ingest ({@link SentenceVectorCodec}), a binary doc
   * value: read only for the few passages a question compresses, never with the stored fields every
   * search loads. Passages written before it (or by a store that does not keep it) lack it, and
   * their sentences are embedded per question; the index format is unchanged.
   */
  static final String SENTENCE_VECTORS = "sentence_vectors";

  /**
   * Ways a path filter may name the source (the source, and its path below the ingested folder); on
   * passages. Written since the metadata fields; older passages match path filters through {@link
   * #SOURCE} only.
   */
  static final String PATH = "path";

  /** Prefix of a metadata key's lower-cased values, exact-match terms (equality, any-of). */
  static final String META_PREFIX = "meta.";

  /** Prefix of a metadata key's numeric values (points, for ranges). */
  static final String NUMBER_PREFIX = "num.";

  /** Prefix of a metadata key's date values, epoch milliseconds UTC (points, for ranges). */
  static final String DATE_PREFIX = "date.";

  /** The file record's metadata as JSON, stored for listing ({@code fathom documents show}). */
  static final String META_JSON = "meta_json";

  static final String ROOT = "root";
  static final String SHA256 = "sha256";
  static final String PASSAGES = "passages";

  static Analyzer analyzer() {
    return new EnglishAnalyzer();
  }
}
