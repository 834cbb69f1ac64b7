// Bad input. Each case checks the status, the {"error","message"} body and, where Chroma's text is known, the
// message; then that nothing was written (the collection's records are exactly as before).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChromaClientError, ChromaValueError } from 'chromadb';
import {
    API, assertError, base64Embedding, client, collectionPath, count, dbPath, http, ok, rawCollection,
    rejectsWith, uniqueName,
} from '../lib/harness.mjs';

const DIMENSION_MESSAGE = 'Collection expecting embedding with dimension of 3, got 2';
const LENGTH_MESSAGE = 'Inconsistent number of IDs, embeddings, documents, URIs and metadatas';
const UNKNOWN_UUID = '00000000-0000-4000-8000-00000000dead';

/** A 3-d collection with three records, and a function that asserts they are still exactly as they were. */
async function seeded(t, prefix) {
    const collection = await rawCollection(t, prefix);
    const path = collectionPath(collection.id);
    await ok('POST', `${path}/add`, {
        ids: ['a', 'b', 'c'], embeddings: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        documents: ['doc a', 'doc b', 'doc c'], metadatas: [{ k: 1 }, { k: 2 }, null],
    }, 201);
    const snapshot = async () => ok('POST', `${path}/get`, { include: ['embeddings', 'documents', 'metadatas', 'uris'] });
    const before = await snapshot();
    const unchanged = async () => {
        assert.equal(await count(collection.id), 3, 'count unchanged');
        assert.deepEqual(await snapshot(), before, 'records unchanged');
    };
    return { collection, path, unchanged };
}

