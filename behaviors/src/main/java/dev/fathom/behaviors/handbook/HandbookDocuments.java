package dev.fathom.behaviors.handbook;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/**
 * The handbook's Lucene document: {@code name} and {@code topic} as exact terms (update key and
 * filter), the behavior as {@link BehaviorJson} in a stored field, and the instruction's embedding
 * twice — in the HNSW field {@code vector} for kNN, and stored as little-endian floats so opening
 * the handbook does not re-embed every instruction.
 */
final class HandbookDocuments {

  static final String NAME = "name";
  static final String TOPIC = "topic";
  static final String JSON = "json";
  static final String STORED_VECTOR = "stored_vector";
  static final String VECTOR = "vector";

  private HandbookDocuments() {}

  static Document of(Behavior b, float[] vector) {
    Document d = new Document();
    d.add(new StringField(NAME, b.name(), Field.Store.YES));
    d.add(new StringField(TOPIC, b.topic(), Field.Store.NO));
    d.add(new StoredField(JSON, BehaviorJson.write(b)));
    d.add(new StoredField(STORED_VECTOR, toBytes(vector)));
    // Unit-length vectors: dot product is cosine similarity (Embedder's contract).
    d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    return d;
  }

  static Behavior behavior(Document d) {
    return BehaviorJson.read(d.get(JSON));
  }

  static float[] vector(Document d) {
    BytesRef r = d.getBinaryValue(STORED_VECTOR);
    float[] v = new float[r.length / Float.BYTES];
    ByteBuffer.wrap(r.bytes, r.offset, r.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(v);
    return v;
  }

  private static BytesRef toBytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return new BytesRef(b.array());
  }
}
