package dev.fathom.ops.json;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.answer.Citation;
import java.util.List;
import org.junit.jupiter.api.Test;

class CitationGroupsTest {

  @Test
  void passagesOfOneDocumentShareItsNumberAndRepeatedMarkersCollapse() {
    List<Citation> cs =
        List.of(
            new Citation(1, "/d/lease.md", "Lease", 0, 100, "a"),
            new Citation(2, "/d/car.html", "Car", 0, 40, "b"),
            new Citation(3, "/d/lease.md", "Lease", 300, 420, "c"));
    CitationGroups.Grouped g =
        CitationGroups.group(
            "The lease ends in May. [1] The car in March. [2] Notice is due. [3] [1]", cs);
    assertEquals("The lease ends in May. [1] The car in March. [2] Notice is due. [1]", g.text());
    assertEquals(2, g.sources().size());
    CitationGroups.Source lease = g.sources().getFirst();
    assertEquals(1, lease.n());
    assertEquals(2, lease.passages().size());
    assertEquals("0-100, 300-420", CitationGroups.ranges(lease));
    assertEquals(2, g.sources().get(1).n());
  }

  @Test
  void markersNamingNoCitationAreLeftAlone() {
    CitationGroups.Grouped g =
        CitationGroups.group("See [7].", List.of(new Citation(1, "s", "T", 0, 1, "p")));
    assertEquals("See [7].", g.text());
  }
}
