package dev.quiver.search.objectstore;

import org.junit.jupiter.api.BeforeEach;

/** The object store contract on the filesystem store of standalone mode. */
class FileObjectStoreContractIT extends ObjectStoreContract {

    private ObjectStore store;

    @BeforeEach
    void openStore() {
        store = new FileObjectStore(work.resolve("objects"));
    }

    @Override
    ObjectStore store() {
        return store;
    }
}
