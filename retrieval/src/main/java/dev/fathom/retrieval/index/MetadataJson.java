package dev.fathom.retrieval.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.retrieval.meta.DocumentMetadata;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A document's metadata as the JSON stored on its file record (for listing, not searching), in the
 * embedded index and on SolrCloud.
 */
public final class MetadataJson {
  private MetadataJson() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static String write(DocumentMetadata m) {
    try {
      return MAPPER.writeValueAsString(m.fields());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write metadata: " + e.getMessage(), e);
    }
  }

  public static DocumentMetadata read(String json) {
    try {
      return new DocumentMetadata(
          MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, List<String>>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored metadata is not valid JSON: " + e.getMessage(), e);
    }
  }
}
