package dev.fathom.ops.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model ids {@code GET /v1/models} lists and a chat request's {@code model} may name: {@value
 * #DEFAULT} (whatever this server answers with), {@value #EXTRACTIVE} (answers composed from the
 * evidence sentences, no model: always available), and, when a language model is loaded or a model
 * server configured, that model's name.
 *
 * @param generative the loaded model's name, or null when the server answers extractively
 * @param created when the server started, in epoch seconds ({@code created} of each model)
 */
record ServedModels(String generative, long created) {

  static final String DEFAULT = "fathom";
  static final String EXTRACTIVE = "fathom-extractive";

  /**
   * What a request's {@code model} chose.
   *
   * @param id the id the response reports
   * @param extractive whether the answer is composed without a model
   */
  record Choice(String id, boolean extractive) {}

  /** Every id, the default first. */
  List<String> ids() {
    List<String> ids = new ArrayList<>(List.of(DEFAULT, EXTRACTIVE));
    if (generative != null && !ids.contains(generative)) ids.add(generative);
    return ids;
  }

  /**
   * The choice {@code requested} names (null: the default).
   *
   * @throws OpenAiError.Failure 404 {@code model_not_found} for an id this server does not serve
   */
  Choice choose(String requested) {
    if (requested == null || requested.equals(DEFAULT)) {
      return generative == null ? new Choice(EXTRACTIVE, true) : new Choice(generative, false);
    }
    if (requested.equals(EXTRACTIVE)) return new Choice(EXTRACTIVE, true);
    if (requested.equals(generative)) return new Choice(generative, false);
    throw OpenAiError.modelNotFound(requested, ids()).failure();
  }

  /** The {@code model} object of the API for {@code id}. */
  Map<String, Object> model(String id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", "model");
    m.put("created", created);
    m.put("owned_by", "fathom");
    return m;
  }

  /** The body of {@code GET /v1/models}. */
  Map<String, Object> list() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object", "list");
    m.put("data", ids().stream().map(this::model).toList());
    return m;
  }
}
