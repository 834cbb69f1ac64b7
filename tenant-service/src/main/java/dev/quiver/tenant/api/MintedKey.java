package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

/** A key just minted: {@code secret} exists only here and is never stored or shown again. */
public record MintedKey(ApiKeyView key, String secret) {

    public MintedKey {
        requireNonNull(key, "key is null");
        requireNonNull(secret, "secret is null");
    }

    @Override
    public String toString() {
        return "MintedKey[key=" + key + ", secret=<hidden>]";
    }
}
