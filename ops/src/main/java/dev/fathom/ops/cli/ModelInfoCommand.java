package dev.fathom.ops.cli;

import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufFormatException;
import dev.fathom.drafters.gguf.GgufMetadata;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import dev.fathom.ops.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fathom model info FILE.gguf}: what a model is, from its header alone. */
@Command(
    name = "info",
    description = "Describe a GGUF model: architecture, size, shapes, tokenizer (header only).")
public final class ModelInfoCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "A .gguf file.")
  Path file;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    Map<String, Object> info = describe(file);
    if (json) {
      System.out.println(Json.write(info));
    } else {
      info.forEach(
          (k, v) -> System.out.printf("%-20s %s%n", k.replace('_', ' '), v == null ? "-" : v));
    }
    return 0;
  }

  /**
   * The summary as an ordered map ({@code --json} prints it as is): file, file_size, architecture,
   * name, parameters, tensors, tensor_types, context_length, embedding_length, feed_forward_length,
   * layers, heads, kv_heads, rope_theta, rope_scaling, vocabulary_size, tokenizer_model,
   * chat_template, bos, eos.
   */
  static Map<String, Object> describe(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ErrorHandler.UserError(file + ": no such file");
    }
    try (GgufFile g = GgufFile.open(file)) {
      GgufMetadata m = g.metadata();
      String arch = m.findString("general.architecture").orElse("unknown");
      long params = 0;
      Map<String, Integer> byType = new TreeMap<>();
      for (GgufTensorInfo t : g.tensors().values()) {
        params += t.elementCount();
        byType.merge(t.type().name(), 1, Integer::sum);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("file", file.toString());
      out.put("file_size", g.fileSize());
      out.put("gguf_version", g.version());
      out.put("architecture", arch);
      out.put("name", m.findString("general.name").orElse(null));
      out.put("parameters", params);
      out.put("tensors", g.tensors().size());
      out.put("tensor_types", byType);
      out.put("context_length", number(m, arch + ".context_length"));
      out.put("embedding_length", number(m, arch + ".embedding_length"));
      out.put("feed_forward_length", number(m, arch + ".feed_forward_length"));
      out.put("layers", number(m, arch + ".block_count"));
      out.put("heads", number(m, arch + ".attention.head_count"));
      out.put("kv_heads", number(m, arch + ".attention.head_count_kv"));
      out.put("rope_theta", number(m, arch + ".rope.freq_base"));
      out.put("rope_scaling", ropeScaling(m, arch));
      String[] tokens =
          m.contains("tokenizer.ggml.tokens") ? m.getStringArray("tokenizer.ggml.tokens") : null;
      out.put("vocabulary_size", tokens == null ? null : tokens.length);
      out.put("tokenizer_model", m.findString("tokenizer.ggml.model").orElse(null));
      out.put("chat_template", m.contains("tokenizer.chat_template"));
      out.put("bos", token(m, "tokenizer.ggml.bos_token_id", tokens));
      out.put("eos", token(m, "tokenizer.ggml.eos_token_id", tokens));
      return out;
    } catch (GgufFormatException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    } catch (NoSuchFileException e) {
      throw new ErrorHandler.UserError(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Object number(GgufMetadata m, String key) {
    Object v = m.find(key).orElse(null);
    return v instanceof Number ? v : null;
  }

  private static Object ropeScaling(GgufMetadata m, String arch) {
    String type = m.findString(arch + ".rope.scaling.type").orElse(null);
    if (type == null || type.equals("none")) {
      return "none";
    }
    Object factor = number(m, arch + ".rope.scaling.factor");
    return factor == null ? type : type + " x" + factor;
  }

  /** {@code {"id": 1, "text": "<s>"}}, or null when the key is absent. */
  private static Object token(GgufMetadata m, String key, String[] tokens) {
    if (!m.contains(key)) {
      return null;
    }
    long id = m.getLong(key);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", id);
    t.put("text", tokens != null && id >= 0 && id < tokens.length ? tokens[(int) id] : null);
    return t;
  }
}
