package dev.fathom.retrieval.access;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessListsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void parsesUsersGroupsAndPublic() {
    AccessList acl = AccessLists.parse("user:alice, group:eng\n# comment\ngroup:ops");
    assertEquals(Set.of("alice"), acl.users());
    assertEquals(Set.of("eng", "ops"), acl.groups());
    assertEquals(Set.of("u:alice", "g:eng", "g:ops"), acl.tokens());
    assertEquals(acl, AccessLists.parse(acl.toString()));
    assertTrue(AccessLists.parse("public").isPublic());
    assertEquals(Set.of(AccessList.PUBLIC_TOKEN), AccessList.PUBLIC.tokens());
  }

  @Test
  void rejectsEmptyUnknownAndMixedLists() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> AccessLists.parse(" # nobody\n"))
            .getMessage()
            .contains("names no one"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> AccessLists.parse("role:admin"))
            .getMessage()
            .contains("'role:admin'"));
    assertThrows(IllegalArgumentException.class, () -> AccessLists.parse("public, user:bob"));
    assertThrows(IllegalArgumentException.class, () -> AccessLists.parse("user:"));
    assertThrows(IllegalArgumentException.class, () -> Principal.user("a b", Set.of()));
  }

  @Test
  void readsTheJsonAclField() throws Exception {
    assertTrue(AccessLists.fromJson(JSON.readTree("{}").get("acl")).isPublic());
    assertTrue(AccessLists.fromJson(JSON.readTree("{\"acl\":null}").get("acl")).isPublic());
    AccessList acl =
        AccessLists.fromJson(JSON.readTree("{\"acl\":[\"user:bob\",\"group:hr\"]}").get("acl"));
    assertEquals(AccessLists.parse("user:bob,group:hr"), acl);
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessLists.fromJson(JSON.readTree("{\"acl\":\"user:bob\"}").get("acl")));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessLists.fromJson(JSON.readTree("{\"acl\":[1]}").get("acl")));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessLists.fromJson(JSON.readTree("{\"acl\":[]}").get("acl")));
  }

  @Test
  void readsASidecarAndRefusesASymlinkedOne(@TempDir Path dir) throws Exception {
    Path doc = Files.writeString(dir.resolve("salaries.md"), "# Salaries");
    assertNull(AccessLists.sidecar(doc));
    Files.writeString(dir.resolve("salaries.md.acl"), "group:hr\nuser:ceo\n");
    assertEquals(AccessLists.parse("group:hr,user:ceo"), AccessLists.sidecar(doc));
    Path other = Files.writeString(dir.resolve("other.md"), "x");
    Files.createSymbolicLink(dir.resolve("other.md.acl"), dir.resolve("salaries.md.acl"));
    assertThrows(IllegalArgumentException.class, () -> AccessLists.sidecar(other));
  }

  @Test
  void permitsFollowsUsersGroupsAndPublic() {
    AccessList hr = AccessLists.parse("group:hr,user:ceo");
    assertTrue(hr.permits(Principal.user("ceo", Set.of())));
    assertTrue(hr.permits(Principal.user("ann", Set.of("hr"))));
    assertFalse(hr.permits(Principal.user("bob", Set.of("eng"))));
    assertFalse(hr.permits(Principal.anonymous()));
    assertTrue(hr.permits(Principal.owner()));
    assertTrue(AccessList.PUBLIC.permits(Principal.anonymous()));
    assertThrows(IllegalStateException.class, () -> Principal.owner().accessTokens());
  }
}
