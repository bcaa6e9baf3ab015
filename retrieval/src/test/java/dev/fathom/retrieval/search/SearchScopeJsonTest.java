package dev.fathom.retrieval.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.filter.FilterSyntax;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A scope survives Jackson, as it must inside a session turn sent to another node. */
class SearchScopeJsonTest {

  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void everyKindOfConditionRoundTrips() throws Exception {
    SearchScope scope =
        new SearchScope(
            new CollectionName("contracts"),
            FilterSyntax.parseAll(
                List.of("author=Ann", "tag=rag,search", "year>=2020", "year<2024", "path:docs/"),
                null));
    String json = mapper.writeValueAsString(scope);
    assertEquals(scope, mapper.readValue(json, SearchScope.class), json);
  }

  @Test
  void theDefaultScopeRoundTrips() throws Exception {
    String json = mapper.writeValueAsString(SearchScope.DEFAULT);
    assertEquals(SearchScope.DEFAULT, mapper.readValue(json, SearchScope.class), json);
  }
}
