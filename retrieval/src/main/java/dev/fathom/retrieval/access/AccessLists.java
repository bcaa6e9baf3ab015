package dev.fathom.retrieval.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where documents get their access lists, all in one text form: entries {@code user:<name>} and
 * {@code group:<name>}, or the single word {@code public}.
 *
 * <ul>
 *   <li>Ingest option: {@code fathom ingest --acl "user:alice,group:eng" PATH} → {@link
 *       #parse(String)}; the default for files without a sidecar.
 *   <li>Sidecar file {@code <file>.acl} next to a document: one entry per line (or
 *       comma-separated), {@code #} starts a comment → {@link #sidecar(Path)}; it overrides the
 *       ingest option.
 *   <li>Document JSON (HTTP {@code POST /v1/documents}, topic {@code fathom.documents}): field
 *       {@code "acl"}, an array of entries ({@code ["user:alice","group:eng"]}) or absent/null for
 *       public → {@link #fromJson(JsonNode)}. The server calls this from its document intake.
 * </ul>
 *
 * An empty specification is rejected rather than read as "public" or "nobody": a sidecar or option
 * that names no one is almost certainly a mistake, and guessing either way is unsafe.
 */
public final class AccessLists {

  /** Largest number of entries in one access list. */
  public static final int MAX_ENTRIES = 1000;

  /** Suffix of a sidecar access-list file. */
  public static final String SIDECAR_SUFFIX = ".acl";

  /** Largest sidecar file read. */
  static final long MAX_SIDECAR_BYTES = 256 * 1024;

  private AccessLists() {}

  /**
   * Parses {@code public} or comma/newline-separated {@code user:x} / {@code group:y} entries.
   *
   * @throws IllegalArgumentException naming the bad entry and the accepted forms
   */
  public static AccessList parse(String spec) {
    if (spec == null) throw new IllegalArgumentException("access list is missing (null)");
    List<String> entries = new ArrayList<>();
    for (String line : spec.split("\\R")) {
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      for (String e : line.split(",")) if (!e.isBlank()) entries.add(e.strip());
    }
    return fromEntries(entries);
  }

  /**
   * The access list of a document JSON's {@code "acl"} field: absent or null is public; otherwise
   * an array of entry strings.
   *
   * @throws IllegalArgumentException when the field is not an array of strings or an entry is bad
   */
  public static AccessList fromJson(JsonNode acl) {
    if (acl == null || acl.isNull() || acl.isMissingNode()) return AccessList.PUBLIC;
    if (!acl.isArray()) {
      throw new IllegalArgumentException(
          "\"acl\" must be an array like [\"user:alice\",\"group:eng\"] or [\"public\"], got "
              + acl.getNodeType());
    }
    List<String> entries = new ArrayList<>();
    for (JsonNode e : acl) {
      if (!e.isTextual()) {
        throw new IllegalArgumentException(
            "\"acl\" entries must be strings like \"user:alice\", got " + e.getNodeType());
      }
      entries.add(e.asText().strip());
    }
    return fromEntries(entries);
  }

  /** The sidecar of a document: {@code <file>.acl}. */
  public static Path sidecarOf(Path file) {
    return file.resolveSibling(file.getFileName() + SIDECAR_SUFFIX);
  }

  /**
   * Reads the sidecar {@code <file>.acl} when it exists.
   *
   * @return null when there is no sidecar (the caller applies its default)
   * @throws IllegalArgumentException when the sidecar is not a regular file, too large or invalid
   */
  public static AccessList sidecar(Path file) throws IOException {
    Path acl = sidecarOf(file);
    if (!Files.exists(acl, LinkOption.NOFOLLOW_LINKS)) return null;
    if (!Files.isRegularFile(acl, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(acl + ": an access-list sidecar must be a regular file");
    }
    long size = Files.size(acl);
    if (size > MAX_SIDECAR_BYTES) {
      throw new IllegalArgumentException(
          acl + ": " + size + " bytes, more than the limit of " + MAX_SIDECAR_BYTES);
    }
    try {
      return parse(Files.readString(acl, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(acl + ": " + e.getMessage(), e);
    }
  }

  private static AccessList fromEntries(List<String> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(
          "access list names no one: give entries like user:alice, group:eng, or the word public");
    }
    if (entries.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "access list has " + entries.size() + " entries, more than the limit of " + MAX_ENTRIES);
    }
    if (entries.size() == 1 && entries.getFirst().equalsIgnoreCase("public")) {
      return AccessList.PUBLIC;
    }
    Set<String> users = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    for (String e : entries) {
      if (e.startsWith("user:")) users.add(e.substring(5));
      else if (e.startsWith("group:")) groups.add(e.substring(6));
      else if (e.equalsIgnoreCase("public")) {
        throw new IllegalArgumentException(
            "'public' cannot be combined with other entries: a list is either public or restricted");
      } else {
        throw new IllegalArgumentException(
            "access-list entry '" + e + "' is neither user:<name>, group:<name> nor public");
      }
    }
    return new AccessList(users, groups);
  }
}
