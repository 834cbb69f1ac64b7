// Approximate search quality: recall@10 of the server's kNN against a brute force computed here, for l2 and cosine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose, clientCollection, seededRandom } from '../lib/harness.mjs';

const COUNT = 2000;
const DIMENSION = 32;
const QUERIES = 50;
const K = 10;
const MIN_RECALL = 0.95;

/** Fixed-seed vectors with float32-exact components, so the server and this brute force see the same numbers. */
function vectors(seed) {
    const random = seededRandom(seed);
    return Array.from({ length: COUNT }, () => Array.from({ length: DIMENSION }, () => Math.fround(random() * 2 - 1)));
}

const DISTANCE = {
    l2: (a, b) => {
        let sum = 0;
        for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
        return sum;
    },
    cosine: (a, b) => {
        let dot = 0, na = 0, nb = 0;
        for (let i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return 1 - dot / Math.sqrt(na * nb);
    },
};

function bruteForce(data, query, distance) {
    return data.map((v, i) => [distance(query, v), i]).sort((x, y) => x[0] - y[0]).slice(0, K);
}

describe('recall', () => {
    for (const [space, seed] of [['l2', 11], ['cosine', 23]]) {
        it(`recall@${K} over ${COUNT} random ${DIMENSION}-d vectors, ${space}, is at least ${MIN_RECALL}`, async (t) => {
            const data = vectors(seed);
            const ids = data.map((_, i) => `v${i}`);
            const collection = await clientCollection(t, `recall-${space}`, { configuration: { hnsw: { space } } });
            await collection.add({ ids, embeddings: data });
            assert.equal(await collection.count(), COUNT);

            // Query with 50 of the stored vectors, spread over the whole set.
            const queryIndexes = Array.from({ length: QUERIES }, (_, q) => (q * 37 + 5) % COUNT);
            const result = await collection.query({
                queryEmbeddings: queryIndexes.map((i) => data[i]), nResults: K, include: ['distances'],
            });
            assert.equal(result.ids.length, QUERIES);

            let found = 0;
            queryIndexes.forEach((queryIndex, q) => {
                const truth = bruteForce(data, data[queryIndex], DISTANCE[space]);
                const truthIds = new Set(truth.map(([, i]) => ids[i]));
                assert.equal(result.ids[q].length, K);
                found += result.ids[q].filter((id) => truthIds.has(id)).length;
                // Distances follow Chroma's formula and come sorted ascending.
                const distances = result.distances[q];
                for (let i = 1; i < distances.length; i++) assert.ok(distances[i - 1] <= distances[i] + 1e-6);
                result.ids[q].forEach((id, i) => assertClose(distances[i],
                    DISTANCE[space](data[queryIndex], data[Number(id.slice(1))]), 1e-3, `${space} distance of ${id}`));
                assertClose(distances[0], 0, 1e-4, 'a stored vector is nearest to itself');
            });
            const recall = found / (QUERIES * K);
            t.diagnostic(`${space} recall@${K} = ${recall}`);
            assert.ok(recall >= MIN_RECALL, `recall@${K} ${recall} < ${MIN_RECALL}`);
        });
    }
});