describe('embeddings', () => {
    it('wrong dimension is 400 on add, upsert, update and query', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-dim');
        assertError(await http('POST', `${path}/add`, { ids: ['d'], embeddings: [[1, 0]] }), 400, DIMENSION_MESSAGE);
        assertError(await http('POST', `${path}/add`, { ids: ['d'], embeddings: [base64Embedding([1, 0])] }), 400,
            DIMENSION_MESSAGE);
        assertError(await http('POST', `${path}/upsert`, { ids: ['a'], embeddings: [[1, 0]] }), 400, DIMENSION_MESSAGE);
        assertError(await http('POST', `${path}/update`, { ids: ['a'], embeddings: [[1, 0]] }), 400, DIMENSION_MESSAGE);
        assertError(await http('POST', `${path}/query`, { query_embeddings: [[1, 0]] }), 400, DIMENSION_MESSAGE);
        // One bad record spoils the whole batch.
        assertError(await http('POST', `${path}/add`, { ids: ['d', 'e'], embeddings: [[1, 0], [0, 1]] }), 400,
            DIMENSION_MESSAGE);
        await unchanged();
    });

    it('wrong dimension through the client is a ChromaClientError with the server message', async (t) => {
        const { collection, unchanged } = await seeded(t, 'err-dim-client');
        const handle = await client().getCollectionById(collection.id);
        await rejectsWith(handle.add({ ids: ['d'], embeddings: [[1, 0]] }), ChromaClientError, DIMENSION_MESSAGE);
        await rejectsWith(handle.query({ queryEmbeddings: [[1, 0]] }), ChromaClientError, DIMENSION_MESSAGE);
        await unchanged();
    });

    it('inconsistent dimensions inside one batch are 400', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-mixed-dim');
        const message = 'Inconsistent dimensions in provided embeddings';
        assertError(await http('POST', `${path}/add`, { ids: ['y', 'z'], embeddings: [[1, 2, 3], [3, 4]] }), 400, message);
        assertError(await http('POST', `${path}/query`, { query_embeddings: [[1, 2, 3], [1, 2]] }), 400, message);
        await unchanged();
        // In an empty collection, too (no dimension to compare with yet).
        const empty = await rawCollection(t, 'err-mixed-dim-empty');
        assertError(await http('POST', `${collectionPath(empty.id)}/add`,
            { ids: ['y', 'z'], embeddings: [[1, 2], [3, 4, 5]] }), 400, message);
        assert.equal(await count(empty.id), 0);
    });

    it('lists of different lengths are 400', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-length');
        for (const body of [
            { ids: ['d', 'e'], embeddings: [[1, 0, 0]] },
            { ids: ['d'], embeddings: [[1, 0, 0], [0, 1, 0]] },
            { ids: ['d'], embeddings: [[1, 0, 0]], documents: ['x', 'y'] },
            { ids: ['d'], embeddings: [[1, 0, 0]], metadatas: [null, null] },
            { ids: ['d'], embeddings: [[1, 0, 0]], uris: [null, null] },
        ]) {
            assertError(await http('POST', `${path}/add`, body), 400, LENGTH_MESSAGE);
        }
        assertError(await http('POST', `${path}/upsert`, { ids: ['a', 'd'], embeddings: [[1, 0, 0]] }), 400, LENGTH_MESSAGE);
        assertError(await http('POST', `${path}/update`, { ids: ['a', 'b'], documents: ['x'] }), 400, LENGTH_MESSAGE);
        await unchanged();
    });

    it('an empty embedding is 400', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-empty-emb');
        assertError(await http('POST', `${path}/add`, { ids: ['d'], embeddings: [[]] }), 400,
            'Each embedding must have at least 1 dimension');
        await unchanged();
    });

    it('NaN, Infinity and values beyond float32 are 400', async (t) => {
        const { collection, path, unchanged } = await seeded(t, 'err-nan');
        const finite = 'Embeddings must not contain NaN or Infinity values';
        assertError(await http('POST', `${path}/add`, { ids: ['d'], embeddings: [[1e39, 0, 0]] }), 400, finite);
        assertError(await http('POST', `${path}/add`, '{"ids":["d"],"embeddings":[[-1e39,0,0]]}'), 400, finite);
        assertError(await http('POST', `${path}/upsert`, { ids: ['a'], embeddings: [[1e39, 0, 0]] }), 400, finite);
        // Base64 can carry NaN and Infinity themselves. Chroma: "Non-finite float value at embedding index 0: NaN".
        for (const bad of [NaN, Infinity, -Infinity]) {
            const res = await http('POST', `${path}/add`, { ids: ['d'], embeddings: [base64Embedding([bad, 0, 0])] });
            assertError(res, 400, /non-finite|NaN|Infinity/i);
        }
        await unchanged();
        // The largest float32 values are fine.
        await ok('POST', `${path}/add`, { ids: ['big'], embeddings: [[3.4e38, -3.4e38, 0]] }, 201);
        assert.equal(await count(collection.id), 4);
    });

    it('bad base64 is 400', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-b64');
        assertError(await http('POST', `${path}/add`, { ids: ['bad'], embeddings: ['@@@'] }), 400, 'Invalid base64 string');
        // 10 bytes are not a whole number of float32 values.
        assertError(await http('POST', `${path}/add`, { ids: ['bad'], embeddings: [Buffer.alloc(10).toString('base64')] }),
            400);
        await unchanged();
    });

    it('an empty id is 400', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-empty-id');
        assertError(await http('POST', `${path}/add`, { ids: [''], embeddings: [[1, 2, 3]] }), 400,
            'Empty ID, ID must have at least one character');
        assertError(await http('POST', `${path}/add`, { ids: ['ok', ''], embeddings: [[1, 2, 3], [1, 2, 3]] }), 400,
            'Empty ID');
        assertError(await http('POST', `${path}/upsert`, { ids: [''], embeddings: [[1, 2, 3]] }), 400, 'Empty ID');
        await unchanged();
    });

    it('duplicate ids in one add: 201, stored once, the first wins', async (t) => {
        const { collection, path } = await seeded(t, 'err-dup');
        const res = await http('POST', `${path}/add`, {
            ids: ['d', 'd'], embeddings: [[1, 1, 1], [2, 2, 2]], documents: ['first', 'second'],
            metadatas: [{ v: 1 }, { v: 2 }],
        });
        assert.equal(res.status, 201, res.text);
        const got = await ok('POST', `${path}/get`, { ids: ['d'], include: ['embeddings', 'documents', 'metadatas'] });
        assert.deepEqual(got.ids, ['d']);
        assert.deepEqual(got.embeddings, [[1, 1, 1]]);
        assert.deepEqual(got.documents, ['first']);
        assert.deepEqual(got.metadatas, [{ v: 1 }]);
        const all = await ok('POST', `${path}/get`, { include: [] });
        assert.deepEqual(all.ids, ['a', 'b', 'c', 'd']);
        // The JS client refuses duplicates itself, before sending.
        const handle = await client().getCollectionById(collection.id);
        await rejectsWith(handle.add({ ids: ['e', 'e'], embeddings: [[1, 1, 1], [2, 2, 2]] }), ChromaValueError,
            'Expected IDs to be unique');
    });
});

