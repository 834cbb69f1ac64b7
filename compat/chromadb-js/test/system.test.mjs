// Server-level endpoints: heartbeat, version, healthcheck, pre-flight checks, identity, unknown routes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API, assertError, client, http } from '../lib/harness.mjs';

describe('system endpoints', () => {
    it('heartbeat answers a nanosecond timestamp close to now', async () => {
        const res = await http('GET', `${API}/heartbeat`);
        assert.equal(res.status, 200);
        const keys = Object.keys(res.json);
        assert.deepEqual(keys, ['nanosecond heartbeat']);
        // The value exceeds 2^53; compare the text form against the clock with a generous window.
        const nanos = BigInt(res.text.match(/:\s*(\d+)/)[1]);
        const nowNanos = BigInt(Date.now()) * 1_000_000n;
        const skew = nanos > nowNanos ? nanos - nowNanos : nowNanos - nanos;
        assert.ok(skew < 600n * 1_000_000_000n, `heartbeat ${nanos} is far from now ${nowNanos}`);

        const viaClient = await client().heartbeat();
        assert.equal(typeof viaClient, 'number');
        assert.ok(viaClient > 0);
    });

    it('version is the bare JSON string "1.0.0"', async () => {
        const res = await http('GET', `${API}/version`);
        assert.equal(res.status, 200);
        assert.equal(res.text.trim(), '"1.0.0"');
        assert.equal(await client().version(), '1.0.0');
    });

    it('healthcheck reports the executor and log client ready', async () => {
        const res = await http('GET', `${API}/healthcheck`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.json, { is_executor_ready: true, is_log_client_ready: true });
    });

    it('pre-flight checks give the batch size and base64 support', async () => {
        const res = await http('GET', `${API}/pre-flight-checks`);
        assert.equal(res.status, 200);
        assert.equal(res.json.max_batch_size, 5461);
        assert.equal(res.json.supports_base64_encoding, true);

        const chroma = client();
        assert.equal(await chroma.getMaxBatchSize(), 5461);
        assert.equal(await chroma.supportsBase64Encoding(), true);
    });

    it('auth/identity names the default tenant and database', async () => {
        const res = await http('GET', `${API}/auth/identity`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.json, { user_id: '', tenant: 'default_tenant', databases: ['default_database'] });
        assert.deepEqual(await client().getUserIdentity(), res.json);
    });

    it('auth headers are accepted and ignored', async () => {
        const res = await http('GET', `${API}/auth/identity`, undefined,
            { headers: { 'x-chroma-token': 'anything', authorization: 'Bearer anything' } });
        assert.equal(res.status, 200);
        const chroma = client({ headers: { 'x-chroma-token': 'anything' } });
        assert.equal(await chroma.version(), '1.0.0');
    });

    it('a client without tenant and database resolves them through auth/identity', async () => {
        // tenant "" makes the client fall back to /auth/identity (CHROMA_API.md, Authentication).
        const chroma = client({ tenant: '', database: '' });
        const collections = await chroma.listCollections({ limit: 1 });
        assert.ok(Array.isArray(collections));
        assert.equal(chroma.tenant, 'default_tenant');
        assert.equal(chroma.database, 'default_database');
    });

    it('an unknown route is 404', async () => {
        const res = await http('GET', `${API}/nope`);
        assert.equal(res.status, 404);
        const post = await http('POST', `${API}/tenants/default_tenant/nope`, {});
        assert.equal(post.status, 404);
    });

    it('the v1 API is gone (410)', async () => {
        const res = await http('GET', '/api/v1/heartbeat');
        assertError(res, 410, 'v1 API is deprecated');
    });
});
