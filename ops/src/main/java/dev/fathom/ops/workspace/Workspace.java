package dev.fathom.ops.workspace;

import dev.fathom.actors.QuestionService;
import dev.fathom.answer.AnswerStage;
import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.compressors.CompressorKind;
import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.ExtractiveCompressor;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.index.IndexUnavailableException;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.IngestReport;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.search.CollectionRetriever;
import dev.fathom.retrieval.search.SearchScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One data directory and the parts built on it, opened lazily and closed together: the embedding
 * model, the index, the stages and the actor system. Commands use what they need.
 */
public final class Workspace implements AutoCloseable {

  private final FathomConfig config;
  private final SearchScope home;
  private final CollectionStore collections;
  private final OpenIndexes indexes;
  private final Compressors compressors;
  private final EmbeddingModels embeddings;
  private final QuestionPipeline pipeline; // the question service, rankers and behaviors
  private final BackendRouting routing; // ingest and retrieval on the embedded index or Solr

  /** The retriever's BM25 and dense lists, handed to the fusion ranker (docs/ranking.md). */
  private final dev.fathom.retrieval.rank.RecentSignals recentSignals =
      new dev.fathom.retrieval.rank.RecentSignals();

  private IndexBackend backend; // fathom.index.backend; read on first use

  public Workspace(FathomConfig config) {
    this(config, SearchScope.DEFAULT);
  }

  /**
   * A workspace whose commands work on {@code home}'s collection (its index is the one {@link
   * #readIndex()}, {@link #writableIndex()} and {@link #ingest} use) and whose searches without a
   * scope of their own are restricted to {@code home}'s filter ({@code --collection}, {@code
   * --filter}).
   */
  public Workspace(FathomConfig config, SearchScope home) {
    this.config = config;
    this.home = home;
    this.collections = new CollectionStore(config.dataDir());
    this.indexes = new OpenIndexes(collections, home.collection(), embeddingId());
    this.compressors = new Compressors(config, this::embedder);
    this.embeddings = new EmbeddingModels(config);
    this.pipeline = new QuestionPipeline(this, config, recentSignals);
    this.routing = new BackendRouting(this, config, indexes, recentSignals);
  }

  /** The collection and filter this workspace's commands work on. */
  public SearchScope home() {
    return home;
  }

  /** The collections of this data directory. */
  public CollectionStore collections() {
    return collections;
  }

  /** The index directory of this workspace's collection. */
  public Path indexDir() {
    return collections.indexDir(home.collection());
  }

  /** The embedding model identifier recorded in the index, so a model change is detected. */
  public String embeddingId() {
    return config.embeddingModel().id() + "/" + MiniLmModel.DIMENSION;
  }

  public FathomConfig config() {
    return config;
  }

  /** The embedding model behind an LRU cache of recent texts (queries, sentences). */
  public synchronized Embedder embedder() {
    return embeddings.cached();
  }

  /** The embedding model itself, for measurements that must not hit a cache. */
  public synchronized Embedder uncachedEmbedder() {
    return embeddings.uncached();
  }

  /** The index, read-only (no lock: several commands can search while one ingests). */
  public PassageIndex readIndex() {
    return indexes.home();
  }

  /**
   * The index of {@code name}, opened on first use (for writing once this workspace serves, so
   * searches see documents as they arrive).
   *
   * @throws IndexUnavailableException naming the collection when it does not exist
   */
  public PassageIndex readIndex(CollectionName name) {
    return indexes.read(name);
  }

  /**
   * The index of {@code name} for writing (a document sent to that collection), created when
   * missing; only while serving, where every index is open for writing.
   */
  public PassageIndex writableIndex(CollectionName name) {
    return indexes.writable(name);
  }

  /** The indexes of other collections opened so far (the document stream commits them together). */
  public Map<CollectionName, PassageIndex> openCollections() {
    return indexes.all();
  }

  /**
   * Opens the index for writing (creating it when missing) and makes it the index every search of
   * this workspace uses: serve mode indexes documents while it answers questions, and searches see
   * each commit at once.
   */
  public PassageIndex writableIndex() {
    return indexes.writableHome();
  }

  public boolean indexExists() {
    if (backend().solr()) return backend().solrCollections().contains(home.collection());
    return PassageIndex.exists(indexDir());
  }

  /**
   * Ingests {@code paths} into the index of this workspace, holding the write lock only meanwhile;
   * the next search reopens the index read-only. Nothing is committed unless the ingest gets past
   * checking its paths, so a failed first ingest leaves no empty index behind.
   */
  public IngestReport ingest(List<Path> paths, IngestListener listener) {
    return ingest(paths, listener, dev.fathom.retrieval.access.AccessList.PUBLIC);
  }

  /**
   * Like {@link #ingest(List, IngestListener)}, {@code defaultAcl} being the access list of files
   * without a {@code .acl} sidecar ({@code fathom ingest --acl}).
   */
  public IngestReport ingest(
      List<Path> paths,
      IngestListener listener,
      dev.fathom.retrieval.access.AccessList defaultAcl) {
    return ingest(paths, listener, defaultAcl, DocumentMetadata.EMPTY);
  }

  /**
   * Like {@link #ingest(List, IngestListener, dev.fathom.retrieval.access.AccessList)}, every file
   * also carrying {@code extra} metadata ({@code fathom ingest --meta k=v}).
   */
  public IngestReport ingest(
      List<Path> paths,
      IngestListener listener,
      dev.fathom.retrieval.access.AccessList defaultAcl,
      DocumentMetadata extra) {
    return routing.ingest(paths, listener, defaultAcl, extra);
  }

