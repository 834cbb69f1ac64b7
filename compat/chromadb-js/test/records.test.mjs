// Records: add, upsert, update, delete, get, count; through the official client and raw HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    assertError, base64Embedding, client, clientCollection, collectionPath, count, http, ok, rawCollection,
} from '../lib/harness.mjs';

/** Raw get of everything in a collection, all fields. */
async function getAll(id, extra = {}) {
    return ok('POST', `${collectionPath(id)}/get`, { include: ['embeddings', 'documents', 'metadatas', 'uris'], ...extra });
}

/** Three records with every field; values are exact in float32 so they round-trip unchanged. */
const THREE = {
    ids: ['a', 'b', 'c'],
    embeddings: [[1, 0, 0], [0, 1, 0], [0.5, 0.25, -2]],
    documents: ['apple pie', 'banana bread', 'cherry tart'],
    metadatas: [{ s: 'x', n: 1, f: 0.5, b: true }, { s: 'y', n: 2 }, { arr: [1, 2, 3], tags: ['p', 'q'] }],
    uris: ['uri://a', 'uri://b', 'uri://c'],
};

describe('add', () => {
    it('raw add answers 201 {} and stores every field', async (t) => {
        const collection = await rawCollection(t, 'add');
        const res = await http('POST', `${collectionPath(collection.id)}/add`, THREE);
        assert.equal(res.status, 201, res.text);
        assert.deepEqual(res.json, {});
        const got = await getAll(collection.id);
        assert.deepEqual(got.ids, THREE.ids);
        assert.deepEqual(got.embeddings, THREE.embeddings);
        assert.deepEqual(got.documents, THREE.documents);
        assert.deepEqual(got.metadatas, THREE.metadatas);
        assert.deepEqual(got.uris, THREE.uris);
        assert.equal(await count(collection.id), 3);
    });

    it('accepts base64 little-endian float32 embeddings (as the JS client sends them)', async (t) => {
        const collection = await rawCollection(t, 'add-b64');
        const vectors = [[1.5, -2.25, 3], [0.1, 0.2, 0.3]];
        await ok('POST', `${collectionPath(collection.id)}/add`,
            { ids: ['p', 'q'], embeddings: vectors.map(base64Embedding) }, 201);
        const got = await getAll(collection.id);
        assert.deepEqual(got.embeddings[0], vectors[0]);
        // 0.1 is not exact in float32. Chroma stores float32 and prints its shortest form ("0.1"), so compare at
        // float32 precision.
        got.embeddings[1].forEach((v, i) => assert.equal(Math.fround(v), Math.fround(vectors[1][i])));
    });

    it('works through the client (which sends base64) and reads back the same records', async (t) => {
        const collection = await clientCollection(t, 'client-add');
        await collection.add(THREE);
        assert.equal(await collection.count(), 3);
        const got = await collection.get({ include: ['embeddings', 'documents', 'metadatas', 'uris'] });
        assert.deepEqual(got.ids, THREE.ids);
        assert.deepEqual(got.embeddings, THREE.embeddings);
        assert.deepEqual(got.documents, THREE.documents);
        assert.deepEqual(got.metadatas, THREE.metadatas);
        assert.deepEqual(got.uris, THREE.uris);
        const rows = got.rows();
        assert.equal(rows[1].id, 'b');
        assert.equal(rows[1].document, 'banana bread');
    });

    it('adds records with only ids and embeddings', async (t) => {
        const collection = await clientCollection(t, 'add-bare');
        await collection.add({ ids: ['x', 'y'], embeddings: [[1, 2], [3, 4]] });
        const got = await collection.get({ include: ['documents', 'metadatas', 'uris'] });
        assert.deepEqual(got.ids, ['x', 'y']);
        assert.deepEqual(got.documents, [null, null]);
        assert.deepEqual(got.metadatas, [null, null]);
        assert.deepEqual(got.uris, [null, null]);
    });

    it('silently ignores an add of an existing id (the old record stays)', async (t) => {
        const collection = await rawCollection(t, 'add-existing');
        await ok('POST', `${collectionPath(collection.id)}/add`, THREE, 201);
        const res = await http('POST', `${collectionPath(collection.id)}/add`, {
            ids: ['a', 'new'], embeddings: [[9, 9, 9], [7, 7, 7]], documents: ['changed', 'fresh'],
            metadatas: [{ s: 'changed' }, { s: 'fresh' }],
        });
        assert.equal(res.status, 201, res.text);
        const got = await getAll(collection.id, { ids: ['a', 'new'] });
        assert.deepEqual(got.ids, ['a', 'new']);
        assert.deepEqual(got.embeddings[0], [1, 0, 0]);
        assert.equal(got.documents[0], 'apple pie');
        assert.deepEqual(got.metadatas[0], THREE.metadatas[0]);
        assert.equal(got.documents[1], 'fresh');
        assert.equal(await count(collection.id), 4);
    });

    it('stores integers as integers, and returns empty metadata as null', async (t) => {
        const collection = await rawCollection(t, 'add-values');
        // Hand-written JSON: 4.0 must come back as the number 4; {} and {"x": []} come back as null.
        const body = '{"ids":["i","f","e","z"],"embeddings":[[1],[2],[3],[4]],'
            + '"metadatas":[{"v":7,"big":9007199254740991,"neg":-3},{"v":4.0},{},{"x":[]}]}';
        await ok('POST', `${collectionPath(collection.id)}/add`, body, 201);
        const got = await getAll(collection.id);
        assert.deepEqual(got.metadatas[0], { v: 7, big: 9007199254740991, neg: -3 });
        assert.deepEqual(got.metadatas[1], { v: 4 });
        assert.equal(got.metadatas[2], null);
        assert.equal(got.metadatas[3], null);
    });

    it('accepts an array mixing ints and floats (stored as floats)', async (t) => {
        const collection = await rawCollection(t, 'add-num-array');
        await ok('POST', `${collectionPath(collection.id)}/add`,
            { ids: ['a'], embeddings: [[1]], metadatas: [{ arr: [1, 2.5] }] }, 201);
        assert.deepEqual((await getAll(collection.id)).metadatas, [{ arr: [1, 2.5] }]);
    });

    it('round-trips unicode documents, ids and metadata', async (t) => {
        const collection = await clientCollection(t, 'unicode');
        const id = 'ключ-🔑';
        await collection.add({ ids: [id], embeddings: [[1, 1]], documents: ['naïve café — 東京'], metadatas: [{ 'ключ': 'значение' }] });
        const got = await collection.get({ ids: [id] });
        assert.deepEqual(got.ids, [id]);
        assert.deepEqual(got.documents, ['naïve café — 東京']);
        assert.deepEqual(got.metadatas, [{ 'ключ': 'значение' }]);
    });
});

