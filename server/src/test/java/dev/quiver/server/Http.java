package dev.quiver.server;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * A small JSON client for the ITs: real HTTP against the server's random port, with the headers each call names.
 * Cookies are handled by the caller ({@link Response#sessionCookie()}), so a test sees exactly what it sends.
 * Thread-safe.
 */
final class Http {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response: status, headers and the body read as JSON (a missing node when empty or not JSON). */
    record Response(int status, HttpResponse<String> raw, JsonNode json) {

        @Nullable String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** {@code SESSION=...} from the Set-Cookie header, ready for a Cookie header; null when none was set. */
        @Nullable String sessionCookie() {
            return raw.headers().allValues("set-cookie").stream()
                    .filter(cookie -> cookie.startsWith("SESSION="))
                    .map(cookie -> cookie.substring(0, cookie.indexOf(';') < 0 ? cookie.length()
                            : cookie.indexOf(';')))
                    .findFirst().orElse(null);
        }

        String body() {
            return raw.body();
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    Response delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    Response post(String path, @Nullable String body, String... headers) {
        return send("POST", path, body, headers);
    }

    Response put(String path, @Nullable String body, String... headers) {
        return send("PUT", path, body, headers);
    }

    Response patch(String path, @Nullable String body, String... headers) {
        return send("PATCH", path, body, headers);
    }

    /**
     * Posts a console form as a browser does, URL-encoded, with the headers given (a session's cookie and CSRF
     * token, {@link Console#headers()}); a redirect is returned, not followed.
     */
    Response form(String path, String body, String... headers) {
        return exchange("POST", path, body, "application/x-www-form-urlencoded", headers);
    }

    /** Sends a JSON request, checks that it answers {@code expectedStatus}, and returns the answer's JSON. */
    JsonNode expect(String method, String path, @Nullable String body, int expectedStatus) {
        Response response = send(method, path, body);
        assertThat(response.status()).as("%s %s: %s", method, path, response.raw().body()).isEqualTo(expectedStatus);
        return response.json();
    }

    /** Sends a request; {@code headers} are name-value pairs, and a null value leaves that header out. */
    Response send(String method, String path, @Nullable String body, String... headers) {
        return exchange(method, path, body, "application/json", headers);
    }

    private Response exchange(String method, String path, @Nullable String body, String contentType,
            String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                request.header(headers[i], headers[i + 1]);
            }
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response, parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + path, e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException e) {
            return MissingNode.getInstance();
        }
    }

    /** Headers that authenticate with an API key. */
    static String[] key(String secret) {
        return new String[] {"x-chroma-token", requireNonNull(secret, "secret is null")};
    }

    /** JSON text written with single quotes for readability. */
    static String json(String text) {
        return text.replace('\'', '"');
    }

    /** Concatenates header pairs. */
    static String[] headers(String[]... groups) {
        List<String> all = new ArrayList<>();
        for (String[] group : groups) {
            all.addAll(List.of(group));
        }
        return all.toArray(String[]::new);
    }
}
