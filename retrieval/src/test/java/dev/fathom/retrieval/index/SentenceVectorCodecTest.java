package dev.fathom.retrieval.index;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.TextSpan;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** int8 quantisation of stored sentence vectors: round trip, error bound, malformed bytes. */
class SentenceVectorCodecTest {

  private static float[] randomUnit(Random r, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) v[i] /= (float) Math.sqrt(n);
    return v;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  @Test
  void roundTripKeepsSpansHeaderAndCosinesWithinQuantisationError() {
    Random r = new Random(7);
    List<float[]> vs = List.of(randomUnit(r, 384), randomUnit(r, 384), new float[384]);
    List<TextSpan> spans = List.of(new TextSpan(0, 10), new TextSpan(11, 40), new TextSpan(41, 50));
    String text = "x".repeat(50);
    byte[] bytes = SentenceVectorCodec.encode("m/384", 3, text, new SentenceVectors(spans, vs));
    assertEquals(4 + 2 + 2 + 4 + 2 + 5 + 4 + 3 * (12 + 384), bytes.length);
    SentenceVectorCodec.Stored s = SentenceVectorCodec.decode(bytes, 0, bytes.length);
    assertEquals("m/384", s.model());
    assertEquals(3, s.cutVersion());
    assertEquals(384, s.dimension());
    assertEquals(SentenceVectorCodec.crc(text), s.textCrc());
    assertEquals(spans, s.vectors().spans());
    float[] q = randomUnit(r, 384);
    for (int i = 0; i < 2; i++) {
      // Each component is off by at most half a step (max|x| / 254): cosines move by ~1e-3.
      assertEquals(dot(q, vs.get(i)), dot(q, s.vectors().vectors().get(i)), 3e-3);
      assertEquals(1.0, dot(vs.get(i), s.vectors().vectors().get(i)), 2e-3);
    }
    assertArrayEquals(new float[384], s.vectors().vectors().get(2), "a zero vector stays zero");
  }

  @Test
  void refusesBytesThatAreNotStoredVectors() {
    byte[] good =
        SentenceVectorCodec.encode(
            "m/4",
            1,
            "abc",
            new SentenceVectors(List.of(new TextSpan(0, 3)), List.of(new float[] {1, 0, 0, 0})));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SentenceVectorCodec.decode(good, 0, good.length - 3));
    assertTrue(
        e.getMessage().contains("truncated") || e.getMessage().contains("fit"), e.getMessage());
    byte[] other = good.clone();
    other[3] = 9;
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SentenceVectorCodec.decode(other, 0, other.length));
    assertTrue(e.getMessage().contains("codec version 9"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> SentenceVectorCodec.decode(new byte[] {1, 2}, 0, 2));
  }

  @Test
  void refusesVectorsOfMixedLength() {
    var v =
        new SentenceVectors(
            List.of(new TextSpan(0, 1), new TextSpan(2, 3)), List.of(new float[4], new float[3]));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> SentenceVectorCodec.encode("m", 1, "a b", v));
    assertTrue(e.getMessage().contains("3 dimensions"), e.getMessage());
  }
}