describe('upsert', () => {
    it('inserts new records and merges metadata of existing ones key by key', async (t) => {
        const collection = await clientCollection(t, 'upsert');
        await collection.add({
            ids: ['a', 'b'], embeddings: [[1, 0], [0, 1]], documents: ['doc a', 'doc b'],
            metadatas: [{ keep: 1, change: 'old' }, { only: 'b' }],
        });
        await collection.upsert({
            ids: ['a', 'c'], embeddings: [[2, 2], [3, 3]], metadatas: [{ change: 'new', added: true }, { c: 3 }],
            documents: ['doc a2', 'doc c'],
        });
        assert.equal(await collection.count(), 3);
        const got = await collection.get({ include: ['embeddings', 'documents', 'metadatas'] });
        assert.deepEqual(got.ids, ['a', 'b', 'c']);
        assert.deepEqual(got.metadatas[0], { keep: 1, change: 'new', added: true });
        assert.deepEqual(got.embeddings[0], [2, 2]);
        assert.equal(got.documents[0], 'doc a2');
        assert.deepEqual(got.metadatas[1], { only: 'b' });
        assert.deepEqual(got.metadatas[2], { c: 3 });
    });

    it('keeps the document when an upsert omits it; raw upsert answers 200 {}', async (t) => {
        const collection = await rawCollection(t, 'upsert-keep');
        await ok('POST', `${collectionPath(collection.id)}/add`,
            { ids: ['a'], embeddings: [[1, 0]], documents: ['kept'], metadatas: [{ m: 1 }] }, 201);
        const res = await http('POST', `${collectionPath(collection.id)}/upsert`,
            { ids: ['a'], embeddings: [base64Embedding([0, 1])] });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.json, {});
        const got = await getAll(collection.id);
        assert.deepEqual(got.documents, ['kept']);
        assert.deepEqual(got.metadatas, [{ m: 1 }]);
        assert.deepEqual(got.embeddings, [[0, 1]]);
    });

    it('a null metadata value in upsert deletes the key (unlike add, where it is 422)', async (t) => {
        const collection = await rawCollection(t, 'upsert-null');
        await ok('POST', `${collectionPath(collection.id)}/add`,
            { ids: ['a'], embeddings: [[1, 0]], metadatas: [{ gone: 1, stays: 2 }] }, 201);
        const res = await http('POST', `${collectionPath(collection.id)}/upsert`, {
            ids: ['a', 'new'], embeddings: [[1, 0], [0, 1]], metadatas: [{ gone: null }, { never: null, y: 1 }],
        });
        assert.equal(res.status, 200, res.text);
        const got = await getAll(collection.id);
        assert.deepEqual(got.metadatas, [{ stays: 2 }, { y: 1 }]);
    });

    it('duplicate ids inside one upsert: the last one wins', async (t) => {
        const collection = await rawCollection(t, 'upsert-dup');
        await ok('POST', `${collectionPath(collection.id)}/upsert`, {
            ids: ['d', 'd'], embeddings: [[1, 0], [0, 1]], documents: ['first', 'last'],
        });
        const got = await getAll(collection.id);
        assert.deepEqual(got.ids, ['d']);
        assert.deepEqual(got.documents, ['last']);
        assert.deepEqual(got.embeddings, [[0, 1]]);
    });
});