  /**
   * The retriever over every collection of this data directory: a question's scope picks the
   * collection and filter, and searches without one use {@link #home()}. On the Solr backend each
   * collection is its Solr collection (docs/scale-out.md).
   */
  public CollectionRetriever retriever() {
    return routing.retriever();
  }

  /** The collections there are: on SolrCloud with the Solr backend, else in the data directory. */
  public List<CollectionName> collectionNames() {
    return backend().solr() ? backend().solrCollections() : collections.list();
  }

  /** Whether collection {@code name} exists on this workspace's backend. */
  public boolean collectionExists(CollectionName name) {
    return backend().solr() ? backend().hasSolrCollection(name) : collections.exists(name);
  }

  /**
   * The documents of collection {@code name} for listing, showing and deleting, on either backend:
   * its Solr collection, or its embedded index (for writing once this workspace serves).
   *
   * @throws IndexUnavailableException naming the collection when it does not exist
   */
  public dev.fathom.retrieval.index.StreamStore documentStore(CollectionName name) {
    return backend().solr() ? backend().existingSolrStore(name) : readIndex(name);
  }

  /** Like {@link #documentStore(CollectionName)}, the embedded index opened for writing. */
  public dev.fathom.retrieval.index.StreamStore writableDocumentStore(CollectionName name) {
    if (backend().solr()) return backend().existingSolrStore(name);
    return name.equals(home.collection()) ? writableIndex() : writableIndex(name);
  }

  /** Where passages live: the embedded index or SolrCloud ({@code fathom.index.backend}). */
  public synchronized IndexBackend backend() {
    if (backend == null) backend = IndexBackend.from(config.raw());
    return backend;
  }

  public ExtractiveCompressor compressor() {
    return compressor(storedSentenceVectors());
  }

  /** The untrained compressor, reading sentence vectors from {@code stored}. */
  public ExtractiveCompressor compressor(SentenceVectorSource stored) {
    return compressors.untrained(stored);
  }

  /**
   * The sentence vectors stored at ingest in the indexes this workspace has open, for the
   * compressors; none on the Solr backend, which does not store them (docs/compression.md).
   */
  public SentenceVectorSource storedSentenceVectors() {
    if (backend().solr()) return SentenceVectorSource.NONE;
    return new OpenIndexSentenceVectors(
        () -> openCollections().values(), embeddingId(), MiniLmModel.DIMENSION);
  }

  /**
   * The compressor of {@code kind} (docs/compression.md): the untrained scorer, the trained one
   * (the data directory's {@code fathom train compressor} model, else the bundled one), or the
   * abstractive one over {@code model} (required for it, ignored otherwise).
   */
  public ContextCompressor compressor(CompressorKind kind, LanguageModel model) {
    return compressor(kind, model, storedSentenceVectors());
  }

  /**
   * Like {@link #compressor(CompressorKind, LanguageModel)}, the extractive compressors reading
   * sentence vectors from {@code stored} (an evaluation's own index).
   */
  public ContextCompressor compressor(
      CompressorKind kind, LanguageModel model, SentenceVectorSource stored) {
    return compressors.of(kind, model, stored);
  }

  /** The compressor that {@code fathom.compressor.kind} names, for the question pipeline. */
  public ContextCompressor configuredCompressor() {
    return compressor(compressors.configuredKind(), null);
  }

  /** The actor pipeline answering questions over this workspace's index, extractively. */
  public synchronized QuestionService questions() {
    return pipeline.questions();
  }

  /**
   * Starts the actor pipeline with the answer stage's answerer ({@code fathom ask --model}, {@code
   * fathom serve --model}); a generative stage gets {@code fathom.ask.model-question-timeout} per
   * question. Later {@link #questions()} calls return this pipeline.
   */
  public synchronized QuestionService questions(AnswerStage stage) {
    return questions(stage, null);
  }

  /**
   * Like {@link #questions(AnswerStage)}; a generative stage with the handbook on ({@code
   * fathom.behaviors.enabled}) gets the behavior stage, its traces going to {@code traces}, or to
   * the data directory's trace store when null.
   */
  public synchronized QuestionService questions(AnswerStage stage, TraceSink traces) {
    return pipeline.questions(stage, traces);
  }

  /**
   * The behavior handbook and traces of this data directory (docs/behaviors.md), opened on first
   * use for an answer model of {@code contextTokens} context.
   */
  public synchronized BehaviorModule behaviors(int contextTokens) {
    return pipeline.behaviors(contextTokens);
  }

  /**
   * The rankers this workspace can run over its index: listwise and attention over {@code model}
   * (null: none loaded, so those two are refused naming {@code --model}), fusion when a model
   * trained by {@code fathom train ranker} is in the data directory. Closed with the workspace.
   */
  public synchronized RankerSet rankers(LanguageModel model) {
    return pipeline.rankers(model);
  }

  @Override
  public synchronized void close() {
    List<RuntimeException> errors = new ArrayList<>();
    // The caching embedder closes the model it wraps.
    for (AutoCloseable c :
        new AutoCloseable[] {
          pipeline.running(),
          pipeline.openBehaviors(),
          pipeline::closeRankers,
          compressors,
          indexes::closeHome,
          backend,
          indexes::closeOthers,
          embeddings.outermost()
        }) {
      if (c == null) continue;
      try {
        c.close();
      } catch (Exception e) {
        errors.add(e instanceof RuntimeException r ? r : new RuntimeException(e));
      }
    }
    pipeline.forget();
    backend = null;
    embeddings.forget();
    if (!errors.isEmpty()) throw errors.getFirst();
  }
}
