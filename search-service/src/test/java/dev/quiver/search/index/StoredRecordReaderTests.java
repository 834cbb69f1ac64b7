package dev.quiver.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.MetadataValue;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class StoredRecordReaderTests {

    private static final Map<String, MetadataValue> METADATA = Map.of("bucket", new MetadataValue.IntValue(7));

    @Test
    void readsRecordsFromDocValuesAndRecordsWrittenBeforeThemFromStoredFields() throws IOException {
        try (var directory = new ByteBuffersDirectory();
                var writer = new IndexWriter(directory, new IndexWriterConfig())) {
            writer.addDocument(storedLayout("old", "old text"));
            writer.addDocument(docValuesLayout("new", "new text"));
            writer.addDocument(docValuesLayout("bare", null));
            // One merged segment holds both layouts, as after a merge of old and new segments.
            writer.forceMerge(1);
            writer.commit();
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                var records = new StoredRecordReader(reader, false);

                records.load(1, true, true, false, false);
                assertThat(records.toRecord(false).id()).isEqualTo("new");
                assertThat(records.toRecord(false).document()).isEqualTo("new text");
                assertThat(records.toRecord(false).metadata()).isEqualTo(METADATA);

                // Backwards, then the old layout: the forward-only doc values are reopened, stored fields read.
                records.load(0, true, true, false, false);
                assertThat(records.toRecord(false).id()).isEqualTo("old");
                assertThat(records.toRecord(false).document()).isEqualTo("old text");
                assertThat(records.toRecord(false).metadata()).isEqualTo(METADATA);

                records.load(2, true, true, false, false);
                assertThat(records.toRecord(false).id()).isEqualTo("bare");
                assertThat(records.toRecord(false).document()).isNull();
                assertThat(records.toRecord(false).metadata()).isNull();

                // The same record twice in a row, and parts not asked for stay unread.
                records.load(1, false, false, false, false);
                records.load(1, false, false, false, false);
                assertThat(records.toRecord(false).id()).isEqualTo("new");
                assertThat(records.toRecord(false).document()).isNull();
                assertThat(records.toRecord(false).metadata()).isNull();
            }
        }
    }

    @Test
    void rescoringReordersTheHeadOfTheCandidatesByTheirFloatVectorsAndLooksNoFurther() throws IOException {
        // Doc i lies at distance i from the origin query: the float order is 0, 1, 2, 3, 4.
        try (var directory = new ByteBuffersDirectory();
                var writer = new IndexWriter(directory, new IndexWriterConfig())) {
            for (int i = 0; i < 5; i++) {
                Document document = new Document();
                document.add(new KnnFloatVectorField(FieldNames.VECTOR, new float[] {i, 0},
                        VectorSimilarityFunction.EUCLIDEAN));
                writer.addDocument(document);
            }
            writer.commit();
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                var records = new StoredRecordReader(reader, false);
                // A quantized search's misordered list: the nearest record (doc 0) only fourth.
                ScoreDoc[] candidates = {new ScoreDoc(2, 0.9f), new ScoreDoc(1, 0.8f), new ScoreDoc(3, 0.7f),
                        new ScoreDoc(0, 0.6f), new ScoreDoc(4, 0.5f)};
                float[] query = {0, 0};

                ScoreDoc[] head = records.rescore(candidates, 3, 2, query, VectorSimilarityFunction.EUCLIDEAN);
                assertThat(head).extracting(hit -> hit.doc).containsExactly(1, 2);
                assertThat(head[0].score).isEqualTo(VectorSimilarityFunction.EUCLIDEAN.compare(query,
                        new float[] {1, 0}));

                ScoreDoc[] all = records.rescore(candidates, 5, 10, query, VectorSimilarityFunction.EUCLIDEAN);
                assertThat(all).extracting(hit -> hit.doc).containsExactly(0, 1, 2, 3, 4);
            }
        }
        assertThat(ShardIndex.rescored(160, 10, false)).isEqualTo(ShardIndex.RESCORE_OVERSAMPLE * 10);
        assertThat(ShardIndex.rescored(20, 10, false)).isEqualTo(20);
        assertThat(ShardIndex.rescored(5000, 10, true)).isEqualTo(5000);
        assertThat(ShardIndex.rescored(160, Integer.MAX_VALUE, false)).isEqualTo(160);
    }

    private static Document storedLayout(String id, String text) {
        Document document = new Document();
        document.add(new StringField(FieldNames.ID, FieldNames.term(id), Field.Store.NO));
        document.add(new StoredField(FieldNames.ID, id));
        document.add(new StoredField(FieldNames.DOCUMENT, text));
        document.add(new BinaryDocValuesField(FieldNames.DOCUMENT, new BytesRef(text)));
        document.add(new StoredField(FieldNames.METADATA, BatchCodec.encodeMetadata(METADATA)));
        return document;
    }

    private static Document docValuesLayout(String id, String text) {
        Document document = new Document();
        document.add(new StringField(FieldNames.ID, FieldNames.term(id), Field.Store.NO));
        document.add(new BinaryDocValuesField(FieldNames.ID_VALUE, new BytesRef(id)));
        if (text != null) {
            document.add(new BinaryDocValuesField(FieldNames.DOCUMENT, new BytesRef(text)));
            document.add(new BinaryDocValuesField(FieldNames.METADATA_VALUE,
                    new BytesRef(BatchCodec.encodeMetadata(METADATA))));
        }
        return document;
    }
}