describe('update', () => {
    it('merges metadata, replaces given fields and keeps omitted ones', async (t) => {
        const collection = await clientCollection(t, 'update');
        await collection.add({
            ids: ['a', 'b'], embeddings: [[1, 0], [0, 1]], documents: ['doc a', 'doc b'],
            metadatas: [{ keep: 1, change: 'old' }, { b: 1 }], uris: ['u://a', 'u://b'],
        });
        await collection.update({ ids: ['a'], metadatas: [{ change: 'new', added: 2.5 }] });
        let got = await collection.get({ ids: ['a'], include: ['embeddings', 'documents', 'metadatas', 'uris'] });
        assert.deepEqual(got.metadatas, [{ keep: 1, change: 'new', added: 2.5 }]);
        assert.deepEqual(got.documents, ['doc a']);
        assert.deepEqual(got.embeddings, [[1, 0]]);
        assert.deepEqual(got.uris, ['u://a']);

        await collection.update({ ids: ['a'], embeddings: [[5, 5]], documents: ['doc a2'] });
        got = await collection.get({ ids: ['a'], include: ['embeddings', 'documents', 'metadatas'] });
        assert.deepEqual(got.embeddings, [[5, 5]]);
        assert.deepEqual(got.documents, ['doc a2']);
        assert.deepEqual(got.metadatas, [{ keep: 1, change: 'new', added: 2.5 }]);
        const other = await collection.get({ ids: ['b'], include: ['embeddings', 'documents', 'metadatas'] });
        assert.deepEqual(other.metadatas, [{ b: 1 }]);
        assert.deepEqual(other.embeddings, [[0, 1]]);
    });

    it('raw update: 200 {}; a null metadata value deletes the key; a null document keeps the stored one', async (t) => {
        const collection = await rawCollection(t, 'update-raw');
        await ok('POST', `${collectionPath(collection.id)}/add`,
            { ids: ['a'], embeddings: [[1, 0]], documents: ['doc'], metadatas: [{ gone: 1, stays: 2 }] }, 201);
        const res = await http('POST', `${collectionPath(collection.id)}/update`,
            { ids: ['a'], embeddings: null, metadatas: [{ gone: null }], documents: [null] });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.json, {});
        const got = await getAll(collection.id);
        assert.deepEqual(got.metadatas, [{ stays: 2 }]);
        assert.deepEqual(got.documents, ['doc']);
        assert.deepEqual(got.embeddings, [[1, 0]]);
    });

    it('an update of an unknown id is a 200 no-op', async (t) => {
        const collection = await rawCollection(t, 'update-unknown');
        await ok('POST', `${collectionPath(collection.id)}/add`, { ids: ['a'], embeddings: [[1, 0]] }, 201);
        const res = await http('POST', `${collectionPath(collection.id)}/update`,
            { ids: ['ghost'], embeddings: [[0, 1]], documents: ['boo'], metadatas: [{ x: 1 }] });
        assert.equal(res.status, 200, res.text);
        assert.equal(await count(collection.id), 1);
        const got = await getAll(collection.id, { ids: ['ghost'] });
        assert.deepEqual(got.ids, []);
    });
});

