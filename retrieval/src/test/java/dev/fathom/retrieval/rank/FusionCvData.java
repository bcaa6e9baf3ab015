package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every judged dev question's candidates with all of {@link FusionFeatures#ALL}, for the tuning
 * harness ({@link FusionTuningIT}): computed once (indexing both dev sets with sentence vectors,
 * retrieving, extracting at each of {@link #DEPTHS} candidates) and kept in {@code
 * target/fusion-cv/}, recomputed when the feature list changes.
 */
final class FusionCvData {

  /** How many of hybrid's candidates are reranked, one feature matrix each. */
  static final int[] DEPTHS = {100, 50, 30, 20};

  /**
   * One judged question: features per depth (row-major over {@link FusionFeatures#ALL}), labels,
   * sources in hybrid order and the qrels.
   */
  record Group(
      String dataset,
      String id,
      int fold,
      float[][] x,
      float[] y,
      List<String> sources,
      Map<String, Integer> qrels) {
    int rows(int depth) {
      return x[depth].length / FusionFeatures.ALL.size();
    }

    /** This question at depth index {@code depth}, as {@link FusionCrossValidationIT} takes it. */
    FusionCrossValidationIT.Group cv(int depth) {
      int n = rows(depth);
      return new FusionCrossValidationIT.Group(
          dataset, id, fold, x[depth], java.util.Arrays.copyOf(y, n), sources.subList(0, n), qrels);
    }
  }

  private FusionCvData() {}

  static int depthIndex(int candidates) {
    for (int i = 0; i < DEPTHS.length; i++) if (DEPTHS[i] == candidates) return i;
    throw new IllegalArgumentException(
        "cands must be one of " + java.util.Arrays.toString(DEPTHS) + ", got " + candidates);
  }

  static List<Group> load(Path dir) throws IOException {
    Path file = dir.resolve("groups.bin");
    String header = String.join(",", FusionFeatures.ALL) + "|" + java.util.Arrays.toString(DEPTHS);
    if (Files.isRegularFile(file)) {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
        if (in.readUTF().equals(header)) return read(in);
      }
      System.out.println("CV data of another feature list: recomputing");
    }
    List<Group> groups = compute(dir);
    Files.createDirectories(dir);
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      out.writeUTF(header);
      write(out, groups);
    }
    return groups;
  }

  static List<Group> compute(Path dir) {
    List<Group> groups = new ArrayList<>();
    FusionFeatures features = new FusionFeatures();
    for (String name : List.of("cranfield-dev", "squad-dev")) {
      try (PreparedDataset d =
          PreparedDataset.openOrIndex(
              BeirDataset.load(FusionRankerIT.sharedData(name)),
              TestEmbedder.shared(),
              dir.resolve("index-" + name),
              HybridRetriever.Settings.defaults())) {
        System.out.println("CV index of " + name + " ready");
        for (BeirDataset.Query q : d.dataset().queries()) {
          Map<String, Integer> qrels = d.dataset().qrels(q.id());
          if (qrels.isEmpty()) continue;
          List<Hit> hits = d.candidates(q);
          if (hits.isEmpty()) continue;
          CandidateSignals signals = d.signals(q, hits);
          float[][] x = new float[DEPTHS.length][];
          for (int i = 0; i < DEPTHS.length; i++) {
            List<Hit> top = hits.subList(0, Math.min(DEPTHS[i], hits.size()));
            x[i] = features.extractAll(q.text(), top, signals, d.lookups(q));
          }
          List<String> sources = hits.stream().map(h -> h.passage().source()).toList();
          float[] y = new float[hits.size()];
          for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(0, qrels.getOrDefault(sources.get(i), 0));
          }
          groups.add(
              new Group(
                  name,
                  q.id(),
                  DevSplit.fold(q.id(), FusionCrossValidationIT.K),
                  x,
                  y,
                  sources,
                  qrels));
        }
      }
      System.out.println("CV features of " + name + " done");
    }
    return groups;
  }

  private static void write(DataOutputStream out, List<Group> groups) throws IOException {
    out.writeInt(groups.size());
    for (Group g : groups) {
      out.writeUTF(g.dataset());
      out.writeUTF(g.id());
      out.writeInt(g.fold());
      for (float[] x : g.x()) floats(out, x);
      floats(out, g.y());
      out.writeInt(g.sources().size());
      for (String s : g.sources()) out.writeUTF(s);
      out.writeInt(g.qrels().size());
      for (var e : g.qrels().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue());
      }
    }
  }

  private static List<Group> read(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<Group> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String ds = in.readUTF();
      String id = in.readUTF();
      int fold = in.readInt();
      float[][] x = new float[DEPTHS.length][];
      for (int d = 0; d < x.length; d++) x[d] = floats(in);
      float[] y = floats(in);
      int s = in.readInt();
      List<String> sources = new ArrayList<>(s);
      for (int j = 0; j < s; j++) sources.add(in.readUTF());
      int q = in.readInt();
      Map<String, Integer> qrels = new LinkedHashMap<>();
      for (int j = 0; j < q; j++) qrels.put(in.readUTF(), in.readInt());
      out.add(new Group(ds, id, fold, x, y, List.copyOf(sources), qrels));
    }
    return out;
  }

  private static void floats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float v : a) out.writeFloat(v);
  }

  private static float[] floats(DataInputStream in) throws IOException {
    float[] a = new float[in.readInt()];
    for (int i = 0; i < a.length; i++) a[i] = in.readFloat();
    return a;
  }
}