describe('filters', () => {
    it('an unknown where operator is 400, and a delete with it deletes nothing', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-where-op');
        for (const where of [{ $foo: 1 }, { k: { $foo: 1 } }, { k: { $regex: 'x' } }]) {
            assertError(await http('POST', `${path}/get`, { where }), 400, 'Invalid where clause');
            assertError(await http('POST', `${path}/query`, { query_embeddings: [[1, 0, 0]], where }), 400,
                'Invalid where clause');
            assertError(await http('POST', `${path}/delete`, { where }), 400, 'Invalid where clause');
        }
        await unchanged();
    });

    it('malformed where clauses are 400: several keys, {}, $in [], mixed $in, a string range, null', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-where-shape');
        for (const where of [
            { k: 1, s: 2 }, {}, { k: { $in: [] } }, { k: { $in: [1, 'a'] } }, { k: { $gt: 'a' } },
            { k: { $eq: 1, $ne: 2 } }, { k: { $eq: [1, 2] } }, { k: null },
        ]) {
            assertError(await http('POST', `${path}/get`, { where }), 400, 'Invalid where clause');
            assertError(await http('POST', `${path}/delete`, { where }), 400, 'Invalid where clause');
        }
        await unchanged();
    });

    it('an unknown or malformed where_document is 400, and a delete with it deletes nothing', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-wd');
        for (const whereDocument of [{ $foo: 'apple' }, {}, { $contains: 1 }, { $contains: 'a', $regex: 'b' }]) {
            assertError(await http('POST', `${path}/get`, { where_document: whereDocument }), 400,
                'Invalid where document clause');
            assertError(await http('POST', `${path}/delete`, { where_document: whereDocument }), 400,
                'Invalid where document clause');
        }
        // An invalid regular expression is a 400 too (Chroma: "Regex syntax errror: ...").
        assertError(await http('POST', `${path}/get`, { where_document: { $regex: '(' } }), 400);
        await unchanged();
    });
});

describe('metadata values', () => {
    it('a nested object, null (in add) and a mixed-type array are 422', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-meta');
        for (const metadata of [{ nested: { x: 1 } }, { k: null }, { mixed: [1, 'a'] }, { mixed: ['a', true] }]) {
            const res = await http('POST', `${path}/add`, { ids: ['d'], embeddings: [[1, 2, 3]], metadatas: [metadata] });
            assertError(res, 422, 'metadatas[0]');
        }
        const nestedUpsert = await http('POST', `${path}/upsert`,
            { ids: ['a'], embeddings: [[1, 2, 3]], metadatas: [{ nested: { x: 1 } }] });
        assertError(nestedUpsert, 422, 'metadatas[0].nested');
        await unchanged();
    });

    it('a key starting with # is 400', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-meta-hash');
        const res = await http('POST', `${path}/add`, { ids: ['d'], embeddings: [[1, 2, 3]], metadatas: [{ '#k': 1 }] });
        assertError(res, 400, 'Invalid metadata at index 0');
        await unchanged();
    });
});

