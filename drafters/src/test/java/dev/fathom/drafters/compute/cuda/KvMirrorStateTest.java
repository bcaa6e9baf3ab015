package dev.fathom.drafters.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.memory.KvCache;
import org.junit.jupiter.api.Test;

/** What the device mirror uploads from the heap cache before a store. */
class KvMirrorStateTest {
  @Test
  void appendOnlyDecodingUploadsNothing() {
    KvMirrorState s = new KvMirrorState(0);
    assertEquals(0, s.beginStore(0, 0)); // prefill from empty
    s.stored(13);
    for (int pos = 13; pos < 20; pos++) {
      assertEquals(pos, s.beginStore(0, pos));
      s.stored(pos + 1);
    }
    assertEquals(20, s.synced());
  }

  @Test
  void aForkedOrAdoptedPrefixIsUploadedOnce() {
    KvMirrorState s = new KvMirrorState(0); // a fresh mirror of a cache holding 64 positions
    assertEquals(0, s.beginStore(0, 64));
    assertEquals(64, s.beginStore(0, 64)); // the next layer of the same pass: nothing more
    s.stored(65);
    assertEquals(65, s.beginStore(0, 65));
  }

  @Test
  void truncationKeepsThePrefixAndARewriteInvalidatesEverything() {
    KvMirrorState s = new KvMirrorState(0);
    s.beginStore(0, 0);
    s.stored(30);
    assertEquals(20, s.beginStore(0, 20)); // rejected draft tokens 20..29 dropped: no upload
    s.stored(25);
    assertEquals(0, s.beginStore(1, 10)); // compacted to 10 positions: all of them again
    s.stored(11);
    assertEquals(11, s.synced());
  }

  @Test
  void theCacheCountsRewritesButNotAppendsOrTruncation() {
    KvCache c = new KvCache(1, 2, 128, 4);
    c.prepareAppend(10);
    c.commit(10);
    c.truncate(6);
    assertEquals(0, c.rewrites());
    c.compact(new int[] {0, 2, 4}, null);
    assertEquals(1, c.rewrites());
    KvCache empty = new KvCache(1, 2, 128, 4);
    KvCache full = new KvCache(1, 2, 128, 4);
    full.prepareAppend(4);
    full.commit(4);
    empty.adopt(java.util.List.of(full.page(0)));
    assertEquals(1, empty.rewrites());
  }

  @Test
  void storingBelowWhatIsValidIsABug() {
    KvMirrorState s = new KvMirrorState(0);
    s.beginStore(0, 0);
    s.stored(8);
    s.beginStore(0, 8);
    assertThrows(IllegalArgumentException.class, () -> s.stored(4));
  }
}
