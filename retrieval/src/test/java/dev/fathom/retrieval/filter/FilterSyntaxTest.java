package dev.fathom.retrieval.filter;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilterSyntaxTest {

  @Test
  void equalsAnyOfRangesAndPathPrefixes() {
    assertEquals(
        new MetadataFilter.AnyOf("author", List.of("Ann")), FilterSyntax.parse("Author=Ann", null));
    assertEquals(
        new MetadataFilter.AnyOf("tag", List.of("rag", "search")),
        FilterSyntax.parse("tag=rag, search", null));
    assertEquals(
        new MetadataFilter.Range("year", "2020", true, null, false),
        FilterSyntax.parse("year>=2020", null));
    assertEquals(
        new MetadataFilter.Range("year", null, false, "2024", false),
        FilterSyntax.parse("year < 2024", null));
    MetadataFilter.Range dates =
        (MetadataFilter.Range) FilterSyntax.parse("published=2024-01-01..2024-06-30", null);
    assertEquals(MetadataFilter.Range.Kind.DATE, dates.kind());
    assertTrue(dates.lowerInclusive() && dates.upperInclusive());
    assertEquals(
        new MetadataFilter.PathPrefix(List.of("docs/", "/home/u/docs/")),
        FilterSyntax.parse("path:docs/", p -> "/home/u/" + p));
  }

  @Test
  void badFiltersAreRefusedNamingTheExpressionAndTheForms() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FilterSyntax.parse("author", null));
    assertTrue(
        e.getMessage().contains("'author'") && e.getMessage().contains("key>=n"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FilterSyntax.parse("year>=soon", null));
    assertTrue(e.getMessage().contains("neither a number"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FilterSyntax.parse("Bad Key=1", null));
    assertTrue(e.getMessage().contains("expected one of"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> FilterSyntax.parse("y=2020..2024-01-01", null));
    assertTrue(e.getMessage().contains("mixes a number and a date"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FilterSyntax.parse("tag=a,,b", null));
    assertTrue(e.getMessage().contains("empty value"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FilterSyntax.parse("path:", null));
  }
}