describe('delete', () => {
    async function fiveRecords(t, prefix) {
        const collection = await rawCollection(t, prefix);
        await ok('POST', `${collectionPath(collection.id)}/add`, {
            ids: ['a', 'b', 'c', 'd', 'e'],
            embeddings: [[1, 0], [0, 1], [1, 1], [2, 2], [3, 3]],
            metadatas: [{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }, null],
            documents: ['apple', 'banana', 'apricot', null, 'avocado'],
        }, 201);
        return collection;
    }

    it('by ids: the answer counts the ids sent, including unknown ones', async (t) => {
        const collection = await fiveRecords(t, 'delete-ids');
        const res = await http('POST', `${collectionPath(collection.id)}/delete`, { ids: ['a', 'b', 'zz'] });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.json, { deleted: 3 });
        assert.deepEqual((await getAll(collection.id)).ids, ['c', 'd', 'e']);
        const unknownOnly = await ok('POST', `${collectionPath(collection.id)}/delete`, { ids: ['x', 'y', 'z'] });
        assert.deepEqual(unknownOnly, { deleted: 3 });
        assert.equal(await count(collection.id), 3);
    });

    it('by where: the answer is the real count', async (t) => {
        const collection = await fiveRecords(t, 'delete-where');
        const res = await ok('POST', `${collectionPath(collection.id)}/delete`, { where: { k: 1 } });
        assert.deepEqual(res, { deleted: 2 });
        assert.deepEqual((await getAll(collection.id)).ids, ['b', 'd', 'e']);
        const none = await ok('POST', `${collectionPath(collection.id)}/delete`, { where: { k: 99 } });
        assert.deepEqual(none, { deleted: 0 });
    });

    it('by where_document', async (t) => {
        const collection = await fiveRecords(t, 'delete-wd');
        const res = await ok('POST', `${collectionPath(collection.id)}/delete`, { where_document: { $contains: 'ap' } });
        assert.deepEqual(res, { deleted: 2 });
        assert.deepEqual((await getAll(collection.id)).ids, ['b', 'd', 'e']);
    });

    it('by ids and where together: both must match, and the answer is the real count', async (t) => {
        const collection = await fiveRecords(t, 'delete-both');
        const res = await ok('POST', `${collectionPath(collection.id)}/delete`,
            { ids: ['a', 'b', 'zz'], where: { k: 1 } });
        assert.deepEqual(res, { deleted: 1 });
        assert.deepEqual((await getAll(collection.id)).ids, ['b', 'c', 'd', 'e']);
        const three = await ok('POST', `${collectionPath(collection.id)}/delete`,
            { ids: ['b', 'c', 'e'], where: { k: { $ne: 2 } }, where_document: { $contains: 'a' } });
        assert.deepEqual(three, { deleted: 2 });
        assert.deepEqual((await getAll(collection.id)).ids, ['b', 'd']);
    });

    it('delete {} deletes nothing and answers {"deleted":0}', async (t) => {
        const collection = await fiveRecords(t, 'delete-empty');
        assert.deepEqual(await ok('POST', `${collectionPath(collection.id)}/delete`, {}), { deleted: 0 });
        assert.equal(await count(collection.id), 5);
    });

    it('works through the client', async (t) => {
        const collection = await clientCollection(t, 'client-delete');
        await collection.add({ ids: ['a', 'b', 'c'], embeddings: [[1], [2], [3]], metadatas: [{ k: 1 }, { k: 2 }, { k: 1 }] });
        const byIds = await collection.delete({ ids: ['b'] });
        assert.deepEqual(byIds, { deleted: 1 });
        const byWhere = await collection.delete({ where: { k: 1 } });
        assert.deepEqual(byWhere, { deleted: 2 });
        assert.equal(await collection.count(), 0);
    });

    it('a deleted id can be added again', async (t) => {
        const collection = await fiveRecords(t, 'delete-readd');
        await ok('POST', `${collectionPath(collection.id)}/delete`, { ids: ['a'] });
        await ok('POST', `${collectionPath(collection.id)}/add`, { ids: ['a'], embeddings: [[7, 7]], documents: ['again'] }, 201);
        const got = await getAll(collection.id, { ids: ['a'] });
        assert.deepEqual(got.documents, ['again']);
        assert.deepEqual(got.metadatas, [null]);
        assert.equal(await count(collection.id), 5);
    });
});

