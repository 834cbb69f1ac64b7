// Search API: the official client's collection.search() with its Search, Knn, Rrf, K and GroupBy builders.
// The local Chroma server answers 501 for search (only Chroma Cloud runs it), so against it this file is skipped;
// Quiver implements it, and adds BM25 as a raw rank object ({$bm25: ...}) that the client sends through untouched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupBy, K, Knn, MinK, Rrf, Search } from 'chromadb';
import { clientCollection, collectionPath, http } from '../lib/harness.mjs';

/**
 * A labelled set: the query vector [1, 0, 0] is nearest to a distractor that never mentions quokkas; the
 * relevant record mentions them and lies fourth by vector.
 */
async function animals(t) {
    const collection = await clientCollection(t, 'search');
    await collection.add({
        ids: ['distractor', 'relevant', 'cats', 'dogs', 'birds'],
        embeddings: [[0.99, 0.1, 0], [0.7, 0.7, 0], [0.9, 0.3, 0.1], [0.8, 0.5, 0.2], [0, 1, 0]],
        documents: ['Kangaroos hop across the open plains of Australia',
            'The quokka is a small marsupial that smiles for photos',
            'Cats sleep most of the day', 'Dogs sleep and play fetch', 'Birds sing at dawn'],
        metadatas: [{ shelf: 'wild' }, { shelf: 'wild' }, { shelf: 'pets' }, { shelf: 'pets' }, { shelf: 'wild' }],
    });
    return collection;
}

/** Whether the server runs searches: the local Chroma answers 501 "not implemented for local executor". */
async function searchSupported(collection) {
    const res = await http('POST', `${collectionPath(collection.id)}/search`, { searches: [] });
    return res.status !== 501;
}

describe('search', () => {
    it('ranks by a dense Knn with limit, offset and select', async (t) => {
        const collection = await animals(t);
        if (!(await searchSupported(collection))) return t.skip('search is not implemented by this server');
        const result = await collection.search(new Search()
            .rank(Knn({ query: [1, 0, 0], limit: 10 }))
            .limit(2, 1)
            .select(K.DOCUMENT, K.SCORE, 'shelf'));
        const rows = result.rows()[0];
        assert.deepEqual(rows.map((row) => row.id), ['cats', 'dogs']);
        assert.equal(rows[0].document, 'Cats sleep most of the day');
        assert.deepEqual(rows[0].metadata, { shelf: 'pets' });
        assert.ok(Math.abs(rows[0].score - (0.01 + 0.09 + 0.01)) < 1e-4, `score ${rows[0].score}`);
        assert.equal(result.embeddings[0], null);
        assert.deepEqual(result.select[0], ['#document', '#score', 'shelf']);
    });

    it('ranks documents by BM25 with a raw $bm25 rank', async (t) => {
        const collection = await animals(t);
        if (!(await searchSupported(collection))) return t.skip('search is not implemented by this server');
        const result = await collection.search(new Search().rank({ $bm25: { query: 'quokka', limit: 5 } }));
        assert.deepEqual(result.ids[0], ['relevant']);
    });

    it('fuses vector and BM25 ranks with Rrf so the keyword match comes first', async (t) => {
        const collection = await animals(t);
        if (!(await searchSupported(collection))) return t.skip('search is not implemented by this server');
        const vector = Knn({ query: [1, 0, 0], limit: 10, default: 100, returnRank: true });
        const text = { $bm25: { query: 'quokka', limit: 10, default: 100, return_rank: true } };

        const vectorOnly = await collection.search(new Search().rank(Knn({ query: [1, 0, 0], limit: 10 })));
        const hybrid = await collection.search(new Search().rank(Rrf({ ranks: [vector, text], k: 60 }))
            .select(K.SCORE));

        assert.equal(vectorOnly.ids[0][0], 'distractor');
        assert.equal(hybrid.ids[0][0], 'relevant');
        assert.ok(Math.abs(hybrid.scores[0][0] + (1 / 63 + 1 / 60)) < 1e-6, `score ${hybrid.scores[0][0]}`);
    });

    it('filters with K expressions and groups with GroupBy', async (t) => {
        const collection = await animals(t);
        if (!(await searchSupported(collection))) return t.skip('search is not implemented by this server');
        const filtered = await collection.search(new Search()
            .where(K('shelf').eq('pets').and(K.DOCUMENT.contains('sleep')))
            .rank(Knn({ query: [1, 0, 0] })));
        assert.deepEqual(filtered.ids[0], ['cats', 'dogs']);

        const grouped = await collection.search(new Search()
            .rank(Knn({ query: [1, 0, 0], limit: 10 }))
            .groupBy(new GroupBy([K('shelf')], new MinK([K.SCORE], 1))));
        assert.deepEqual(grouped.ids[0], ['distractor', 'cats']);
    });
});
