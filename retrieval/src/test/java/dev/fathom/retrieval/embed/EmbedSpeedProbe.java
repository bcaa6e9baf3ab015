package dev.fathom.retrieval.embed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Manual probe: embedding throughput of a model directory at several passage lengths. */
public class EmbedSpeedProbe {
  public static void main(String[] args) {
    DjlOffline.configure(Path.of("/tmp/djlcache"));
    for (String dir : args) {
      try (OnnxEmbedder e = OnnxEmbedder.load(Path.of(dir), OnnxEmbedder.Settings.defaults())) {
        for (int words : new int[] {48, 96}) {
          List<String> texts = new ArrayList<>();
          for (int i = 0; i < 256; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < words; w++)
              sb.append("word").append((i * 31 + w * 7) % 997).append(' ');
            texts.add(sb.toString());
          }
          e.embedAll(texts.subList(0, 64));
          long t0 = System.nanoTime();
          e.embedAll(texts);
          double s = (System.nanoTime() - t0) / 1e9;
          System.out.printf(
              "%s words=%d tokens=%d: %.1f texts/s%n",
              dir, words, e.countTokens(texts.get(0)), texts.size() / s);
        }
      }
    }
  }
}
