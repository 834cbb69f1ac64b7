// Shared helpers for the compatibility suite: the server under test, the official client, raw HTTP, unique names,
// and cleanup. Everything a test creates carries a random suffix, so the suite can run again and again against the
// same server, and several runs can share one server.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AdminClient, ChromaClient } from 'chromadb';

/** Base URL of the server under test, without a trailing slash. */
export const CHROMA_URL = (process.env.CHROMA_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');

const parsed = new URL(CHROMA_URL);
if (parsed.pathname !== '/' && parsed.pathname !== '') {
    // The official client builds its base URL from host, port and ssl only.
    throw new Error(`CHROMA_URL must not have a path (the chromadb client cannot use one): ${CHROMA_URL}`);
}
const ssl = parsed.protocol === 'https:';
const host = parsed.hostname;
const port = parsed.port ? Number(parsed.port) : ssl ? 443 : 80;

export const DEFAULT_TENANT = 'default_tenant';
export const DEFAULT_DATABASE = 'default_database';
export const API = '/api/v2';

/** The path of a database: `/api/v2/tenants/{tenant}/databases/{database}` (called D in CHROMA_API.md). */
export function dbPath(tenant = DEFAULT_TENANT, database = DEFAULT_DATABASE) {
    return `${API}/tenants/${encodeURIComponent(tenant)}/databases/${encodeURIComponent(database)}`;
}

/** The path of a collection by id (called C in CHROMA_API.md). */
export function collectionPath(id, tenant = DEFAULT_TENANT, database = DEFAULT_DATABASE) {
    return `${dbPath(tenant, database)}/collections/${id}`;
}

/** A short random suffix; names stay within Chroma's 3-512 character rule. */
export function suffix() {
    return randomUUID().replace(/-/g, '').slice(0, 12);
}

/** A unique, valid name with a readable prefix, e.g. `cjs-add-1a2b3c4d5e6f`. */
export function uniqueName(prefix) {
    return `cjs-${prefix}-${suffix()}`;
}

/** The official client, pointed at CHROMA_URL (default tenant and database unless given). */
export function client({ tenant = DEFAULT_TENANT, database = DEFAULT_DATABASE, ...rest } = {}) {
    return new ChromaClient({ host, port, ssl, tenant, database, ...rest });
}

/** The official admin client (tenants and databases). */
export function adminClient() {
    return new AdminClient({ host, port, ssl });
}

/**
 * One raw HTTP request. `body` is JSON-encoded unless it is a string (sent as is, for hand-written JSON such as
 * `3.0` or malformed text) or a Uint8Array. `contentType: null` sends no content-type header at all.
 * Returns { status, text, json } where json is the parsed body or undefined when it is not JSON.
 */
export async function http(method, path, body, { contentType = 'application/json', headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
        let payload;
        if (typeof body === 'string') payload = body;
        else if (body instanceof Uint8Array) payload = body;
        else payload = JSON.stringify(body);
        // fetch adds "text/plain" to string bodies; a byte body gets no content-type, which the 415 test needs.
        init.body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
        if (contentType !== null) init.headers['content-type'] = contentType;
    }
    const response = await fetch(CHROMA_URL + path, init);
    const text = await response.text();
    let json;
    try {
        json = text.length ? JSON.parse(text) : undefined;
    } catch {
        json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers };
}

/** Asserts a 2xx-or-given status and returns the parsed body. */
export async function ok(method, path, body, expectedStatus = 200) {
    const res = await http(method, path, body);
    assert.equal(res.status, expectedStatus, `${method} ${path} -> ${res.status} ${res.text}`);
    return res.json;
}

/**
 * Asserts a Chroma error answer: the status, a body `{"error": string, "message": string}` and, when given, the
 * message. `message` may be a string (must be contained), a RegExp, or an array of either (all must hold).
 */
export function assertError(res, status, message) {
    assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
    assert.ok(res.json && typeof res.json === 'object' && !Array.isArray(res.json),
        `error body must be a JSON object: ${res.text}`);
    assert.equal(typeof res.json.error, 'string', `error body needs a string "error": ${res.text}`);
    assert.equal(typeof res.json.message, 'string', `error body needs a string "message": ${res.text}`);
    const checks = message === undefined ? [] : Array.isArray(message) ? message : [message];
    for (const check of checks) {
        if (check instanceof RegExp) assert.match(res.json.message, check);
        else assert.ok(res.json.message.includes(check), `message ${JSON.stringify(res.json.message)} should contain ${JSON.stringify(check)}`);
    }
}

/**
 * Deletes a collection the safe way: first its records, then the collection. Chroma leaves array-valued metadata
 * rows of a deleted collection behind, and a record added later can inherit them (CHROMA_API.md, "Chroma bug to
 * avoid copying"); deleting the records first avoids that. Missing collections are ignored.
 */
export async function dropCollection(name, tenant = DEFAULT_TENANT, database = DEFAULT_DATABASE) {
    const found = await http('GET', `${dbPath(tenant, database)}/collections/${encodeURIComponent(name)}`);
    if (found.status !== 200) return;
    const id = found.json.id;
    const records = await http('POST', `${collectionPath(id, tenant, database)}/get`, { include: [] });
    if (records.status === 200 && records.json.ids.length > 0) {
        await http('POST', `${collectionPath(id, tenant, database)}/delete`, { ids: records.json.ids });
    }
    await http('DELETE', `${dbPath(tenant, database)}/collections/${encodeURIComponent(name)}`);
}

/** Deletes every collection of a database (records first, see dropCollection), then the database. */
export async function dropDatabase(tenant, database) {
    const list = await http('GET', `${dbPath(tenant, database)}/collections?limit=1000`);
    if (list.status === 200 && Array.isArray(list.json)) {
        for (const collection of list.json) await dropCollection(collection.name, tenant, database);
    }
    await http('DELETE', dbPath(tenant, database));
}

/**
 * Creates a collection over raw HTTP with a unique name and registers its cleanup on the test context `t`
 * (t.after). `body` is merged into the create request. Returns the Collection JSON.
 */
export async function rawCollection(t, prefix, body = {}, { tenant = DEFAULT_TENANT, database = DEFAULT_DATABASE } = {}) {
    const name = uniqueName(prefix);
    t.after(() => dropCollection(name, tenant, database));
    return ok('POST', `${dbPath(tenant, database)}/collections`, { name, ...body });
}

/**
 * Creates a collection with the official client (no embedding function, so the client asks for nothing but the
 * vectors we pass) and registers its cleanup on `t`. Returns the client's Collection.
 */
export async function clientCollection(t, prefix, args = {}, chroma = client()) {
    const name = uniqueName(prefix);
    t.after(() => dropCollection(name, chroma.tenant, chroma.database));
    return chroma.createCollection({ name, embeddingFunction: null, ...args });
}

/** Number of records of a collection, over raw HTTP. */
export async function count(id, tenant, database) {
    return ok('GET', `${collectionPath(id, tenant, database)}/count`);
}

/** Little-endian float32 base64, the form the JS client sends embeddings in. */
export function base64Embedding(values) {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return Buffer.from(bytes).toString('base64');
}

/** Asserts two numbers agree within `tolerance` (default 1e-4). */
export function assertClose(actual, expected, tolerance = 1e-4, what = 'value') {
    assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
        `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}

/** Asserts two arrays of numbers agree element-wise within `tolerance`. */
export function assertAllClose(actual, expected, tolerance = 1e-4, what = 'values') {
    assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
    actual.forEach((v, i) => assertClose(v, expected[i], tolerance, `${what}[${i}]`));
}

/** Asserts that `promise` rejects with an error of class `type` whose message matches `message` (if given). */
export async function rejectsWith(promise, type, message) {
    await assert.rejects(promise, (error) => {
        assert.ok(error instanceof type, `expected ${type.name}, got ${error?.constructor?.name}: ${error?.message}`);
        if (message instanceof RegExp) assert.match(error.message, message);
        else if (typeof message === 'string') assert.ok(error.message.includes(message), error.message);
        return true;
    });
}

/** Deterministic pseudo-random numbers (mulberry32), so failures can be reproduced. */
export function seededRandom(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let x = a;
        x = Math.imul(x ^ (x >>> 15), x | 1);
        x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
        return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
}

/** Sorts a copy of an array of strings; for comparing sets of ids. */
export function sorted(values) {
    return [...values].sort();
}
