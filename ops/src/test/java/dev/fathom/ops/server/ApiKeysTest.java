package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fathom.retrieval.access.Principal;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void keysFromTheConfigurationNameTheirPrincipalsAndTheSingleKeyIsUserApi() {
    ApiKeys keys =
        ApiKeys.fromConfig(
            ConfigFactory.parseString(
                "fathom.http.api-keys = [{key = \"alice-key-1\", principal = alice, groups ="
                    + " [eng, ops]}, {key = \"bob-key-22\", principal = bob}]"),
            "legacy");
    assertEquals(3, keys.size());
    assertEquals(
        Optional.of(Principal.user("alice", Set.of("eng", "ops"))),
        keys.principalOf("alice-key-1"));
    assertEquals(Optional.of(Principal.user("bob", Set.of())), keys.principalOf("bob-key-22"));
    assertEquals(
        Optional.of(Principal.user(ApiKeys.SINGLE_KEY_PRINCIPAL, Set.of())),
        keys.principalOf("legacy"));
    assertEquals(Optional.empty(), keys.principalOf("alice-key-"));
    assertEquals(Optional.empty(), keys.principalOf(null));
  }

  @Test
  void shortDuplicateAndIncompleteEntriesAreRefusedNamingTheEntry() {
    var shortKey =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ApiKeys.fromConfig(
                    ConfigFactory.parseString(
                        "fathom.http.api-keys = [{key = abc, principal = alice}]"),
                    ""));
    assertTrue(shortKey.getMessage().contains("api-keys[0]"), shortKey.getMessage());
    var dup =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ApiKeys.fromConfig(
                    ConfigFactory.parseString(
                        "fathom.http.api-keys = [{key = same-key-1, principal = a},"
                            + " {key = same-key-1, principal = b}]"),
                    ""));
    assertTrue(dup.getMessage().contains("one principal"), dup.getMessage());
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ApiKeys.fromConfig(
                    ConfigFactory.parseString("fathom.http.api-keys = [{key = long-enough-1}]"),
                    ""));
    assertTrue(missing.getMessage().contains("\"principal\""), missing.getMessage());
  }

  @Test
  void listedKeysAllowListeningBeyondLoopback() {
    ApiKeys one =
        ApiKeys.of(
            "", java.util.List.of(new ApiKeys.Entry("k-12345678", Principal.user("a", Set.of()))));
    assertTrue(new HttpSettings("0.0.0.0", 8080, "", one).keyRequired());
    assertThrows(
        IllegalArgumentException.class, () -> new HttpSettings("0.0.0.0", 8080, "", ApiKeys.NONE));
  }
}
