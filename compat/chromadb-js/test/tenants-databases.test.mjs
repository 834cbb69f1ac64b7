// Tenants and databases, through the official AdminClient and raw HTTP.
// Chroma has no API to delete a tenant, so the tenants made here stay behind (each has a unique name); their
// databases are deleted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChromaClientError, ChromaNotFoundError, ChromaUniqueError } from 'chromadb';
import {
    API, DEFAULT_TENANT, adminClient, assertError, client, dbPath, dropDatabase, http, ok, rejectsWith, uniqueName,
} from '../lib/harness.mjs';

describe('tenants', () => {
    it('creates a tenant, gets it, and refuses a duplicate with 409', async () => {
        const admin = adminClient();
        const name = uniqueName('tenant');
        await admin.createTenant({ name });
        assert.equal(await admin.getTenant({ name }), name);

        const got = await http('GET', `${API}/tenants/${name}`);
        assert.equal(got.status, 200);
        assert.equal(got.json.name, name);
        assert.ok('resource_name' in got.json, 'tenant has resource_name');
        assert.equal(got.json.resource_name, null);

        const duplicate = await http('POST', `${API}/tenants`, { name });
        assertError(duplicate, 409, `Tenant [${name}] already exists`);
        await rejectsWith(admin.createTenant({ name }), ChromaUniqueError);
    });

    it('raw create answers 200 {}', async () => {
        const name = uniqueName('tenant');
        const res = await http('POST', `${API}/tenants`, { name });
        assert.equal(res.status, 200);
        assert.deepEqual(res.json, {});
    });

    it('an unknown tenant is 404', async () => {
        const name = uniqueName('nope-tenant');
        const res = await http('GET', `${API}/tenants/${name}`);
        assertError(res, 404, `Tenant [${name}] not found`);
        await rejectsWith(adminClient().getTenant({ name }), ChromaNotFoundError);
    });

    it('an invalid tenant name is 400', async () => {
        const res = await http('POST', `${API}/tenants`, { name: 'a' });
        assertError(res, 400);
    });
});