describe('request format', () => {
    it('malformed JSON is 400', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-json');
        const res = await http('POST', `${path}/add`, '{"ids": ["d"], "embeddings": [[1,2,3]]');
        assertError(res, 400, 'Failed to parse the request body as JSON');
        const name = uniqueName('bad-json');
        const create = await http('POST', `${dbPath()}/collections`, `{"name": "${name}"`);
        assertError(create, 400, 'Failed to parse the request body as JSON: EOF while parsing an object');
        assert.equal((await http('GET', `${dbPath()}/collections/${name}`)).status, 404);
        await unchanged();
    });

    it('a content-type other than JSON is 415', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-ctype');
        const message = 'Expected request with `Content-Type: application/json`';
        for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
            assertError(await http('POST', `${path}/add`, { ids: ['d'], embeddings: [[1, 2, 3]] }, { contentType }),
                415, message);
            const name = uniqueName('bad-ctype');
            assertError(await http('POST', `${dbPath()}/collections`, { name }, { contentType }), 415, message);
            assert.equal((await http('GET', `${dbPath()}/collections/${name}`)).status, 404);
        }
        await unchanged();
        // A charset parameter is fine.
        const res = await http('POST', `${path}/get`, { ids: ['a'] }, { contentType: 'application/json; charset=utf-8' });
        assert.equal(res.status, 200, res.text);
    });

    it('a missing content-type: 415, or (as Chroma does) read as JSON', async (t) => {
        // Chroma 1.4.4 answers 415 only when a content-type is present and is not JSON; with no content-type header
        // at all it parses the body as JSON. (CHROMA_API.md's 415 example used curl -d, which sends
        // application/x-www-form-urlencoded.) The JS client always sends the header, so accept both, but the
        // outcome must match the status.
        const { collection, path } = await seeded(t, 'err-no-ctype');
        const res = await http('POST', `${path}/add`, { ids: ['d'], embeddings: [[1, 2, 3]] }, { contentType: null });
        if (res.status === 415) {
            assertError(res, 415, 'Content-Type');
            assert.equal(await count(collection.id), 3);
        } else {
            assert.equal(res.status, 201, res.text);
            assert.equal(await count(collection.id), 4);
        }
    });

    it('a missing required field is 422', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-missing');
        const prefix = 'Failed to deserialize the JSON body into the target type';
        assertError(await http('POST', `${path}/add`, { ids: ['d'] }), 422, [prefix, 'missing field `embeddings`']);
        assertError(await http('POST', `${path}/upsert`, { ids: ['a'] }), 422, 'missing field `embeddings`');
        assertError(await http('POST', `${path}/add`, { embeddings: [[1, 2, 3]] }), 422, 'missing field `ids`');
        assertError(await http('POST', `${path}/update`, { embeddings: [[1, 2, 3]] }), 422, 'missing field `ids`');
        assertError(await http('POST', `${path}/query`, {}), 422, 'missing field `query_embeddings`');
        assertError(await http('POST', `${dbPath()}/collections`, {}), 422, 'missing field `name`');
        await unchanged();
    });

    it('a field of the wrong type is 422', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-type');
        assertError(await http('POST', `${path}/add`, { ids: 'd', embeddings: [[1, 2, 3]] }), 422, 'ids: invalid type');
        assertError(await http('POST', `${dbPath()}/collections`, { name: 123 }), 422, 'name: invalid type: integer `123`');
        assertError(await http('POST', `${path}/get`, { limit: -1 }), 422, 'expected u32');
        await unchanged();
    });

    it('n_results -1 is 422; the client refuses it itself', async (t) => {
        const { collection, path } = await seeded(t, 'err-nresults');
        assertError(await http('POST', `${path}/query`, { query_embeddings: [[1, 0, 0]], n_results: -1 }), 422,
            ['n_results: invalid value: integer `-1`', 'expected u32']);
        const handle = await client().getCollectionById(collection.id);
        await assert.rejects(handle.query({ queryEmbeddings: [[1, 0, 0]], nResults: -1 }), ChromaValueError);
    });

    it('a bad include value is 422 in get and query', async (t) => {
        const { path } = await seeded(t, 'err-include');
        const message = 'unknown variant `bogus`, expected one of `distances`, `documents`, `embeddings`, `metadatas`, `uris`';
        assertError(await http('POST', `${path}/get`, { include: ['bogus'] }), 422, ['include[0]', message]);
        assertError(await http('POST', `${path}/query`, { query_embeddings: [[1, 0, 0]], include: ['documents', 'bogus'] }),
            422, ['include[1]', message]);
    });
});

