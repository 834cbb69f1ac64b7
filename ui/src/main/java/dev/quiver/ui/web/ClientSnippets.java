package dev.quiver.ui.web;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Code to paste into a program that talks to this Quiver with the official Chroma clients: the {@code chromadb} npm
 * package (3.x: host, port and ssl rather than a path) and the Python {@code chromadb.HttpClient}. The address is
 * the one the browser used, so the snippet works from the same network as the console.
 *
 * @param javascript a module for Node 20 or later ({@code import}, top-level {@code await})
 * @param python a script for {@code chromadb} 1.x
 */
record ClientSnippets(String javascript, String python) {

    /** What the snippets show where a user has not minted a key yet. */
    static final String KEY_PLACEHOLDER = "<your API key>";

    ClientSnippets {
        requireNonNull(javascript, "javascript is null");
        requireNonNull(python, "python is null");
    }

    /** Where the browser reached this Quiver. */
    record Endpoint(String host, int port, boolean ssl) {

        Endpoint {
            requireNonNull(host, "host is null");
        }

        static Endpoint of(HttpServletRequest request) {
            return new Endpoint(request.getServerName(), request.getServerPort(), request.isSecure());
        }
    }

    /** Connects and lists the database's collections. */
    static ClientSnippets connect(Endpoint endpoint, String tenant, String database, String key) {
        return new ClientSnippets(
                javascriptClient(endpoint, tenant, database, key) + """

                        const collections = await client.listCollections();
                        console.log(collections.map((collection) => collection.name));
                        """,
                pythonClient(endpoint, tenant, database, key) + """

                        print([collection.name for collection in client.list_collections()])
                        """);
    }

    /** Connects and adds two records with 3-d embeddings to a collection, then counts them. */
    static ClientSnippets add(Endpoint endpoint, String tenant, String database, String collection, String key) {
        String name = quoted(collection);
        return new ClientSnippets(
                javascriptClient(endpoint, tenant, database, key) + """

                        // Quiver stores the vectors you send; it does not embed text itself.
                        const collection = await client.getCollection({ name: %s, embeddingFunction: null });
                        await collection.add({
                          ids: ["doc-1", "doc-2"],
                          embeddings: [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]],
                          documents: ["The first note", "The second note"],
                          metadatas: [{ topic: "intro" }, { topic: "outro" }],
                        });
                        console.log(await collection.count());
                        """.formatted(name),
                pythonClient(endpoint, tenant, database, key) + """

                        collection = client.get_collection(%s)
                        collection.add(
                            ids=["doc-1", "doc-2"],
                            embeddings=[[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]],
                            documents=["The first note", "The second note"],
                            metadatas=[{"topic": "intro"}, {"topic": "outro"}],
                        )
                        print(collection.count())
                        """.formatted(name));
    }

    private static String javascriptClient(Endpoint endpoint, String tenant, String database, String key) {
        return """
                import { ChromaClient } from "chromadb";

                const client = new ChromaClient({
                  host: %s,
                  port: %d,
                  ssl: %s,
                  tenant: %s,
                  database: %s,
                  headers: { "x-chroma-token": %s },
                });
                """.formatted(quoted(endpoint.host()), endpoint.port(), endpoint.ssl(), quoted(tenant),
                quoted(database), quoted(key));
    }

    private static String pythonClient(Endpoint endpoint, String tenant, String database, String key) {
        return """
                import chromadb

                client = chromadb.HttpClient(
                    host=%s,
                    port=%d,
                    ssl=%s,
                    tenant=%s,
                    database=%s,
                    headers={"x-chroma-token": %s},
                )
                """.formatted(quoted(endpoint.host()), endpoint.port(), endpoint.ssl() ? "True" : "False",
                quoted(tenant), quoted(database), quoted(key));
    }

    /**
     * A double-quoted literal that reads the same in JavaScript and Python. Names follow Chroma's rule and keys
     * are base64url, so escaping backslashes and quotes is enough.
     */
    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