describe('databases', () => {
    // Chroma 1.4.4 lists databases ordered by name (ascending), not in creation order; limit and offset page
    // through that order. The names are created out of order on purpose.
    it('creates, lists (by name), gets and deletes databases in a tenant', async (t) => {
        const admin = adminClient();
        const tenant = uniqueName('tenant');
        await admin.createTenant({ name: tenant });
        const created = [uniqueName('db-c'), uniqueName('db-a'), uniqueName('db-b')];
        t.after(async () => { for (const name of created) await dropDatabase(tenant, name); });
        for (const name of created) await admin.createDatabase({ name, tenant });
        const names = [...created].sort();

        const listed = await admin.listDatabases({ tenant });
        assert.deepEqual(listed.map((d) => d.name), names, 'databases listed by name');
        for (const database of listed) {
            assert.equal(database.tenant, tenant);
            assert.match(database.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        }
        const page = await admin.listDatabases({ tenant, limit: 1, offset: 1 });
        assert.deepEqual(page.map((d) => d.name), [names[1]]);

        const raw = await http('GET', `${API}/tenants/${tenant}/databases?limit=2&offset=1`);
        assert.equal(raw.status, 200);
        assert.deepEqual(raw.json.map((d) => d.name), names.slice(1));

        const one = await admin.getDatabase({ name: names[0], tenant });
        assert.equal(one.name, names[0]);
        assert.equal(one.tenant, tenant);
        assert.equal(one.id, listed[0].id);
        const rawOne = await ok('GET', dbPath(tenant, names[0]));
        assert.deepEqual(Object.keys(rawOne).sort(), ['id', 'name', 'tenant']);

        await admin.deleteDatabase({ name: names[2], tenant });
        const after = await admin.listDatabases({ tenant });
        assert.deepEqual(after.map((d) => d.name), names.slice(0, 2));
    });

    it('raw create and delete answer 200 {}', async (t) => {
        const database = uniqueName('db');
        t.after(() => dropDatabase(DEFAULT_TENANT, database));
        const created = await http('POST', `${API}/tenants/${DEFAULT_TENANT}/databases`, { name: database });
        assert.equal(created.status, 200);
        assert.deepEqual(created.json, {});
        const deleted = await http('DELETE', dbPath(DEFAULT_TENANT, database));
        assert.equal(deleted.status, 200);
        assert.deepEqual(deleted.json, {});
    });

    it('refuses a duplicate database with 409', async (t) => {
        const database = uniqueName('db');
        t.after(() => dropDatabase(DEFAULT_TENANT, database));
        await adminClient().createDatabase({ name: database, tenant: DEFAULT_TENANT });
        const res = await http('POST', `${API}/tenants/${DEFAULT_TENANT}/databases`, { name: database });
        assertError(res, 409, `Database [${database}] already exists`);
        await rejectsWith(adminClient().createDatabase({ name: database, tenant: DEFAULT_TENANT }), ChromaUniqueError);
    });

    it('an unknown database is 404 on get and delete', async () => {
        const database = uniqueName('nope-db');
        const got = await http('GET', dbPath(DEFAULT_TENANT, database));
        assertError(got, 404, `Database [${database}] not found`);
        const deleted = await http('DELETE', dbPath(DEFAULT_TENANT, database));
        assertError(deleted, 404, `Database [${database}] not found`);
        await rejectsWith(adminClient().getDatabase({ name: database, tenant: DEFAULT_TENANT }), ChromaNotFoundError);
    });

    it('a deleted database is gone, and so are its collections', async (t) => {
        const database = uniqueName('db');
        t.after(() => dropDatabase(DEFAULT_TENANT, database));
        await adminClient().createDatabase({ name: database, tenant: DEFAULT_TENANT });
        const chroma = client({ database });
        const name = uniqueName('coll');
        const collection = await chroma.createCollection({ name, embeddingFunction: null });
        // No array-valued metadata here: Chroma would leave such rows behind when the database drops the collection.
        await collection.add({ ids: ['a'], embeddings: [[1, 2, 3]], documents: ['doc'] });
        assert.equal(await chroma.countCollections(), 1);

        await adminClient().deleteDatabase({ name: database, tenant: DEFAULT_TENANT });

        assertError(await http('GET', dbPath(DEFAULT_TENANT, database)), 404);
        assertError(await http('GET', `${dbPath(DEFAULT_TENANT, database)}/collections/${name}`), 404);
        assertError(await http('POST', `${dbPath(DEFAULT_TENANT, database)}/collections/${collection.id}/get`, {}), 404);
        // Re-creating the database gives an empty one.
        await adminClient().createDatabase({ name: database, tenant: DEFAULT_TENANT });
        assert.equal(await ok('GET', `${dbPath(DEFAULT_TENANT, database)}/collections_count`), 0);
        assert.deepEqual(await ok('GET', `${dbPath(DEFAULT_TENANT, database)}/collections`), []);
    });

    it('a database can be created in a tenant that was never created', async (t) => {
        const tenant = uniqueName('ghost-tenant');
        const database = uniqueName('db');
        t.after(() => dropDatabase(tenant, database));
        const res = await http('POST', `${API}/tenants/${tenant}/databases`, { name: database });
        assert.equal(res.status, 200);
        const got = await ok('GET', dbPath(tenant, database));
        assert.equal(got.tenant, tenant);
    });

    it('listing the databases of an unknown tenant gives []', async () => {
        const res = await http('GET', `${API}/tenants/${uniqueName('nope-tenant')}/databases`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.json, []);
    });

    it('an invalid database name is 400', async () => {
        const res = await http('POST', `${API}/tenants/${DEFAULT_TENANT}/databases`, { name: '-bad-' });
        assertError(res, 400);
        await rejectsWith(adminClient().createDatabase({ name: 'ab', tenant: DEFAULT_TENANT }), ChromaClientError);
    });

    it('collections of an unknown tenant or database: create 400, list [] and count 0', async () => {
        const tenant = uniqueName('nope-tenant');
        const database = uniqueName('nope-db');
        const createInUnknownTenant = await http('POST', `${dbPath(tenant, 'default_database')}/collections`,
            { name: uniqueName('coll') });
        assertError(createInUnknownTenant, 400, 'Database [default_database] does not exist');
        const createInUnknownDb = await http('POST', `${dbPath(DEFAULT_TENANT, database)}/collections`,
            { name: uniqueName('coll') });
        assertError(createInUnknownDb, 400, `Database [${database}] does not exist`);
        const getOrCreate = await http('POST', `${dbPath(DEFAULT_TENANT, database)}/collections`,
            { name: uniqueName('coll'), get_or_create: true });
        assertError(getOrCreate, 400, `Database [${database}] does not exist`);

        assert.deepEqual(await ok('GET', `${dbPath(DEFAULT_TENANT, database)}/collections`), []);
        assert.equal(await ok('GET', `${dbPath(DEFAULT_TENANT, database)}/collections_count`), 0);
        assert.deepEqual(await ok('GET', `${dbPath(tenant, database)}/collections`), []);
    });
});
