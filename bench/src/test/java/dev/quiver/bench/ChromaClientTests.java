package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ChromaClientTests {

    @Test
    void addBodyCarriesIdsAndLittleEndianFloat32Base64AsTheJsClientSendsThem() {
        float[][] vectors = {{0f, 1f}, {1.5f, -2f}, {3f, 0.25f}};

        JsonNode body = ChromaClient.JSON.readTree(ChromaClient.addBody(vectors, 1, 3));

        assertThat(body.get("ids").get(0).asString()).isEqualTo("v1");
        assertThat(body.get("ids").get(1).asString()).isEqualTo("v2");
        byte[] bytes = Base64.getDecoder().decode(body.get("embeddings").get(0).asString());
        var floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        assertThat(bytes).hasSize(8);
        assertThat(floats.get(0)).isEqualTo(1.5f);
        assertThat(floats.get(1)).isEqualTo(-2f);
        assertThat(body.get("metadatas").get(1).get("bucket").asInt()).isEqualTo(Dataset.bucket(2));
    }

    @Test
    void queryBodyUsesChromaFieldNames() {
        JsonNode body = ChromaClient.JSON.readTree(ChromaClient.queryBody(new float[] {0.5f, 2f}, 10));

        assertThat(body.get("query_embeddings").get(0).get(1).floatValue()).isEqualTo(2f);
        assertThat(body.get("n_results").asInt()).isEqualTo(10);
        assertThat(body.get("include").toString()).contains("distances");
        assertThat(body.has("where")).isFalse();
    }

    @Test
    void filteredQueryBodyCarriesTheBucketBoundAsAWhereClause() {
        JsonNode body = ChromaClient.JSON.readTree(
                ChromaClient.queryBody(new float[] {0.5f}, 10, Filter.percent(10)));

        assertThat(body.get("where").toString()).isEqualTo("{\"bucket\":{\"$lt\":10}}");
    }
}
