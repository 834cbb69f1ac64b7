// Adds 25 records to a collection with nothing but an API key, as a customer's program does after minting a key in
// the console. Used by ConsoleJourneyIT. Reads CHROMA_URL, QUIVER_KEY, QUIVER_TENANT, QUIVER_DATABASE and
// QUIVER_COLLECTION. Record i is `rec-<i, two digits>` with the embedding [i, 1, 0], the document `Record number i`
// and the metadata { n: i, group: 'even' | 'odd' }, so tests can predict nearest neighbours with and without a
// filter. Exits 0 once the collection counts 25, 3 when the key is refused (401), 1 on anything else.
import { ChromaClient, ChromaUnauthorizedError } from 'chromadb';

const COUNT = 25;

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`${name} is not set`);
        process.exit(1);
    }
    return value;
}

const url = new URL(required('CHROMA_URL'));
const ssl = url.protocol === 'https:';
const client = new ChromaClient({
    host: url.hostname,
    port: url.port ? Number(url.port) : ssl ? 443 : 80,
    ssl,
    tenant: required('QUIVER_TENANT'),
    database: required('QUIVER_DATABASE'),
    headers: { 'x-chroma-token': required('QUIVER_KEY') },
});

const ids = [];
const embeddings = [];
const documents = [];
const metadatas = [];
for (let i = 0; i < COUNT; i++) {
    ids.push(`rec-${String(i).padStart(2, '0')}`);
    embeddings.push([i, 1, 0]);
    documents.push(`Record number ${i}`);
    metadatas.push({ n: i, group: i % 2 === 0 ? 'even' : 'odd' });
}

try {
    const collection = await client.getCollection({ name: required('QUIVER_COLLECTION'), embeddingFunction: null });
    await collection.add({ ids, embeddings, documents, metadatas });
    const count = await collection.count();
    if (count !== COUNT) {
        console.error(`expected ${COUNT} records, the collection counts ${count}`);
        process.exit(1);
    }
    console.log(`added ${COUNT} records to ${collection.name}`);
} catch (error) {
    if (error instanceof ChromaUnauthorizedError) {
        console.error(`refused: 401 unauthorized (${error.message})`);
        process.exit(3);
    }
    console.error(error);
    process.exit(1);
}
