// Embedding functions: documents without embeddings and queries by text, with Chroma's default function
// (all-MiniLM-L6-v2) on the client and, on Quiver, on the server.
//
// What chromadb 3.5.0 sends: the client embeds on its side. A collection created without an embeddingFunction
// argument is configured as {"type":"known","name":"default","config":{}}; collection.add({ids, documents}) and
// collection.query({queryTexts}) first run that function in the client and send only vectors (add: base64
// embeddings with the documents; query: query_embeddings). With no @chroma-core/default-embed installed, both throw
// ChromaValueError ("No embedding function found ...") before any request, so no server can make them work; with
// it installed they work against any server. Quiver additionally takes documents without embeddings and
// query_texts over the wire and embeds them itself, with the same model.
//
// @chroma-core/default-embed downloads its model from the Hugging Face hub at first use. These tests serve it
// from local files instead: MINILM_DIR names a folder with the model's model.onnx and tokenizer.json (server's
// ChromaJsEmbeddingIT copies them out of the jar Quiver runs them from). Without MINILM_DIR they are skipped.
// The server-side tests also need QUIVER_EMBEDDING=1, since the real Chroma refuses documents without embeddings.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { env as transformers } from '@huggingface/transformers';
import { DefaultEmbeddingFunction } from '@chroma-core/default-embed';
import { client, collectionPath, dropCollection, ok, uniqueName } from '../lib/harness.mjs';

const MINILM_DIR = process.env.MINILM_DIR;
const QUIVER = process.env.QUIVER_EMBEDDING === '1';
const noModel = !MINILM_DIR && 'MINILM_DIR is not set: the model cannot be downloaded here';

/** Six documents on six topics, and for three of them a query saying the same in other words. */
const DOCUMENTS = {
    cat: 'The cat sat on the mat by the fire.',
    rates: 'Interest rates were raised by the central bank to fight inflation.',
    flight: 'Our flight to Tokyo was cancelled because of the typhoon.',
    bread: 'Knead the dough for ten minutes before letting it rise.',
    football: 'The striker scored twice in the second half of the final.',
    plants: 'Photosynthesis turns sunlight, water and carbon dioxide into sugar.',
};
const QUERIES = {
    cat: 'A kitten was lying on the rug near the fireplace.',
    flight: 'The plane to Japan did not leave due to a storm.',
    plants: 'How plants make food from light',
};

if (MINILM_DIR) {
    // Lay the files out as the hub's Xenova/all-MiniLM-L6-v2 repository, which the default function asks for.
    const root = mkdtempSync(join(tmpdir(), 'minilm-'));
    const model = join(root, 'Xenova', 'all-MiniLM-L6-v2');
    mkdirSync(join(model, 'onnx'), { recursive: true });
    copyFileSync(join(MINILM_DIR, 'model.onnx'), join(model, 'onnx', 'model.onnx'));
    copyFileSync(join(MINILM_DIR, 'tokenizer.json'), join(model, 'tokenizer.json'));
    writeFileSync(join(model, 'config.json'), JSON.stringify({
        model_type: 'bert', architectures: ['BertModel'], hidden_size: 384, num_attention_heads: 12,
        num_hidden_layers: 6, intermediate_size: 1536, max_position_embeddings: 512, vocab_size: 30522,
        type_vocab_size: 2, pad_token_id: 0,
    }));
    writeFileSync(join(model, 'tokenizer_config.json'), JSON.stringify({
        tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, cls_token: '[CLS]',
        sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
        clean_up_tokenization_spaces: true, tokenize_chinese_chars: true,
    }));
    transformers.allowRemoteModels = false;
    transformers.localModelPath = root + '/';
}

/** A collection created by the official client with no embeddingFunction argument: Chroma's default. */
async function defaultCollection(t, prefix) {
    const name = uniqueName(prefix);
    t.after(() => dropCollection(name));
    return client().createCollection({ name, configuration: { hnsw: { space: 'cosine' } } });
}

/** The nearest id for each query text, as the official client's query answers it. */
function nearest(result) {
    return result.ids.map((row) => row[0]);
}

describe('embedding functions', () => {
    it('the official client adds documents alone and queries by text with Chroma\'s default function',
        { skip: noModel }, async (t) => {
            const collection = await defaultCollection(t, 'ef-client');
            assert.ok(collection.embeddingFunction instanceof DefaultEmbeddingFunction,
                'the collection resolves its default function from @chroma-core/default-embed');

            await collection.add({ ids: Object.keys(DOCUMENTS), documents: Object.values(DOCUMENTS) });
            const result = await collection.query({ queryTexts: Object.values(QUERIES), nResults: 2 });

            assert.deepEqual(nearest(result), Object.keys(QUERIES));
            assert.equal(await collection.count(), 6);
        });

    it('the server embeds documents sent alone into the vectors Chroma\'s default function makes on the client',
        { skip: noModel || (!QUIVER && 'QUIVER_EMBEDDING is not 1: only Quiver embeds on the server') },
        async (t) => {
            const collection = await defaultCollection(t, 'ef-server');
            const path = collectionPath(collection.id);
            const raw = await ok('GET', `${path.replace('/collections/', '/collections/by-id/')}`);
            assert.deepEqual(raw.configuration_json.embedding_function, { type: 'known', name: 'default', config: {} });
            assert.deepEqual(raw.configuration_json.server_embedding,
                { name: 'default', model_name: 'all-MiniLM-L6-v2', dimension: 384 });

            await ok('POST', `${path}/add`, { ids: Object.keys(DOCUMENTS), documents: Object.values(DOCUMENTS) }, 201);

            // 1. The server's vectors are the client's, component by component.
            const stored = await ok('POST', `${path}/get`, { ids: Object.keys(DOCUMENTS), include: ['embeddings'] });
            const local = await new DefaultEmbeddingFunction().generate(Object.values(DOCUMENTS));
            Object.keys(DOCUMENTS).forEach((id, i) => {
                const server = stored.embeddings[stored.ids.indexOf(id)];
                assert.equal(server.length, 384);
                const worst = Math.max(...server.map((value, d) => Math.abs(value - local[i][d])));
                assert.ok(worst < 1e-4, `${id}: the server's vector differs from the client's by ${worst}`);
            });

            // 2. Documents embedded by the server, queries embedded by the client: the paraphrases are nearest.
            const byClient = await collection.query({ queryTexts: Object.values(QUERIES), nResults: 2 });
            assert.deepEqual(nearest(byClient), Object.keys(QUERIES));

            // 3. Documents embedded by the client, queries embedded by the server: the same.
            const other = await defaultCollection(t, 'ef-mixed');
            await other.add({ ids: Object.keys(DOCUMENTS), documents: Object.values(DOCUMENTS) });
            const byServer = await ok('POST', `${collectionPath(other.id)}/query`,
                { query_texts: Object.values(QUERIES), n_results: 2, include: ['distances'] });
            assert.deepEqual(byServer.ids.map((row) => row[0]), Object.keys(QUERIES));
        });
});
