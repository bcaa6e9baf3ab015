package dev.fathom.retrieval.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether, and from where, a server reads documents given by path ({@code {"id","path"}} on {@code
 * fathom.documents} or {@code POST /v1/documents}). A path in a message is chosen by whoever can
 * produce to the topic, so without a policy it reads any file the server can read. The server calls
 * {@link #read(String)} in its document intake instead of {@link DocumentParsers#parse(Path)}.
 *
 * <p>The checks, in order, before a byte of the file is read:
 *
 * <ol>
 *   <li>Off by default ({@link #disabled()}): every path is refused.
 *   <li>The path must be absolute; it is resolved to its real path (symlinks followed, {@code ..}
 *       removed) and that real path must lie under one of the allowed roots, themselves taken as
 *       real paths. A symlink inside a root pointing outside it is refused.
 *   <li>A missing file, an unreadable one and one outside the roots get the <em>same</em> message,
 *       so dead letters do not tell a client whether a file exists.
 *   <li>The real path's attributes are read without following links: only regular files pass, so
 *       FIFOs, devices and directories are refused without being opened (opening a FIFO blocks).
 *   <li>The size must be at most the cap; the file is then opened with {@code NOFOLLOW_LINKS} and
 *       at most cap + 1 bytes are read, so a file that grew (or was swapped) after the check is
 *       refused rather than loaded whole.
 * </ol>
 *
 * Residual race: a regular file swapped for a FIFO between the attribute check and the open would
 * block the open; only someone who can write inside an allowed root can do that.
 *
 * @param enabled false refuses every path
 * @param roots directories (real paths) under which documents may be read
 * @param maxBytes the largest file read, in bytes
 */
public record PathDocumentPolicy(boolean enabled, List<Path> roots, long maxBytes) {

  /** Default size cap: 32 MiB, well above any text or PDF a question needs, far below the heap. */
  public static final long DEFAULT_MAX_BYTES = 32L << 20;

  /** Largest cap accepted (a byte array holds at most ~2 GiB). */
  public static final long LIMIT_MAX_BYTES = 1L << 30;

  private static final String NOT_AVAILABLE =
      "not found or not allowed (path documents are read only from the configured roots)";

  public PathDocumentPolicy {
    Objects.requireNonNull(roots, "roots");
    if (maxBytes < 1 || maxBytes > LIMIT_MAX_BYTES) {
      throw new IllegalArgumentException(
          "maxBytes must be in [1, " + LIMIT_MAX_BYTES + "], got " + maxBytes);
    }
    if (enabled && roots.isEmpty()) {
      throw new IllegalArgumentException("path documents are enabled but no allowed root is set");
    }
    roots = List.copyOf(roots);
  }

  /** The default: path documents are refused. */
  public static PathDocumentPolicy disabled() {
    return new PathDocumentPolicy(false, List.of(), DEFAULT_MAX_BYTES);
  }

  /**
   * Path documents allowed under {@code roots}, each of which must be an existing directory.
   *
   * @throws IllegalArgumentException naming a root that is missing or not a directory
   */
  public static PathDocumentPolicy allowUnder(List<Path> roots, long maxBytes) {
    List<Path> real = new ArrayList<>();
    for (Path r : roots) {
      try {
        Path rp = r.toAbsolutePath().toRealPath();
        if (!Files.isDirectory(rp)) {
          throw new IllegalArgumentException("allowed root " + r + " is not a directory");
        }
        real.add(rp);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "allowed root " + r + " does not exist or cannot be read");
      }
    }
    return new PathDocumentPolicy(true, real, maxBytes);
  }

  /**
   * Checks {@code requested} against this policy and reads and parses it.
   *
   * @throws UnreadableDocumentException when refused or unreadable, naming the path as given
   */
  public ParsedDocument read(String requested) {
    Path file = check(requested);
    return DocumentParsers.parse(file.getFileName().toString(), readCapped(requested, file));
  }

  /**
   * Runs every check of {@link #read} except reading, and returns the real path allowed.
   *
   * @throws UnreadableDocumentException when refused
   */
  public Path check(String requested) {
    String shown = requested == null ? "(null)" : requested;
    if (!enabled) {
      throw new UnreadableDocumentException(
          shown, "path documents are disabled on this server (send the text instead)");
    }
    Path given;
    try {
      given = Path.of(Objects.requireNonNull(requested, "path"));
    } catch (InvalidPathException | NullPointerException e) {
      throw new UnreadableDocumentException(shown, "not a valid path");
    }
    if (!given.isAbsolute()) {
      throw new UnreadableDocumentException(shown, "the path must be absolute");
    }
    Path real;
    try {
      real = given.toRealPath();
    } catch (IOException | SecurityException e) {
      throw new UnreadableDocumentException(shown, NOT_AVAILABLE);
    }
    if (!underARoot(real)) throw new UnreadableDocumentException(shown, NOT_AVAILABLE);
    // Inside an allowed root, saying what is wrong reveals nothing the client may not know.
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UnreadableDocumentException(shown, NOT_AVAILABLE);
    }
    if (!attrs.isRegularFile()) {
      throw new UnreadableDocumentException(
          shown, "not a regular file (directories, FIFOs and devices are refused)");
    }
    if (attrs.size() > maxBytes) {
      throw new UnreadableDocumentException(
          shown, attrs.size() + " bytes, more than the limit of " + maxBytes);
    }
    return real;
  }

  private boolean underARoot(Path real) {
    for (Path root : roots) if (real.startsWith(root)) return true;
    return false;
  }

  private byte[] readCapped(String shown, Path real) {
    try (SeekableByteChannel ch =
            Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        InputStream in = Channels.newInputStream(ch)) {
      byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > maxBytes) {
        throw new UnreadableDocumentException(
            shown, "grew past the limit of " + maxBytes + " bytes while being read");
      }
      return bytes;
    } catch (IOException e) {
      throw new UnreadableDocumentException(shown, NOT_AVAILABLE);
    }
  }
}
