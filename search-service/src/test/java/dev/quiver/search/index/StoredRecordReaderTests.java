package dev.quiver.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.MetadataValue;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
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