describe('get', () => {
    async function ordered(t, prefix) {
        const collection = await rawCollection(t, prefix);
        // Insertion order c, a, b, then d and e in a second batch.
        await ok('POST', `${collectionPath(collection.id)}/add`, {
            ids: ['c', 'a', 'b'], embeddings: [[3, 0], [1, 0], [2, 0]],
            documents: ['doc c', 'doc a', null], metadatas: [{ n: 3 }, { n: 1 }, null], uris: [null, 'u://a', null],
        }, 201);
        await ok('POST', `${collectionPath(collection.id)}/add`,
            { ids: ['e', 'd'], embeddings: [[5, 0], [4, 0]], documents: ['doc e', 'doc d'], metadatas: [{ n: 5 }, { n: 4 }] }, 201);
        return collection;
    }

    it('returns records in insertion order whatever the order of requested ids; unknown ids are skipped', async (t) => {
        const collection = await ordered(t, 'get-order');
        const got = await ok('POST', `${collectionPath(collection.id)}/get`, { ids: ['d', 'zz', 'a', 'c'] });
        assert.deepEqual(got.ids, ['c', 'a', 'd']);
        assert.deepEqual(got.documents, ['doc c', 'doc a', 'doc d']);
        const all = await ok('POST', `${collectionPath(collection.id)}/get`, {});
        assert.deepEqual(all.ids, ['c', 'a', 'b', 'e', 'd']);
        const none = await ok('POST', `${collectionPath(collection.id)}/get`, { ids: [] });
        assert.deepEqual(none.ids, [], 'ids [] selects nothing');
    });

    it('defaults include to documents and metadatas, and always has all six keys', async (t) => {
        const collection = await ordered(t, 'get-default');
        const got = await ok('POST', `${collectionPath(collection.id)}/get`, { ids: ['a', 'b'] });
        assert.deepEqual(Object.keys(got).sort(), ['documents', 'embeddings', 'ids', 'include', 'metadatas', 'uris']);
        assert.deepEqual([...got.include].sort(), ['documents', 'metadatas']);
        assert.deepEqual(got.documents, ['doc a', null]);
        assert.deepEqual(got.metadatas, [{ n: 1 }, null]);
        assert.equal(got.embeddings, null);
        assert.equal(got.uris, null);
    });

    it('include [] returns only ids; the other fields are null', async (t) => {
        const collection = await ordered(t, 'get-include-empty');
        const got = await ok('POST', `${collectionPath(collection.id)}/get`, { include: [] });
        assert.deepEqual(got, {
            ids: ['c', 'a', 'b', 'e', 'd'], embeddings: null, documents: null, uris: null, metadatas: null, include: [],
        });
    });

    it('include variants: embeddings, uris, and distances accepted and ignored', async (t) => {
        const collection = await ordered(t, 'get-include');
        const got = await ok('POST', `${collectionPath(collection.id)}/get`,
            { ids: ['a', 'b'], include: ['embeddings', 'uris', 'distances'] });
        assert.deepEqual(got.embeddings, [[1, 0], [2, 0]]);
        assert.deepEqual(got.uris, ['u://a', null]);
        assert.equal(got.documents, null);
        assert.equal(got.metadatas, null);
        assert.ok(!('distances' in got) || got.distances === null, 'get has no distances');
        assert.deepEqual(got.include, ['embeddings', 'uris', 'distances']);

        const viaClient = await client().getCollectionById(collection.id);
        const clientGot = await viaClient.get({ ids: ['c'], include: ['embeddings', 'metadatas'] });
        assert.deepEqual(clientGot.embeddings, [[3, 0]]);
        assert.deepEqual(clientGot.metadatas, [{ n: 3 }]);
    });

    it('applies limit and offset after filtering', async (t) => {
        const collection = await ordered(t, 'get-page');
        const path = `${collectionPath(collection.id)}/get`;
        assert.deepEqual((await ok('POST', path, { limit: 2 })).ids, ['c', 'a']);
        assert.deepEqual((await ok('POST', path, { limit: 2, offset: 2 })).ids, ['b', 'e']);
        assert.deepEqual((await ok('POST', path, { offset: 4 })).ids, ['d']);
        assert.deepEqual((await ok('POST', path, { offset: 10 })).ids, []);
        assert.deepEqual((await ok('POST', path, { limit: 0 })).ids, []);
        assert.deepEqual((await ok('POST', path, { where: { n: { $gte: 3 } }, limit: 2, offset: 1 })).ids, ['e', 'd']);
        // ids, where, where_document, limit and offset may be null; include may not (422 in Chroma 1.4.4).
        assert.deepEqual((await ok('POST', path,
            { ids: null, where: null, where_document: null, limit: null, offset: null })).ids,
        ['c', 'a', 'b', 'e', 'd']);
    });

    it('filters by ids, where and where_document together (ANDed)', async (t) => {
        const collection = await ordered(t, 'get-filter');
        const got = await ok('POST', `${collectionPath(collection.id)}/get`, {
            ids: ['a', 'c', 'd', 'e'], where: { n: { $lt: 5 } }, where_document: { $contains: 'doc' }, include: [],
        });
        assert.deepEqual(got.ids, ['c', 'a', 'd']);
    });

    it('works through the client with where, whereDocument, limit and offset', async (t) => {
        const collection = await clientCollection(t, 'client-get');
        await collection.add({
            ids: ['a', 'b', 'c', 'd'], embeddings: [[1], [2], [3], [4]],
            documents: ['red apple', 'green apple', 'red cherry', 'yellow banana'],
            metadatas: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }],
        });
        const got = await collection.get({ where: { n: { $gte: 2 } }, whereDocument: { $contains: 'red' } });
        assert.deepEqual(got.ids, ['c']);
        const page = await collection.get({ limit: 2, offset: 1 });
        assert.deepEqual(page.ids, ['b', 'c']);
        const peek = await collection.peek({ limit: 2 });
        assert.deepEqual(peek.ids, ['a', 'b']);
    });
});

describe('count', () => {
    it('is a bare integer that follows adds and deletes', async (t) => {
        const collection = await rawCollection(t, 'count');
        let res = await http('GET', `${collectionPath(collection.id)}/count`);
        assert.equal(res.status, 200);
        assert.equal(res.text.trim(), '0');
        await ok('POST', `${collectionPath(collection.id)}/add`, { ids: ['a', 'b', 'c'], embeddings: [[1], [2], [3]] }, 201);
        res = await http('GET', `${collectionPath(collection.id)}/count`);
        assert.equal(res.text.trim(), '3');
        await ok('POST', `${collectionPath(collection.id)}/delete`, { ids: ['a'] });
        assert.equal(await count(collection.id), 2);
        assert.equal(await client().getCollectionById(collection.id)
            .then((c) => c.count()), 2);
    });

    it('an unknown collection is 404', async () => {
        const res = await http('GET', `${collectionPath('00000000-0000-4000-8000-0000000000bb')}/count`);
        assertError(res, 404, 'does not exist');
    });
});