describe('unknown things', () => {
    it('an unknown collection id is 404 on every record operation', async () => {
        const path = collectionPath(UNKNOWN_UUID);
        const message = `Collection [${UNKNOWN_UUID}] does not exist.`;
        assertError(await http('POST', `${path}/add`, { ids: ['a'], embeddings: [[1]] }), 404, message);
        assertError(await http('POST', `${path}/upsert`, { ids: ['a'], embeddings: [[1]] }), 404, message);
        assertError(await http('POST', `${path}/update`, { ids: ['a'], embeddings: [[1]] }), 404, message);
        assertError(await http('POST', `${path}/delete`, { ids: ['a'] }), 404, message);
        assertError(await http('POST', `${path}/get`, {}), 404, message);
        assertError(await http('POST', `${path}/query`, { query_embeddings: [[1]] }), 404, message);
        assertError(await http('GET', `${path}/count`), 404, message);
    });

    it('an unknown tenant or database with an unknown collection is 404', async () => {
        const tenant = uniqueName('nope-tenant');
        const database = uniqueName('nope-db');
        for (const path of [collectionPath(UNKNOWN_UUID, tenant, database), collectionPath(UNKNOWN_UUID, 'default_tenant', database)]) {
            assertError(await http('POST', `${path}/get`, {}), 404, UNKNOWN_UUID);
            assertError(await http('POST', `${path}/add`, { ids: ['a'], embeddings: [[1]] }), 404, UNKNOWN_UUID);
        }
        assertError(await http('GET', `${dbPath(tenant, database)}/collections/${uniqueName('c')}`), 404);
    });

    it('a collection id that is not a UUID is 400 on record operations', async () => {
        const path = `${dbPath()}/collections/not-a-uuid`;
        const message = 'Collection ID is not a valid UUIDv4';
        assertError(await http('POST', `${path}/add`, { ids: ['a'], embeddings: [[1]] }), 400, message);
        assertError(await http('POST', `${path}/query`, { query_embeddings: [[1]] }), 400, message);
        assertError(await http('POST', `${path}/delete`, { ids: ['a'] }), 400, message);
        assertError(await http('GET', `${path}/count`), 400, message);
    });

    it('an unknown route is 404', async (t) => {
        const collection = await rawCollection(t, 'err-route');
        assert.equal((await http('POST', `${collectionPath(collection.id)}/nope`, {})).status, 404);
        assert.equal((await http('GET', `${API}/tenants/default_tenant/nope`)).status, 404);
        assert.equal((await http('GET', `${API}/nope/deeper`)).status, 404);
    });
});

describe('query with a non-finite vector', () => {
    it('never writes and never fails with 5xx', async (t) => {
        const { path, unchanged } = await seeded(t, 'err-query-huge');
        // Chroma 1.4.4 does not validate query vectors: 1e39 (infinite in float32) gives 200 with null distances.
        // A stricter server may answer 400; both are accepted.
        const res = await http('POST', `${path}/query`, { query_embeddings: [[1e39, 0, 0]], n_results: 2 });
        assert.ok(res.status === 200 || res.status === 400, `${res.status} ${res.text}`);
        if (res.status === 400) assertError(res, 400);
        await unchanged();
    });
});
