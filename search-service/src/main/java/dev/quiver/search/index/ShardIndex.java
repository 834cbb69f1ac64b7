package dev.quiver.search.index;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.merge.SearchMerge;
import dev.quiver.search.merge.ShardPartial;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.store.ReadAdvice;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * One shard of one collection as one Lucene index directory: applies logged write batches with Chroma's
 * semantics, and answers {@code count}, {@code get} and {@code query} over the last refreshed snapshot.
 *
 * <p>A record is one Lucene document (see {@link FieldNames}): the id as a unique keyword, the vector in an HNSW
 * graph (cosine: a normalised copy under {@code DOT_PRODUCT}, with the caller's vector stored beside it; scalar
 * quantized for the graph search when the collection asks, see {@link ShardCodec}), the document stored and as
 * doc values, the metadata stored whole and indexed per key and type, the uri stored, and an insertion order
 * ({@code sequence << 24 | position in batch}) that a later update keeps, so {@code get} returns records in the
 * order they were first added and a replay of the log rebuilds the same order.
 *
 * <p>Parallel indexing: {@link #apply} decides every write on the applier thread, in log order, against the overlay
 * and the refreshed snapshot (first wins, last wins, merges), and hands the resulting Lucene writes to the shard's
 * lanes, which run them on the index pool given to
 * {@link #open(Path, HnswConfiguration, Executor, int, WhereDocumentIndex)}. Each id maps to one lane by its
 * hash, and a lane runs its writes one at a time in the order they were handed over, so every write of one id
 * reaches Lucene in log order. Writes of different ids commute, since Lucene's deletes and updates select documents
 * by the id term alone. Lucene gives each concurrently writing thread its own in-memory segment, so the lanes build
 * separate HNSW graphs on separate cores.
 *
 * <p>Invariants: at most one live document per id; {@code visibleSequence() <= appliedSequence}, and
 * {@code committedSequence() <= appliedSequence}; the overlay holds exactly the ids written since the last refresh;
 * a refresh publishes, and a commit records, a sequence only after the lanes ran every write of every batch up to
 * it; at most {@link #MAX_QUEUED_OPERATIONS} writes plus one batch wait for the lanes.
 *
 * <p>Durability: nothing is durable until {@link #commit()}, which records the last applied sequence in the commit's
 * user data. {@link #close()} does not commit, so after a crash or a close the index is exactly the state of
 * {@link #committedSequence()} and the log replays from the entry after it. If {@link #apply} throws, the
 * in-memory state may hold part of the batch: close the shard without committing and reopen it to replay. A lane's
 * Lucene write may fail after its {@code apply} returned; the shard is then failed: every later {@link #apply},
 * {@link #refresh} and {@link #commit} throws, so nothing after the failure is published or committed, and the
 * shard must likewise be closed and reopened.
 *
 * <p>Thread-safety: {@link #apply}, {@link #refresh} and {@link #commit} are called by the shard's applier thread
 * only (it owns the overlay and decides every write to the {@link IndexWriter}). The lanes run on the index pool;
 * they touch only the writer, which is thread-safe, and write plans that the applier no longer changes. {@link #count},
 * {@link #get}, {@link #matchingIds}, {@link #query}, {@link #visibleSequence}, {@link #committedSequence},
 * {@link #ramBytesUsed} and {@link #diskBytes} may be called from any thread, concurrently with the applier; each
 * read acquires a searcher and releases it in {@code finally}. {@link #close()} must not race with other calls: the
 * shard registry stops the applier and the readers first.
 */
public final class ShardIndex implements Closeable {

    /** Key of the last applied sequence in the commit user data. */
    static final String SEQUENCE_KEY = "quiver.sequence";
    /** Low bits of the insertion order that hold the position in the batch. */
    static final int POSITION_BITS = 24;
    /** Most records in one batch, so that a position fits in {@link #POSITION_BITS}. */
    public static final int MAX_BATCH_SIZE = 1 << POSITION_BITS;
    /** Largest log sequence, so that {@code sequence << POSITION_BITS} stays positive. */
    public static final long MAX_SEQUENCE = (1L << (Long.SIZE - 1 - POSITION_BITS)) - 1;
    /** Most index threads (lanes) of one shard; a lane's bit must fit in the long mask of {@link #enqueue}. */
    public static final int MAX_INDEX_THREADS = Long.SIZE;
    /**
     * Most writes handed to the lanes and not yet run before {@link #apply} waits. Deciding a write takes
     * microseconds and indexing it (one HNSW insertion) most of a millisecond (128 dimensions, Chroma's default
     * graph settings), so without a bound the applier would race ahead of Lucene by whole refresh intervals. This
     * keeps it within seconds: a failed write surfaces soon after its batch, and refresh and commit wait for
     * little. Memory is no reason: the overlay already holds every record written since the last refresh, and a
     * queued write only points at it.
     */
    static final int MAX_QUEUED_OPERATIONS = 1 << 14;
    /**
     * Lucene's indexing buffer per lane. Lucene flushes the largest per-thread segment once all of them together
     * exceed the buffer, so with one shared 64 MB buffer n lanes would flush segments about n times smaller, each
     * with its own graph for every query to visit and for merges to rebuild.
     */
    private static final int RAM_BUFFER_MB_PER_LANE = 64;
    /** Caps the buffer of a shard with many lanes: beyond it, larger segments save little and cost heap. */
    private static final int MAX_RAM_BUFFER_MB = 256;

    /** Candidates of a quantized search rescored on the float vectors per result asked for, see {@link #rescored}. */
    static final int RESCORE_OVERSAMPLE = 4;
    private static final Sort INSERTION_ORDER = new Sort(new SortField(FieldNames.ORDER, SortField.Type.LONG));
    /** Overlay value of an id deleted since the last refresh; compared by identity. */
    private static final Entry TOMBSTONE = new Entry("", new float[0], null, null, null, -1);

    private final Path path;
    private final HnswConfiguration configuration;
    private final Metric metric;
    /**
     * The similarity of the indexed vectors (DOT_PRODUCT over normalised copies for cosine), which
     * {@link Hit#score()} reports.
     */
    private final VectorSimilarityFunction indexedSimilarity;
    /** Whether the graph search scores quantized vectors, so its candidates must be rescored on the floats. */
    private final boolean rescore;
    /** How {@code where_document} leaves find their candidates. */
    private final WhereDocumentIndex whereDocumentIndex;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    /**
     * Applier thread only. Every id written since the last refresh, to its full current record or
     * {@link #TOMBSTONE}; consulted before the refreshed searcher, which does not see these writes yet.
     */
    private final Map<String, Entry> overlay = new HashMap<>();
    /** Applier thread only. The sequence of the last applied batch. */
    private long appliedSequence;
    /** Applier thread only. The dimension of the shard's vectors; 0 while it has none. */
    private int dimension;
    /** Written by the applier after each refresh; a searcher acquired after reading it sees at least this. */
    private volatile long visibleSequence;
    /** Written by the applier after each commit. */
    private volatile long committedSequence;

    /** Runs the lanes: the caller's thread for {@link #open(Path, HnswConfiguration)}, else the index pool. */
    private final Executor indexPool;
    /** The lanes; an id's writes always go to {@code lanes[laneOf(id)]}. */
    private final Lane[] lanes;
    /**
     * Guards the lanes' queues and flags, {@link #queuedOperations}, {@link #failure} and {@link #failureReported}.
     * Held only to hand over or take a plan, never while Lucene indexes.
     */
    private final ReentrantLock work = new ReentrantLock();
    /** Signalled under {@link #work} whenever a lane finishes a plan, fails, or is rejected by the pool. */
    private final Condition progressed = work.newCondition();
    /** Guarded by {@link #work}. Writes handed to the lanes and not yet run (or skipped). */
    private long queuedOperations;
    /**
     * Written under {@link #work}, once; volatile so {@link #apply} and the lanes can check it without the lock. The
     * first failure of a Lucene write, or of an {@code apply} after it began to change the overlay.
     */
    private volatile @Nullable Throwable failure;
    /** Guarded by {@link #work}. Whether {@link #failure} was thrown to a caller, so close does not throw it again. */
    private boolean failureReported;
    /** Set by {@link #close()}: the lanes skip their remaining writes, which a close without commit discards. */
    private volatile boolean closing;

    private ShardIndex(
            Path path, HnswConfiguration configuration, Directory directory, IndexWriter writer,
            SearcherManager searchers, Executor indexPool, int indexThreads, WhereDocumentIndex whereDocumentIndex)
            throws IOException {
        this.path = path;
        this.configuration = configuration;
        this.metric = configuration.space();
        this.indexedSimilarity = indexedSimilarity(metric);
        this.rescore = configuration.quantization() != Quantization.NONE;
        this.whereDocumentIndex = whereDocumentIndex;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.indexPool = indexPool;
        this.lanes = new Lane[indexThreads];
        for (int i = 0; i < indexThreads; i++) {
            lanes[i] = new Lane(i);
        }
        long sequence = 0;
        Iterable<Map.Entry<String, String>> commitData = writer.getLiveCommitData();
        if (commitData != null) {
            for (Map.Entry<String, String> entry : commitData) {
                if (SEQUENCE_KEY.equals(entry.getKey())) {
                    sequence = Long.parseLong(entry.getValue());
                }
            }
        }
        this.appliedSequence = sequence;
        this.visibleSequence = sequence;
        this.committedSequence = sequence;
        IndexSearcher searcher = searchers.acquire();
        try {
            FieldInfo vectorField = vectorField(searcher.getIndexReader());
            if (vectorField != null) {
                if (vectorField.getVectorSimilarityFunction() != indexedSimilarity) {
                    throw new IllegalArgumentException("shard index at " + path + " holds "
                            + vectorField.getVectorSimilarityFunction() + " vectors, but the collection's space "
                            + metric.chromaName() + " needs " + indexedSimilarity);
                }
                this.dimension = vectorField.getVectorDimension();
            }
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * Opens the shard index in {@code directory}, creating the directory and an empty index if there is none. Lucene's
     * writes run on the applier thread itself, inside {@link #apply}, and merges build their graphs on one thread;
     * {@code where_document} uses the trigram index ({@link WhereDocumentIndex#TRIGRAMS}).
     *
     * @param directory     the shard's own directory; Lucene locks it, so a second open fails while this is open
     * @param configuration the collection's HNSW settings: {@code space} picks the similarity, {@code maxNeighbors}
     *                      is Lucene's {@code maxConn}, {@code constructionEf} its {@code beamWidth} (capped at
     *                      Lucene's 3200), {@code searchEf} the least {@code k} of each vector search, and
     *                      {@code quantization} how segments written from now on store the vectors a graph search
     *                      reads
     * @throws UncheckedIOException     if the index cannot be opened (also when it is already open)
     * @throws IllegalArgumentException if the existing index was built for another space
     */
    public static ShardIndex open(Path directory, HnswConfiguration configuration) {
        return open(directory, configuration, Runnable::run, 1, WhereDocumentIndex.TRIGRAMS);
    }

    /**
     * Opens the shard index in {@code directory}, as {@link #open(Path, HnswConfiguration)}, with Lucene's writes
     * spread over {@code indexThreads} lanes that run on {@code indexPool} (see the class comment).
     *
     * @param indexPool    a bounded pool of platform threads, shared by shards, that must stay open while the shard
     *                     is. Never the applier's own pool: the applier blocks in {@link #refresh}, {@link #commit}
     *                     and {@link #close} until its lanes have run, and lanes queued behind blocked appliers
     *                     would never run. A rejected lane fails the shard.
     * @param indexThreads the most pool threads this shard's writes occupy at once, in [1,
     *                     {@link #MAX_INDEX_THREADS}]; more than the pool's threads or the cores buys nothing
     * @param whereDocumentIndex how {@code where_document} {@code $contains} and {@code $regex} find candidates:
     *                     {@link WhereDocumentIndex#TRIGRAMS} except to measure or diagnose the index
     * @throws UncheckedIOException     if the index cannot be opened (also when it is already open)
     * @throws IllegalArgumentException if {@code indexThreads} is out of range, or the existing index was built for
     *                                  another space
     */
    public static ShardIndex open(Path directory, HnswConfiguration configuration, Executor indexPool,
            int indexThreads, WhereDocumentIndex whereDocumentIndex) {
        requireNonNull(directory, "directory is null");
        requireNonNull(configuration, "configuration is null");
        requireNonNull(indexPool, "indexPool is null");
        requireNonNull(whereDocumentIndex, "whereDocumentIndex is null");
        if (indexThreads < 1 || indexThreads > MAX_INDEX_THREADS) {
            throw new IllegalArgumentException(
                    "indexThreads must be in [1, " + MAX_INDEX_THREADS + "]: " + indexThreads);
        }
        Directory luceneDirectory = null;
        IndexWriter writer = null;
        SearcherManager searchers = null;
        try {
            Files.createDirectories(directory);
            luceneDirectory = openDirectory(directory);
            IndexWriterConfig config = new IndexWriterConfig(DocumentText.indexAnalyzer())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    // The applier alone decides what is durable; close() must not commit a half-replayed state.
                    .setCommitOnClose(false)
                    // Fewer, larger flushed segments: each segment carries its own HNSW graph, and a query visits
                    // every segment, so small segments cost both merge work and query latency. A maximum, not an
                    // allocation: idle shards hold nothing. Scaled by the lanes (see RAM_BUFFER_MB_PER_LANE).
                    .setRAMBufferSizeMB(Math.min(RAM_BUFFER_MB_PER_LANE * indexThreads, MAX_RAM_BUFFER_MB))
                    // Keeps the last commit, and any commit a checkpoint has snapshotted until its upload is done.
                    .setIndexDeletionPolicy(new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy()))
                    .setMergePolicy(mergePolicy())
                    .setMergeScheduler(mergeScheduler())
                    .setCodec(new ShardCodec(configuration.quantization(), configuration.maxNeighbors(),
                            configuration.constructionEf()));
            writer = new IndexWriter(luceneDirectory, config);
            searchers = new SearcherManager(writer, true, false, null);
            return new ShardIndex(directory, configuration, luceneDirectory, writer, searchers, indexPool,
                    indexThreads, whereDocumentIndex);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(e, searchers, writer, luceneDirectory);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open shard index at " + directory, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Lucene's tiered policy, with the reasons for its settings spelled out, because a merge of vector segments is
     * not a copy: Lucene keeps the graph of the largest input segment and inserts every other input vector into it,
     * as costly per vector as indexing it. Merging equal segments m at a time re-inserts (m - 1) / m of them, and a
     * record goes through one such merge per tier, so the number of tiers, not the merges' size, is what repeats
     * the work of a bulk load.
     * 1. At most 10 segments per tier and merged at once (Lucene's default is 8 per tier): a bulk load of n records
     *    flushed in segments of f records is re-inserted about log10(n / f) times, and a load of fewer than about
     *    ten flushed segments is not merged at all (a lane's 64 MB buffer holds some 70,000 records of 128
     *    dimensions). A wider tier would save a fraction more and leave more graphs for every query to visit.
     * 2. Floor segment 16 MB (Lucene's default): the small segments that frequent refreshes flush are merged
     *    together early, which is cheap because they are small, instead of lingering as graphs each query visits.
     * 3. Deletes: Lucene's default of at most 20% deleted documents. Upserts and updates delete the old document, and
     *    its vector stays in the graph until a merge drops it, so a segment is re-merged for its deletes only once
     *    they are a fifth of it.
     */
    private static TieredMergePolicy mergePolicy() {
        TieredMergePolicy policy = new TieredMergePolicy();
        policy.setSegmentsPerTier(10);
        policy.setMaxMergeAtOnce(10);
        policy.setFloorSegmentMB(16);
        policy.setDeletesPctAllowed(20);
        return policy;
    }

    /**
     * Lucene's concurrent scheduler, with one big merge running at full speed per shard and no I/O throttle.
     * 1. One thread: a merge of vector segments is CPU-bound graph building (on one core, see {@link ShardCodec}),
     *    and a shard's bulk load already keeps its index lanes and the other shards' merges busy on the rest, so a
     *    second big merge at full speed would only compete for the same cores. Lucene still starts small merges
     *    (below 50 MB) at once, beside a running big one, so a long merge does not leave the segments of later
     *    flushes unmerged.
     * 2. Six merges (Lucene's default for one thread): when more are pending, Lucene stalls the thread that flushed
     *    until merging catches up, which bounds the segment count when merges fall behind a bulk load.
     * 3. No I/O throttle (already Lucene's default): the merge's time goes to graph building, not to writes, and
     *    throttling the writes would only keep its inputs and its heap longer.
     */
    private static ConcurrentMergeScheduler mergeScheduler() {
        ConcurrentMergeScheduler scheduler = new ConcurrentMergeScheduler();
        scheduler.setMaxMergesAndThreads(6, 1);
        scheduler.disableAutoIOThrottle();
        return scheduler;
    }

    /** The log sequence recorded by the last commit; 0 for a new index. Replay starts after it. */
    public long committedSequence() {
        return committedSequence;
    }

    /** The sequence of the last batch that searchers see, as published by the last {@link #refresh()}. */
    public long visibleSequence() {
        return visibleSequence;
    }

    /**
     * Applies one logged batch with Chroma's semantics (see {@link WriteBatch}). Applier thread only. The batch
     * is validated whole before anything is written. Its writes are seen at once by later batches (through the
     * overlay) and by readers after the next {@link #refresh()}.
     *
     * <ul>
     *   <li>{@code ADD}: inserts each id that does not exist; an existing id, or a repeat within the batch, is
     *       ignored (first wins).
     *   <li>{@code UPSERT}: inserts a new id; merges into an existing one. Repeats apply in order, so the last
     *       occurrence wins on every part it sets.
     *   <li>{@code UPDATE}: merges into existing ids; unknown ids are ignored.
     *   <li>{@code DELETE}: removes the ids; unknown ids are ignored.
     * </ul>
     * Merging keeps the stored embedding, document and uri where the write has null, and merges metadata key by
     * key: {@link MetadataValue.Null} or an empty array removes a key (Chroma never returns an empty array), and a
     * record left with no keys has no metadata. A merged record keeps its insertion order.
     *
     * <p>The batch's Lucene writes are handed to the lanes; with an index pool they may still run after this
     * returns (see the class comment), and waits only while {@link #MAX_QUEUED_OPERATIONS} writes are queued.
     * The index keeps references to the batch's embedding arrays until the next refresh; do not modify them.
     *
     * @param sequence the batch's log sequence: greater than every sequence applied before, at most
     *                 {@link #MAX_SEQUENCE}
     * @throws IllegalArgumentException if the sequence does not increase, the batch has more than
     *                                  {@link #MAX_BATCH_SIZE} records, an ADD record or an UPSERT of a new id
     *                                  lacks an embedding, or an embedding is empty, wider than 4096, not finite or
     *                                  of another dimension than the shard's; all of this is checked before any
     *                                  write, so the shard is then unchanged and the applier may go on with the
     *                                  next sequence
     * @throws UncheckedIOException     if Lucene fails, for this batch or an earlier one; the shard must then be
     *                                  reopened without committing (also {@link IllegalStateException} when the
     *                                  failure was not an I/O error, or the applier was interrupted)
     */
    public void apply(long sequence, WriteBatch batch) {
        apply(sequence, batch, 0, 1);
    }

    /**
     * As {@link #apply(long, WriteBatch)} for shard {@code shard} of a collection of {@code shardCount} shards: only
     * the records {@link ShardRouting} routes to this shard are applied, each with its insertion order from its
     * position in the whole batch, so the shards' records merge into the order one shard would give.
     */
    public void apply(long sequence, WriteBatch batch, int shard, int shardCount) {
        requireNonNull(batch, "batch is null");
        if (shard < 0 || shard >= shardCount) {
            throw new IllegalArgumentException("shard " + shard + " is not in [0, " + shardCount + ")");
        }
        if (sequence <= appliedSequence) {
            throw new IllegalArgumentException(
                    "sequence " + sequence + " does not follow the applied sequence " + appliedSequence);
        }
        if (sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence exceeds " + MAX_SEQUENCE + ": " + sequence);
        }
        List<RecordWrite> records = batch.records();
        if (records.size() > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(
                    "batch of " + records.size() + " records exceeds " + MAX_BATCH_SIZE);
        }
        throwIfFailed("apply batch " + sequence);
        List<RecordWrite> routed = shardCount == 1 ? records : routed(records, shard, shardCount);
        checkEmbeddings(batch.operation(), routed);
        WriteBatch.Operation operation = batch.operation();
        IndexWrites writes = new IndexWrites(
                sequence, operation == WriteBatch.Operation.DELETE, routed.size(), lanes.length);
        IndexSearcher searcher = acquire();
        try {
            StoredRecordReader stored = new StoredRecordReader(searcher.getIndexReader(), metric == Metric.COSINE);
            if (operation == WriteBatch.Operation.UPSERT) {
                checkUpsertsWithoutEmbeddingExist(stored, routed);
            }
            // From here on the overlay changes: a failure leaves it ahead of Lucene, so it fails the shard.
            try {
                switch (operation) {
                    case ADD -> add(stored, sequence, records, shard, shardCount, writes);
                    case UPSERT -> upsert(stored, sequence, records, shard, shardCount, writes);
                    case UPDATE -> update(stored, routed, writes);
                    case DELETE -> delete(routed, writes);
                }
            } catch (IOException e) {
                recordFailure(e, true);
                throw new UncheckedIOException("cannot apply batch " + sequence + " to shard index at " + path, e);
            } catch (RuntimeException | Error e) {
                recordFailure(e, true);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read records of shard index at " + path, e);
        } finally {
            release(searcher);
        }
        enqueue(writes);
        // Same-thread lanes ran the writes inside enqueue: report their failure with this batch, as before lanes.
        throwIfFailed("apply batch " + sequence);
        appliedSequence = sequence;
    }

    /**
     * Publishes everything applied so far to searchers (blocking until the new snapshot is open) and clears the
     * overlay, which that snapshot now covers. First waits until the lanes have run every write applied so far.
     * Applier thread only.
     *
     * @return the sequence now visible to every searcher acquired from here on
     * @throws UncheckedIOException  if Lucene fails, now or in an earlier write; nothing is published then
     * @throws IllegalStateException if an earlier write failed otherwise, or the applier is interrupted
     */
    public long refresh() {
        awaitIndexed("refresh");
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot refresh shard index at " + path, e);
        }
        overlay.clear();
        visibleSequence = appliedSequence;
        return appliedSequence;
    }

    /**
     * Makes everything applied so far durable, recording the last applied sequence in the commit's user data (see
     * {@link #committedSequence()}). First waits until the lanes have run every write applied so far, so the
     * recorded sequence never names a batch whose writes are not all in the commit. Applier thread only. Does not
     * publish to searchers.
     *
     * @throws UncheckedIOException  if Lucene fails, now or in an earlier write; nothing is committed then
     * @throws IllegalStateException if an earlier write failed otherwise, or the applier is interrupted
     */
    public void commit() {
        awaitIndexed("commit");
        writer.setLiveCommitData(Map.of(SEQUENCE_KEY, Long.toString(appliedSequence)).entrySet());
        try {
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot commit sequence " + appliedSequence + " of shard index at " + path, e);
        }
        committedSequence = appliedSequence;
    }

    /**
     * Holds the last commit's files against deletion and describes them, so they can be copied while the applier
     * goes on writing, merging and committing. The caller must {@link CommitSnapshot#close()} it. Any thread.
     *
     * @return the last commit, or empty when the index has never been committed
     * @throws UncheckedIOException if a file of the commit cannot be read
     */
    public Optional<CommitSnapshot> snapshot() {
        SnapshotDeletionPolicy policy = (SnapshotDeletionPolicy) writer.getConfig().getIndexDeletionPolicy();
        IndexCommit commit;
        try {
            commit = policy.snapshot();
        } catch (IllegalStateException e) {
            return Optional.empty(); // no commit yet
        } catch (IOException e) {
            throw new UncheckedIOException("cannot snapshot shard index at " + path, e);
        }
        try {
            String sequence = commit.getUserData().get(SEQUENCE_KEY);
            List<CommitFile> files = new ArrayList<>();
            for (String name : commit.getFileNames()) {
                try (IndexInput input = directory.openInput(name, IOContext.READONCE)) {
                    files.add(new CommitFile(name, input.length(), CodecUtil.retrieveChecksum(input)));
                }
            }
            return Optional.of(new CommitSnapshot(path, sequence == null ? 0 : Long.parseLong(sequence), files,
                    () -> release(policy, commit)));
        } catch (IOException | RuntimeException e) {
            release(policy, commit);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot describe the last commit of shard index at " + path, io);
            }
            throw (RuntimeException) e;
        }
    }

    private void release(SnapshotDeletionPolicy policy, IndexCommit commit) {
        try {
            policy.release(commit);
            // Without this the released files stay until the next commit or merge.
            writer.deleteUnusedFiles();
        } catch (AlreadyClosedException e) {
            // The shard closed meanwhile; the next writer on the directory deletes what no commit needs.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release a snapshot of shard index at " + path, e);
        }
    }

    /**
     * The log sequence recorded by the last commit of the index in {@code directory}, without opening a writer;
     * -1 when the directory does not exist or holds no commit. The index must not be open. Any thread.
     *
     * @throws UncheckedIOException if the commit cannot be read
     */
    public static long committedSequenceAt(Path directory) {
        if (!Files.isDirectory(directory)) {
            return -1;
        }
        try (Directory lucene = FSDirectory.open(directory)) {
            if (!DirectoryReader.indexExists(lucene)) {
                return -1;
            }
            String sequence = SegmentInfos.readLatestCommit(lucene).getUserData().get(SEQUENCE_KEY);
            return sequence == null ? 0 : Long.parseLong(sequence);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the last commit of shard index at " + directory, e);
        }
    }

    /**
     * The shard's Lucene directory, with the vector files ({@code .vec} floats, {@code .veq} quantized vectors,
     * {@code .vex} graph) mapped for random reads outside merges. A search reads them a vector or a neighbour list at
     * a time at scattered offsets; with the kernel's default read-around, a fault on a page that is not resident
     * reads about 128 KiB around it, so under memory pressure each vector read (3 KiB at 768 dimensions) evicts
     * dozens of pages that other searches need, and the index thrashes long before its searches' working set is
     * out of memory. Lucene marks only some of these files so; merges still read them sequentially.
     */
    static Directory openDirectory(Path directory) throws IOException {
        Directory lucene = FSDirectory.open(directory);
        if (lucene instanceof MMapDirectory mapped) {
            mapped.setReadAdvice((name, context) -> context.context() != IOContext.Context.MERGE
                    && (name.endsWith(".vec") || name.endsWith(".veq") || name.endsWith(".vex"))
                    ? Optional.of(ReadAdvice.RANDOM) : MMapDirectory.ADVISE_BY_CONTEXT.apply(name, context));
        }
        return lucene;
    }

    /**
     * Checks that {@code file} is a whole index file whose Lucene footer holds {@code checksum} and whose content
     * matches it (reads the entire file). Any thread.
     *
     * @throws UncheckedIOException if the file cannot be read, is truncated or corrupt, or has another checksum
     */
    public static void verifyChecksum(Path file, long checksum) {
        try (Directory lucene = FSDirectory.open(file.getParent());
                IndexInput input = lucene.openInput(file.getFileName().toString(), IOContext.READONCE)) {
            long actual = CodecUtil.checksumEntireFile(input);
            if (actual != checksum) {
                throw new IOException("checksum " + Long.toHexString(actual) + " where " + Long.toHexString(checksum)
                        + " was expected");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("index file " + file + " is not intact", e);
        }
    }

    /** The segments searchers see now; each is a graph of its own that every search visits. Any thread. */
    public int searchableSegments() {
        IndexSearcher searcher = acquire();
        try {
            return searcher.getIndexReader().leaves().size();
        } finally {
            release(searcher);
        }
    }

    /**
     * Asks Lucene to merge the index down to {@code maxSegments} segments on its merge threads and returns at once;
     * searchers see the result after the next {@link #refresh()}. Applier thread only.
     */
    public void compactInBackground(int maxSegments) {
        try {
            writer.forceMerge(maxSegments, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start compacting shard index at " + path, e);
        }
    }

    /** Whether a merge is running or waiting to run. Any thread. */
    public boolean merging() {
        return writer.hasPendingMerges() || !writer.getMergingSegments().isEmpty();
    }

    /** Whether the writer holds changes (writes or a finished merge) that searchers do not see yet. Any thread. */
    public boolean searcherStale() {
        IndexSearcher searcher = acquire();
        try {
            return !((DirectoryReader) searcher.getIndexReader()).isCurrent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect shard index at " + path, e);
        } finally {
            release(searcher);
        }
    }

    /** The number of live records visible to searchers. Any thread. */
    public int count() {
        IndexSearcher searcher = acquire();
        try {
            return searcher.getIndexReader().numDocs();
        } finally {
            release(searcher);
        }
    }

    /**
     * The visible records that match the filter, in insertion order, after skipping {@code offset} of them, at
     * most {@code limit}. Any thread.
     *
     * @param limit   at most this many records; {@link Integer#MAX_VALUE} for all
     * @param include the parts to load besides the id ({@link Include#DISTANCES} is ignored); the others are null
     */
    public List<StoredRecord> get(RecordFilter filter, int offset, int limit, Set<Include> include) {
        return get(filter, offset, limit, include, null);
    }

    /**
     * The first {@code limit} visible records that match the filter, in insertion order, with their insertion
     * orders: what a collection of several shards merges. Any thread.
     */
    public OrderedRecords getOrdered(RecordFilter filter, int limit, Set<Include> include) {
        List<long[]> orders = new ArrayList<>(1);
        List<StoredRecord> records = get(filter, 0, limit, include, orders);
        return new OrderedRecords(records, orders.isEmpty() ? new long[0] : orders.getFirst());
    }

    /** {@link #get}; when {@code orders} is given, adds to it the insertion orders of the records returned. */
    private List<StoredRecord> get(RecordFilter filter, int offset, int limit, Set<Include> include,
            @Nullable List<long[]> orders) {
        requireNonNull(filter, "filter is null");
        requireNonNull(include, "include is null");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        IndexSearcher searcher = acquire();
        try {
            IndexReader reader = searcher.getIndexReader();
            long end = Math.min((long) offset + limit, reader.numDocs());
            if (end <= offset) {
                return List.of();
            }
            Query filterQuery = FilterQueries.of(filter, whereDocumentIndex);
            ScoreDoc[] docs = searcher.search(filterQuery, (int) end, INSERTION_ORDER, false).scoreDocs;
            boolean withEmbedding = include.contains(Include.EMBEDDINGS);
            boolean withDocument = include.contains(Include.DOCUMENTS);
            boolean withMetadata = include.contains(Include.METADATAS);
            boolean withUri = include.contains(Include.URIS);
            StoredRecordReader records = new StoredRecordReader(reader, metric == Metric.COSINE);
            List<StoredRecord> result = new ArrayList<>(Math.max(0, docs.length - offset));
            long[] insertionOrders = orders == null ? null : new long[Math.max(0, docs.length - offset)];
            for (int i = offset; i < docs.length; i++) {
                records.load(docs[i].doc, withDocument, withMetadata, withUri, withEmbedding);
                result.add(records.toRecord(withEmbedding));
                if (insertionOrders != null) {
                    insertionOrders[i - offset] = (Long) ((FieldDoc) docs[i]).fields[0];
                }
            }
            if (orders != null) {
                orders.add(insertionOrders);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read records of shard index at " + path, e);
        } finally {
            release(searcher);
        }
    }

    /** The ids of all visible records that match the filter, in insertion order (for delete by where). */
    public List<String> matchingIds(RecordFilter filter) {
        List<StoredRecord> records = get(filter, 0, Integer.MAX_VALUE, Include.none());
        List<String> ids = new ArrayList<>(records.size());
        for (StoredRecord record : records) {
            ids.add(record.id());
        }
        return ids;
    }

    /**
     * For each query vector, the {@code nResults} visible records nearest to it that match the filter, nearest
     * first. Any thread.
     *
     * <p>Each query is one {@link KnnFloatVectorQuery} with {@code k = max(nResults, searchEf)} and the filter as
     * its pre-filter, so filtering happens inside the graph search (and Lucene searches exactly when the filter
     * leaves no more than {@code k} candidates). When {@code k} reaches the number of live records the search is
     * made exhaustive, so the answer is complete and exact. Only the final {@code nResults} hits load stored
     * fields. {@link Hit#score()} is recomputed on the caller's original vector with Lucene's similarity for the
     * metric ({@code COSINE} for cosine), so {@link Metric#distance(float)} gives Chroma's distance, and the hits
     * are ordered by that score (ties by the search's order).
     *
     * <p>In a quantized collection (see {@link Quantization}) the graph search ranks by quantized scores, which
     * misorder close neighbours, so the head of its {@code k} candidates ({@link #rescored}) is rescored on the
     * float vectors and only the best {@code nResults} go on. The exhaustive case rescores every candidate, so
     * it stays exact.
     *
     * @param queries  the query vectors, each of the shard's dimension (any dimension while the shard is empty)
     * @param nResults hits per query, at least 0; 0 gives empty lists
     * @param include  the parts of each record to load; the score is always set
     * @return one list per query vector, in the order of {@code queries}
     * @throws IllegalArgumentException if a query vector has another dimension than the shard's, or is not finite
     */
    public List<List<Hit>> query(float[][] queries, int nResults, RecordFilter filter, Set<Include> include) {
        return query(queries, nResults, configuration.searchEf(), filter, include);
    }

    /**
     * As {@link #query(float[][], int, RecordFilter, Set)}, with the collection's current {@code ef_search}, which
     * may have changed since the shard was opened.
     *
     * @param searchEf the least {@code k} of each approximate search, at least 1
     */
    public List<List<Hit>> query(float[][] queries, int nResults, int searchEf, RecordFilter filter,
            Set<Include> include) {
        if (searchEf < 1) {
            throw new IllegalArgumentException("searchEf must be positive: " + searchEf);
        }
        requireNonNull(queries, "queries is null");
        requireNonNull(filter, "filter is null");
        requireNonNull(include, "include is null");
        if (nResults < 0) {
            throw new IllegalArgumentException("nResults must not be negative: " + nResults);
        }
        for (int i = 0; i < queries.length; i++) {
            requireNonNull(queries[i], "query vector is null");
        }
        List<List<Hit>> results = new ArrayList<>(queries.length);
        if (nResults == 0) {
            for (int i = 0; i < queries.length; i++) {
                results.add(List.of());
            }
            return results;
        }
        IndexSearcher searcher = acquire();
        try {
            IndexReader reader = searcher.getIndexReader();
            FieldInfo vectorField = vectorField(reader);
            int liveDocs = reader.numDocs();
            if (vectorField == null || liveDocs == 0) {
                for (int i = 0; i < queries.length; i++) {
                    results.add(List.of());
                }
                return results;
            }
            int fieldDimension = vectorField.getVectorDimension();
            for (int i = 0; i < queries.length; i++) {
                if (queries[i].length != fieldDimension) {
                    throw new IllegalArgumentException("query vector " + i + " has " + queries[i].length
                            + " dimensions, the shard has " + fieldDimension);
                }
            }
            KnnPlan plan = KnnPlan.of(reader, nResults, searchEf,
                    filter.isEmpty() ? null : FilterQueries.of(filter, whereDocumentIndex));
            StoredRecordReader records = new StoredRecordReader(reader, metric == Metric.COSINE);
            for (float[] query : queries) {
                results.add(search(searcher, records, query, plan, nResults, include));
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot query shard index at " + path, e);
        } finally {
            release(searcher);
        }
    }

    /**
     * Runs searches of Chroma's Search API over one refreshed snapshot, one result per request in order: this
     * shard's {@link #searchPartials} merged as the only shard. Any thread.
     *
     * @param searchEf the least {@code k} of each vector search, at least 1
     * @throws IllegalArgumentException if a knn leaf's vector has another dimension than the shard's
     */
    public List<SearchResult> search(List<SearchRequest> requests, int searchEf) {
        return SearchMerge.merge(requests, List.of(searchPartials(requests, searchEf, true)));
    }

    /**
     * This shard's part of the answers to searches of Chroma's Search API, over one refreshed snapshot, one per
     * request in order (see {@link RankedSearch} for how, {@link SearchMerge} for the rest). Any thread.
     *
     * @param searchEf  the least {@code k} of each vector search, at least 1
     * @param onlyShard whether the parts are merged alone, as the collection's only shard: a search without rank
     *                  then skips the parts of records before its offset
     * @throws IllegalArgumentException if a knn leaf's vector has another dimension than the shard's
     */
    public List<ShardPartial> searchPartials(List<SearchRequest> requests, int searchEf, boolean onlyShard) {
        requireNonNull(requests, "requests is null");
        if (searchEf < 1) {
            throw new IllegalArgumentException("searchEf must be positive: " + searchEf);
        }
        IndexSearcher searcher = acquire();
        try {
            RankedSearch search = new RankedSearch(searcher, metric, indexedSimilarity, rescore, searchEf,
                    vectorField(searcher.getIndexReader()), whereDocumentIndex);
            List<ShardPartial> partials = new ArrayList<>(requests.size());
            for (SearchRequest request : requests) {
                partials.add(search.run(request, onlyShard));
            }
            return partials;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search shard index at " + path, e);
        } finally {
            release(searcher);
        }
    }

    /**
     * Runs one distance computation, so that Lucene chooses its vectorization provider now and logs which one
     * (SIMD through the incubating Panama vector API, or scalar code when {@code --add-modules
     * jdk.incubator.vector} is missing) at start-up rather than on the first request. Any thread.
     */
    public static void initializeVectorization() {
        org.apache.lucene.util.VectorUtil.squareDistance(new float[] {1f}, new float[] {0f});
    }

    /** Heap used by the writer's buffers (Lucene's {@link IndexWriter#ramBytesUsed()}). Any thread. */
    public long ramBytesUsed() {
        return writer.ramBytesUsed();
    }

    /** The total size of the files in the index directory, uncommitted segments included. Any thread. */
    public long diskBytes() {
        try {
            long total = 0;
            for (String file : directory.listAll()) {
                try {
                    total += directory.fileLength(file);
                } catch (NoSuchFileException | FileNotFoundException e) {
                    // A merge or commit deleted the file between listing and sizing; it no longer takes space.
                }
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot size shard index at " + path, e);
        }
    }

    /**
     * Closes searchers, writer and directory WITHOUT committing: whatever was applied after the last
     * {@link #commit()} is discarded and must be replayed from the log. The applier commits first when it wants a
     * clean close. Must not race with any other call.
     *
     * <ol>
     *   <li>Stop the lanes: each skips the rest of its writes, which this close would discard anyway, and counts
     *       them as done.
     *   <li>Wait until no lane is inside Lucene, so the writer is never closed under a running write.
     *   <li>Close searchers, writer and directory, each even if another failed.
     * </ol>
     *
     * @throws UncheckedIOException  if closing fails, or a lane's write failed and no earlier call reported it
     * @throws IllegalStateException if a lane's write failed otherwise and no earlier call reported it
     */
    @Override
    public void close() {
        Throwable unreported = null;
        work.lock();
        try {
            closing = true;
            while (queuedOperations > 0) {
                try {
                    progressed.await();
                } catch (InterruptedException e) {
                    // Close anyway; Lucene fails a write that still runs with AlreadyClosedException.
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (failure != null && !failureReported) {
                unreported = failure;
                failureReported = true;
            }
        } finally {
            work.unlock();
        }
        IOException closeFailure = null;
        for (Closeable closeable : new Closeable[] {searchers, writer, directory}) {
            try {
                closeable.close();
            } catch (IOException e) {
                if (closeFailure == null) {
                    closeFailure = e;
                } else {
                    closeFailure.addSuppressed(e);
                }
            }
        }
        if (unreported != null) {
            RuntimeException failed = failed(unreported, "close");
            if (closeFailure != null) {
                failed.addSuppressed(closeFailure);
            }
            throw failed;
        }
        if (closeFailure != null) {
            throw new UncheckedIOException("cannot close shard index at " + path, closeFailure);
        }
    }

    @Override
    public String toString() {
        return "ShardIndex[" + path + ", " + metric.chromaName() + "]";
    }

    // ---- apply ------------------------------------------------------------------------------------------------

    /** The records of a batch that belong to the shard, in batch order. */
    private static List<RecordWrite> routed(List<RecordWrite> records, int shard, int shardCount) {
        List<RecordWrite> routed = new ArrayList<>(records.size() / shardCount + 1);
        for (RecordWrite record : records) {
            if (ShardRouting.shardOf(record.id(), shardCount) == shard) {
                routed.add(record);
            }
        }
        return routed;
    }

    private void add(StoredRecordReader stored, long sequence, List<RecordWrite> records, int shard, int shardCount,
            IndexWrites writes) throws IOException {
        for (int position = 0; position < records.size(); position++) {
            RecordWrite write = records.get(position);
            if (shardCount > 1 && ShardRouting.shardOf(write.id(), shardCount) != shard) {
                continue;
            }
            // A repeat within the batch finds the first occurrence in the overlay, so the first one wins.
            if (exists(stored, write.id())) {
                continue;
            }
            insert(write, order(sequence, position), writes);
        }
    }

    private void upsert(StoredRecordReader stored, long sequence, List<RecordWrite> records, int shard,
            int shardCount, IndexWrites writes) throws IOException {
        for (int position = 0; position < records.size(); position++) {
            RecordWrite write = records.get(position);
            if (shardCount > 1 && ShardRouting.shardOf(write.id(), shardCount) != shard) {
                continue;
            }
            Entry existing = find(stored, write.id());
            if (existing == null) {
                insert(write, order(sequence, position), writes);
            } else {
                replace(merge(existing, write), writes);
            }
        }
    }

    /**
     * An upsert may omit the embedding only for a record that exists by the time it is applied (in the index, in
     * the overlay, or inserted by an earlier occurrence in this batch); checked before anything is written.
     */
    private void checkUpsertsWithoutEmbeddingExist(StoredRecordReader stored, List<RecordWrite> records)
            throws IOException {
        Set<String> insertedByBatch = null;
        for (RecordWrite write : records) {
            if (write.embedding() != null) {
                if (insertedByBatch == null) {
                    insertedByBatch = new HashSet<>();
                }
                insertedByBatch.add(write.id());
            } else if ((insertedByBatch == null || !insertedByBatch.contains(write.id()))
                    && !exists(stored, write.id())) {
                throw new IllegalArgumentException("UPSERT of new record " + write.id() + " has no embedding");
            }
        }
    }

    private void update(StoredRecordReader stored, List<RecordWrite> records, IndexWrites writes)
            throws IOException {
        for (RecordWrite write : records) {
            Entry existing = find(stored, write.id());
            if (existing != null) {
                replace(merge(existing, write), writes);
            }
        }
    }

    private void delete(List<RecordWrite> records, IndexWrites writes) {
        for (RecordWrite record : records) {
            String id = record.id();
            writes.delete(id, laneOf(id));
            overlay.put(id, TOMBSTONE);
        }
    }

    private void insert(RecordWrite write, long order, IndexWrites writes) {
        float[] embedding = write.embedding();
        assert embedding != null : "checkEmbeddings requires an embedding to insert " + write.id();
        Entry entry = new Entry(
                write.id(), embedding, write.document(), mergeMetadata(null, write.metadata()), write.uri(), order);
        writes.insert(entry, laneOf(entry.id()));
        overlay.put(entry.id(), entry);
        dimension = embedding.length;
    }

    private void replace(Entry entry, IndexWrites writes) {
        writes.replace(entry, laneOf(entry.id()));
        overlay.put(entry.id(), entry);
        dimension = entry.vector().length;
    }

    /**
     * The lane of an id: a function of the id alone, so all writes of one id share a lane and keep their order.
     * The high bits are folded in because ids that differ only in a suffix ("v1", "v2") may otherwise spread
     * unevenly over a lane count that shares a factor with their hashes' stride.
     */
    private int laneOf(String id) {
        int hash = id.hashCode();
        return Math.floorMod(hash ^ (hash >>> 16), lanes.length);
    }

    private static Term idTerm(String id) {
        return new Term(FieldNames.ID, FieldNames.term(id));
    }

    // ---- lanes ------------------------------------------------------------------------------------------------

    /**
     * Hands a batch's writes to its lanes. Applier thread only.
     * 1. Wait while more than {@link #MAX_QUEUED_OPERATIONS} writes are queued (unless the shard failed, when the
     *    lanes skip everything and the caller throws next).
     * 2. Under the lock, append the plan to the queue of every lane with writes in it and count them as queued, so
     *    that refresh, commit and close wait for them. A lane that is already scheduled takes the plan itself,
     *    after every plan before it: that, and one lane per id, is what keeps the writes of an id in log order.
     * 3. After unlocking, submit each lane that was idle. Outside the lock, because a same-thread pool runs the
     *    lane right here, indexing the whole batch, and a pool may take its time to start a thread.
     */
    private void enqueue(IndexWrites writes) {
        if (writes.size == 0) {
            return;
        }
        long idle = 0;
        work.lock();
        try {
            while (queuedOperations > MAX_QUEUED_OPERATIONS && failure == null) {
                progressed.await();
            }
            queuedOperations += writes.size;
            for (int number = 0; number < lanes.length; number++) {
                if (writes.laneSizes[number] == 0) {
                    continue;
                }
                Lane lane = lanes[number];
                lane.plans.addLast(writes);
                if (!lane.scheduled) {
                    lane.scheduled = true;
                    idle |= 1L << number;
                }
            }
        } catch (InterruptedException e) {
            // The overlay already holds the batch, which Lucene now never gets.
            Thread.currentThread().interrupt();
            recordFailure(e, true);
            throw new IllegalStateException("interrupted while handing batch " + writes.sequence
                    + " to the index threads of shard index at " + path, e);
        } finally {
            work.unlock();
        }
        while (idle != 0) {
            int number = Long.numberOfTrailingZeros(idle);
            idle &= idle - 1;
            submit(lanes[number]);
        }
    }

    private void submit(Lane lane) {
        try {
            indexPool.execute(lane);
        } catch (RejectedExecutionException e) {
            // The lane will not run: release its queued writes, or refresh, commit and close would wait forever.
            work.lock();
            try {
                recordFailure(e, false);
                for (IndexWrites plan = lane.plans.pollFirst(); plan != null; plan = lane.plans.pollFirst()) {
                    queuedOperations -= plan.laneSizes[lane.number];
                }
                lane.scheduled = false;
                progressed.signalAll();
            } finally {
                work.unlock();
            }
        }
    }

    /** Waits until the lanes have run every queued write, then throws if any write failed. Applier thread only. */
    private void awaitIndexed(String action) {
        work.lock();
        try {
            while (queuedOperations > 0) {
                progressed.await();
            }
            Throwable cause = failure;
            if (cause != null) {
                failureReported = true;
                throw failed(cause, action);
            }
        } catch (InterruptedException e) {
            // Nothing changed yet, so the shard is intact and the call may be retried.
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "interrupted while waiting for the index threads to " + action + " shard index at " + path, e);
        } finally {
            work.unlock();
        }
    }

    /** Throws the shard's failure, if any, without waiting for the lanes. */
    private void throwIfFailed(String action) {
        if (failure == null) {
            return;
        }
        work.lock();
        try {
            Throwable cause = failure;
            assert cause != null : "a failure is never cleared";
            failureReported = true;
            throw failed(cause, action);
        } finally {
            work.unlock();
        }
    }

    /** Records the shard's first failure; later ones are attached to it. Any thread; takes {@link #work}. */
    private void recordFailure(Throwable error, boolean reported) {
        work.lock();
        try {
            Throwable first = failure;
            if (first == null) {
                failure = error;
                failureReported = reported;
            } else if (first != error) {
                first.addSuppressed(error);
            }
            progressed.signalAll();
        } finally {
            work.unlock();
        }
    }

    private RuntimeException failed(Throwable cause, String action) {
        String message = "cannot " + action + ": a write to shard index at " + path
                + " failed; close it without committing and reopen it";
        return cause instanceof IOException io
                ? new UncheckedIOException(message, io)
                : new IllegalStateException(message, cause);
    }

    /**
     * The Lucene writes that one batch decided, in log order, each with the lane its id maps to. The applier fills
     * it, then hands it to every lane with writes in it (under {@link #work}, which publishes the arrays safely);
     * from then on it is read-only, and each lane runs its own writes in order and skips the others.
     *
     * <p>Invariants: the first {@link #size} slots of the arrays are filled; {@code laneSizes} sums to
     * {@code size}; a delete plan holds only deletes (with null entries), any other plan none.
     */
    private static final class IndexWrites {

        final long sequence;
        /**
         * A DELETE batch: every write is a delete, and a lane sends its ids in one call, which Lucene resolves
         * together. Other batches hold only inserts and replaces, which each lane sends one by one.
         */
        final boolean deletes;
        /** The id of each write. */
        final String[] ids;
        /** The full record each insert or replace indexes; null for deletes. */
        final @Nullable Entry[] entries;
        /** Whether entries[i] replaces the id's document (Lucene's updateDocument) or is new (addDocument). */
        final boolean[] replaces;
        /** The lane of each write. */
        final int[] lanes;
        /** The writes of each lane. */
        final int[] laneSizes;
        int size;

        IndexWrites(long sequence, boolean deletes, int capacity, int laneCount) {
            this.sequence = sequence;
            this.deletes = deletes;
            this.ids = new String[capacity];
            this.entries = new Entry[capacity];
            this.replaces = new boolean[capacity];
            this.lanes = new int[capacity];
            this.laneSizes = new int[laneCount];
        }

        void insert(Entry entry, int lane) {
            assert !deletes : "an insert in the delete plan of batch " + sequence;
            append(entry.id(), entry, false, lane);
        }

        void replace(Entry entry, int lane) {
            assert !deletes : "a replace in the delete plan of batch " + sequence;
            append(entry.id(), entry, true, lane);
        }

        void delete(String id, int lane) {
            assert deletes : "a delete in the plan of batch " + sequence + ", which is no DELETE";
            append(id, null, false, lane);
        }

        private void append(String id, @Nullable Entry entry, boolean replace, int lane) {
            assert size < ids.length : "plan of batch " + sequence + " is full at " + size;
            assert lane >= 0 && lane < laneSizes.length : "lane out of range: " + lane;
            ids[size] = id;
            entries[size] = entry;
            replaces[size] = replace;
            lanes[size] = lane;
            laneSizes[lane]++;
            size++;
        }
    }

    /**
     * One ordered queue of write plans, run on the index pool by at most one thread at a time: it is submitted only
     * while not {@link #scheduled}, and stays scheduled until it finds its queue empty. For each plan, oldest first,
     * it runs the plan's writes of this lane in log order, so that the writes of one id reach Lucene in log order.
     *
     * <p>Thread-safety: {@link #plans} and {@link #scheduled} are guarded by {@link #work}; the lane holds the lock
     * only to take a plan and to count it done, never while Lucene indexes.
     */
    private final class Lane implements Runnable {

        final int number;
        /** Guarded by {@link #work}. Plans handed to this lane and not yet taken, oldest first. */
        final ArrayDeque<IndexWrites> plans = new ArrayDeque<>();
        /** Guarded by {@link #work}. True from submission until the lane finds its queue empty. */
        boolean scheduled;

        Lane(int number) {
            this.number = number;
        }

        @Override
        public void run() {
            while (true) {
                IndexWrites writes;
                boolean skip;
                work.lock();
                try {
                    writes = plans.pollFirst();
                    if (writes == null) {
                        scheduled = false;
                        return;
                    }
                    // After a failure nothing more may reach Lucene, since the shard is reopened from its commit;
                    // after close began, nothing needs to, since close discards it.
                    skip = failure != null || closing;
                } finally {
                    work.unlock();
                }
                Throwable error = null;
                if (!skip) {
                    try {
                        index(writes);
                    } catch (Throwable e) {
                        // Any throwable: the applier rethrows it, and the count below must fall, or it waits forever.
                        error = e;
                    }
                }
                finished(writes.laneSizes[number], error);
            }
        }

        private void index(IndexWrites writes) throws IOException {
            int size = writes.size;
            int[] writeLanes = writes.lanes;
            if (writes.deletes) {
                Term[] terms = new Term[writes.laneSizes[number]];
                int count = 0;
                for (int i = 0; i < size; i++) {
                    if (writeLanes[i] == number) {
                        terms[count++] = idTerm(writes.ids[i]);
                    }
                }
                assert count == terms.length : "lane " + number + " expected " + terms.length + " deletes: " + count;
                writer.deleteDocuments(terms);
                return;
            }
            for (int i = 0; i < size && !closing; i++) {
                if (writeLanes[i] != number) {
                    continue;
                }
                Entry entry = writes.entries[i];
                assert entry != null : "an insert or replace carries its record: " + writes.ids[i];
                if (writes.replaces[i]) {
                    writer.updateDocument(idTerm(entry.id()), toDocument(entry));
                } else {
                    writer.addDocument(toDocument(entry));
                }
            }
        }

        private void finished(int operations, @Nullable Throwable error) {
            if (error != null) {
                recordFailure(error, false);
            }
            work.lock();
            try {
                queuedOperations -= operations;
                assert queuedOperations >= 0 : "queued writes below zero: " + queuedOperations;
                progressed.signalAll();
            } finally {
                work.unlock();
            }
        }
    }

    private boolean exists(StoredRecordReader stored, String id) throws IOException {
        Entry overlaid = overlay.get(id);
        if (overlaid != null) {
            return overlaid != TOMBSTONE;
        }
        return stored.locate(FieldNames.term(id)) >= 0;
    }

    /** The current record with this id, from the overlay or else the refreshed searcher; null if none. */
    private @Nullable Entry find(StoredRecordReader stored, String id) throws IOException {
        Entry overlaid = overlay.get(id);
        if (overlaid != null) {
            return overlaid == TOMBSTONE ? null : overlaid;
        }
        int doc = stored.locate(FieldNames.term(id));
        if (doc < 0) {
            return null;
        }
        stored.load(doc, true, true, true, true);
        float[] vector = stored.vector;
        assert vector != null : "a loaded record has a vector";
        byte[] metadata = stored.metadata;
        return new Entry(id, vector, stored.document, metadata == null ? null : BatchCodec.decodeMetadata(metadata),
                stored.uri, stored.order(doc));
    }

    private static Entry merge(Entry existing, RecordWrite write) {
        float[] embedding = write.embedding();
        String document = write.document();
        String uri = write.uri();
        return new Entry(
                existing.id(),
                embedding != null ? embedding : existing.vector(),
                document != null ? document : existing.document(),
                mergeMetadata(existing.metadata(), write.metadata()),
                uri != null ? uri : existing.uri(),
                existing.order());
    }

    /**
     * Applies a metadata patch key by key. {@link MetadataValue.Null} and empty arrays remove the key; a result
     * with no keys is null, since Chroma stores and returns no empty metadata.
     */
    static @Nullable Map<String, MetadataValue> mergeMetadata(
            @Nullable Map<String, MetadataValue> existing, @Nullable Map<String, MetadataValue> patch) {
        if (patch == null || patch.isEmpty()) {
            return existing;
        }
        LinkedHashMap<String, MetadataValue> merged =
                existing == null ? new LinkedHashMap<>() : new LinkedHashMap<>(existing);
        for (Map.Entry<String, MetadataValue> entry : patch.entrySet()) {
            MetadataValue value = entry.getValue();
            if (value instanceof MetadataValue.Null || isEmptyArray(value)) {
                merged.remove(entry.getKey());
            } else {
                merged.put(entry.getKey(), value);
            }
        }
        return merged.isEmpty() ? null : Collections.unmodifiableMap(merged);
    }

    private static boolean isEmptyArray(MetadataValue value) {
        return switch (value) {
            case MetadataValue.StringArray array -> array.values().isEmpty();
            case MetadataValue.IntArray array -> array.values().isEmpty();
            case MetadataValue.FloatArray array -> array.values().isEmpty();
            case MetadataValue.BoolArray array -> array.values().isEmpty();
            case MetadataValue.StringValue ignored -> false;
            case MetadataValue.IntValue ignored -> false;
            case MetadataValue.FloatValue ignored -> false;
            case MetadataValue.BoolValue ignored -> false;
            case MetadataValue.Null ignored -> false;
        };
    }

    private Document toDocument(Entry entry) {
        Document document = new Document();
        document.add(new StringField(FieldNames.ID, FieldNames.term(entry.id()), Field.Store.NO));
        document.add(new BinaryDocValuesField(FieldNames.ID_VALUE, new BytesRef(entry.id())));
        float[] vector = entry.vector();
        if (metric == Metric.COSINE) {
            // DOT_PRODUCT needs unit vectors; a zero vector stays zero rather than failing.
            float[] unit = VectorUtil.l2normalize(vector.clone(), false);
            document.add(new KnnFloatVectorField(FieldNames.VECTOR, unit, indexedSimilarity));
            document.add(new StoredField(FieldNames.RAW_VECTOR, StoredRecordReader.vectorBytes(vector)));
        } else {
            document.add(new KnnFloatVectorField(FieldNames.VECTOR, vector, indexedSimilarity));
        }
        String text = entry.document();
        if (text != null) {
            document.add(new BinaryDocValuesField(FieldNames.DOCUMENT, new BytesRef(text)));
            document.add(DocumentText.field(text));
        }
        // Also without a document: the marker tells queries that this segment's records all carry the field.
        document.add(DocumentNgrams.field(text));
        Map<String, MetadataValue> metadata = entry.metadata();
        if (metadata != null) {
            document.add(new BinaryDocValuesField(FieldNames.METADATA_VALUE,
                    new BytesRef(BatchCodec.encodeMetadata(metadata))));
            for (Map.Entry<String, MetadataValue> field : metadata.entrySet()) {
                addMetadataFields(document, field.getKey(), field.getValue());
            }
        }
        String uri = entry.uri();
        if (uri != null) {
            document.add(new StoredField(FieldNames.URI, uri));
        }
        document.add(new NumericDocValuesField(FieldNames.ORDER, entry.order()));
        document.add(new LongPoint(FieldNames.ORDER, entry.order()));
        return document;
    }

    private static void addMetadataFields(Document document, String key, MetadataValue value) {
        switch (value) {
            case MetadataValue.StringValue string -> document.add(
                    new StringField(FieldNames.scalarString(key), FieldNames.term(string.value()), Field.Store.NO));
            case MetadataValue.IntValue integer -> document.add(
                    new DoublePoint(FieldNames.scalarNumber(key), FieldNames.number(integer.value())));
            case MetadataValue.FloatValue number -> document.add(
                    new DoublePoint(FieldNames.scalarNumber(key), FieldNames.number(number.value())));
            case MetadataValue.BoolValue bool -> document.add(
                    new StringField(FieldNames.scalarBool(key), FieldNames.bool(bool.value()), Field.Store.NO));
            case MetadataValue.StringArray array -> {
                String field = FieldNames.arrayString(key);
                for (String element : array.values()) {
                    document.add(new StringField(field, FieldNames.term(element), Field.Store.NO));
                }
            }
            case MetadataValue.IntArray array -> {
                String field = FieldNames.arrayNumber(key);
                for (long element : array.values()) {
                    document.add(new DoublePoint(field, FieldNames.number(element)));
                }
            }
            case MetadataValue.FloatArray array -> {
                String field = FieldNames.arrayNumber(key);
                for (double element : array.values()) {
                    document.add(new DoublePoint(field, FieldNames.number(element)));
                }
            }
            case MetadataValue.BoolArray array -> {
                String field = FieldNames.arrayBool(key);
                for (boolean element : array.values()) {
                    document.add(new StringField(field, FieldNames.bool(element), Field.Store.NO));
                }
            }
            case MetadataValue.Null ignored -> throw new IllegalStateException("Null is never stored: " + key);
        }
    }

    /**
     * Checks every embedding of a batch before anything is written, so a bad batch changes nothing: present where
     * required, non-empty, within {@link ShardCodec#MAX_DIMENSIONS}, finite, and of one dimension that matches
     * the shard's.
     */
    private void checkEmbeddings(WriteBatch.Operation operation, List<RecordWrite> records) {
        if (operation == WriteBatch.Operation.DELETE) {
            return;
        }
        // An upsert without embedding is checked against the existing records later, still before any write.
        boolean required = operation == WriteBatch.Operation.ADD;
        int expected = dimension;
        for (RecordWrite record : records) {
            float[] embedding = record.embedding();
            if (embedding == null) {
                if (required) {
                    throw new IllegalArgumentException(operation + " of record " + record.id() + " has no embedding");
                }
                continue;
            }
            if (embedding.length == 0 || embedding.length > ShardCodec.MAX_DIMENSIONS) {
                throw new IllegalArgumentException("embedding of record " + record.id() + " has " + embedding.length
                        + " dimensions, not in [1, " + ShardCodec.MAX_DIMENSIONS + "]");
            }
            if (expected == 0) {
                expected = embedding.length;
            } else if (embedding.length != expected) {
                throw new IllegalArgumentException("embedding of record " + record.id() + " has "
                        + embedding.length + " dimensions, expected " + expected);
            }
            for (int i = 0; i < embedding.length; i++) {
                if (!Float.isFinite(embedding[i])) {
                    throw new IllegalArgumentException(
                            "embedding of record " + record.id() + " is not finite at " + i + ": " + embedding[i]);
                }
            }
        }
    }

    /** Insertion order: the batch's sequence, then the position in it; unique and replay-stable. */
    static long order(long sequence, int position) {
        assert sequence > 0 && sequence <= MAX_SEQUENCE : "sequence out of range: " + sequence;
        assert position >= 0 && position < MAX_BATCH_SIZE : "position out of range: " + position;
        return (sequence << POSITION_BITS) | position;
    }

    // ---- query ------------------------------------------------------------------------------------------------

    private List<Hit> search(
            IndexSearcher searcher, StoredRecordReader records, float[] query, KnnPlan plan, int nResults,
            Set<Include> include) throws IOException {
        float[] target = metric == Metric.COSINE ? VectorUtil.l2normalize(query.clone(), false) : query;
        ScoreDoc[] nearest = plan.nearest(searcher, records, target, nResults, rescore, indexedSimilarity);
        int n = nearest.length;
        if (n == 0) {
            return List.of();
        }
        boolean withEmbedding = include.contains(Include.EMBEDDINGS);
        boolean withDocument = include.contains(Include.DOCUMENTS);
        boolean withMetadata = include.contains(Include.METADATAS);
        boolean withUri = include.contains(Include.URIS);
        StoredRecord[] hits = new StoredRecord[n];
        float[] scores = new float[n];
        // Score and position packed in one long (after Lucene's NeighborQueue): high half the sortable score bits,
        // low half inverted position, so an ascending sort read backwards gives descending score, then search order.
        long[] ranked = new long[n];
        for (int i = 0; i < n; i++) {
            ScoreDoc hit = nearest[i];
            records.load(hit.doc, withDocument, withMetadata, withUri, withEmbedding);
            hits[i] = records.toRecord(withEmbedding);
            scores[i] = hit.score;
            ranked[i] = ((long) NumericUtils.floatToSortableInt(hit.score) << 32) | (0xFFFFFFFFL & ~i);
        }
        Arrays.sort(ranked);
        List<Hit> result = new ArrayList<>(n);
        for (int j = n - 1; j >= 0; j--) {
            int i = ~(int) ranked[j];
            assert i >= 0 && i < n : "unpacked position out of range: " + i;
            result.add(new Hit(hits[i], scores[i]));
        }
        return result;
    }

    /**
     * How many of a quantized search's {@code k} candidates are rescored on the float vectors: all of them when
     * the search was exhaustive, so its answer stays exact; otherwise {@value #RESCORE_OVERSAMPLE} per result
     * asked for. 8-bit scores misorder only close neighbours, so the true nearest sit near the head of the list,
     * and a search reads a few float vectors rather than one per candidate of its beam. On 50,000 clustered
     * 768-dimensional vectors, recall@10 at ef_search 40 and 160 was 0.932 and 0.998 rescoring every candidate,
     * 0.933 and 0.998 rescoring 4 per result, 0.928 and 0.998 rescoring 2 (bench/run.sh clustered-768
     * --quantization int8 --vectors 50000).
     */
    static int rescored(int k, int nResults, boolean exhaustive) {
        return exhaustive ? k : (int) Math.min(k, (long) RESCORE_OVERSAMPLE * nResults);
    }

    private static @Nullable FieldInfo vectorField(IndexReader reader) {
        for (LeafReaderContext leaf : reader.leaves()) {
            FieldInfo field = leaf.reader().getFieldInfos().fieldInfo(FieldNames.VECTOR);
            if (field != null && field.getVectorDimension() > 0) {
                return field;
            }
        }
        return null;
    }

    private static VectorSimilarityFunction indexedSimilarity(Metric metric) {
        return switch (metric) {
            case L2 -> VectorSimilarityFunction.EUCLIDEAN;
            case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
            case COSINE -> VectorSimilarityFunction.DOT_PRODUCT;
        };
    }

    private IndexSearcher acquire() {
        try {
            return searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot acquire a searcher of shard index at " + path, e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release a searcher of shard index at " + path, e);
        }
    }

    private static void closeAfterFailure(Exception failure, @Nullable Closeable... closeables) {
        for (Closeable closeable : closeables) {
            if (closeable == null) {
                continue;
            }
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * A record as the applier knows it: the caller's vector (never normalised) and every stored part.
     *
     * @param order the insertion order, kept across updates
     */
    private record Entry(
            String id,
            float[] vector,
            @Nullable String document,
            @Nullable Map<String, MetadataValue> metadata,
            @Nullable String uri,
            long order) {
    }
}
