package dev.fathom.retrieval.solr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The Solr configset Fathom ships (resources under {@code dev/fathom/retrieval/solr/configset}): a
 * fixed schema mirroring the embedded index, zipped for the Configsets API with the embedding
 * dimension filled in, so one configset exists per embedding model (its name carries the
 * dimension).
 */
final class SolrConfigset {
  private static final List<String> FILES =
      List.of("solrconfig.xml", "schema.xml", "stopwords_en.txt");

  private SolrConfigset() {}

  /** Name of the configset for vectors of {@code dimension}. */
  static String name(int dimension) {
    return "fathom-v3-d" + dimension;
  }

  /** The configset as a zip, with {@code @DIM@} in the schema replaced by {@code dimension}. */
  static byte[] zip(int dimension) {
    if (dimension < 1 || dimension > 4096) {
      throw new IllegalArgumentException(
          "embedding dimension must be in [1, 4096] (Solr's HNSW limit), got " + dimension);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String f : FILES) {
        String text = resource(f).replace("@DIM@", Integer.toString(dimension));
        zip.putNextEntry(new ZipEntry(f));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static String resource(String file) {
    try (InputStream in = SolrConfigset.class.getResourceAsStream("configset/" + file)) {
      if (in == null)
        throw new IllegalStateException("configset file missing from the jar: " + file);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
