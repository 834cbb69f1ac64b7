// Quiver as a hosted service (authentication on): a tenant signed up through Quiver's control plane, used by the
// official client given nothing but an API key. Skipped unless QUIVER_AUTH=1, since a local Chroma server has no
// accounts and ignores keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    ChromaClient, ChromaForbiddenError, ChromaNotFoundError, ChromaUnauthorizedError,
} from 'chromadb';
import { CHROMA_URL, rejectsWith, suffix } from '../lib/harness.mjs';

const CONTROL = `${CHROMA_URL}/api/control/v1`;
const enabled = process.env.QUIVER_AUTH === '1';
const { hostname: host, port } = new URL(CHROMA_URL);

/** A JSON call to the control plane; `session` adds its cookie and CSRF header. Returns { status, json }. */
async function control(method, path, body, session) {
    const headers = { 'content-type': 'application/json' };
    if (session) {
        headers.cookie = session.cookie;
        headers[session.csrf.header] = session.csrf.token;
    }
    const response = await fetch(CONTROL + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined, response };
}

/** Signs up a new organisation and returns its tenant and the owner's session. */
async function signUp() {
    const id = suffix();
    const res = await control('POST', '/signup', {
        email: `owner-${id}@example.com`, password: `correct horse ${id}`, organization: `Org ${id}`,
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const cookie = res.response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    assert.ok(cookie, 'sign-up sets a session cookie');
    return { tenant: res.json.tenant, session: { cookie, csrf: res.json.csrf } };
}

async function mintKey(session, role, extra = {}) {
    const res = await control('POST', '/keys', { name: `${role}-key`, role, ...extra }, session);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.match(res.json.key, /^qk_/);
    return res.json;
}

/** The official client with nothing but a key: no tenant, no database. */
function keyedClient(key) {
    return new ChromaClient({ host, port: Number(port), headers: { 'x-chroma-token': key } });
}

describe('API keys (Quiver with authentication on)', { skip: !enabled && 'set QUIVER_AUTH=1 to run' }, () => {
    it('a client given only a key finds its tenant and database, then creates, fills and queries a collection',
        async () => {
            const { tenant, session } = await signUp();
            const { key } = await mintKey(session, 'editor');
            const chroma = keyedClient(key);

            const identity = await chroma.getUserIdentity();
            assert.equal(identity.tenant, tenant.name, 'identity names the key\'s tenant');
            assert.deepEqual(identity.databases, ['default_database']);
            // The client addresses default_tenant unless told otherwise; for a key that is its own tenant.
            const collection = await chroma.createCollection({ name: `notes-${suffix()}`, embeddingFunction: null });
            const path = `/api/v2/tenants/default_tenant/databases/default_database/collections/${collection.name}`;
            const raw = await fetch(CHROMA_URL + path, { headers: { 'x-chroma-token': key } });
            assert.equal((await raw.json()).tenant, tenant.name, 'the collection lives in the key\'s tenant');
            await collection.add({
                ids: ['a', 'b', 'c'], embeddings: [[1, 0], [0, 1], [0.9, 0.1]], metadatas: [{ n: 1 }, { n: 2 }, { n: 3 }],
            });
            const answer = await collection.query({ queryEmbeddings: [[1, 0]], nResults: 2 });
            assert.deepEqual(answer.ids, [['a', 'c']]);
            const names = (await chroma.listCollections()).map((c) => c.name);
            assert.deepEqual(names, [collection.name]);
        });

    it('another tenant\'s key cannot find the collection, and its own list stays empty', async () => {
        const first = await signUp();
        const owner = keyedClient((await mintKey(first.session, 'editor')).key);
        const name = `private-${suffix()}`;
        await owner.createCollection({ name, embeddingFunction: null });

        const second = await signUp();
        const stranger = keyedClient((await mintKey(second.session, 'owner')).key);
        await rejectsWith(stranger.getCollection({ name, embeddingFunction: null }), ChromaNotFoundError);
        assert.deepEqual(await stranger.listCollections(), []);
        // Naming the first tenant explicitly does not help either: it does not exist for this key.
        const explicit = new ChromaClient({
            host, port: Number(port), tenant: first.tenant.name, database: 'default_database',
            headers: { 'x-chroma-token': (await mintKey(second.session, 'owner')).key },
        });
        await rejectsWith(explicit.getCollection({ name, embeddingFunction: null }), ChromaNotFoundError);
    });

    it('a viewer key reads but cannot write', async () => {
        const { session } = await signUp();
        const editor = keyedClient((await mintKey(session, 'editor')).key);
        const name = `shared-${suffix()}`;
        const written = await editor.createCollection({ name, embeddingFunction: null });
        await written.add({ ids: ['x'], embeddings: [[1, 2]] });

        const viewer = keyedClient((await mintKey(session, 'viewer')).key);
        const read = await viewer.getCollection({ name, embeddingFunction: null });
        assert.equal(await read.count(), 1);
        await rejectsWith(read.add({ ids: ['y'], embeddings: [[3, 4]] }), ChromaForbiddenError);
        assert.equal(await read.count(), 1);
    });

    it('a wrong key, and a key once revoked, are refused', async () => {
        await rejectsWith(keyedClient(`qk_${'A'.repeat(32)}`).listCollections(), ChromaUnauthorizedError);

        const { session } = await signUp();
        const minted = await mintKey(session, 'owner');
        const chroma = keyedClient(minted.key);
        await chroma.listCollections();
        const revoked = await control('DELETE', `/keys/${minted.id}`, undefined, session);
        assert.equal(revoked.status, 204);
        await rejectsWith(keyedClient(minted.key).listCollections(), ChromaUnauthorizedError);
    });
});
