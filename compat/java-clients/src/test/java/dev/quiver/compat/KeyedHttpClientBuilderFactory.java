package dev.quiver.compat;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpClientBuilderFactory;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an application gives langchain4j-chroma an API key. Its {@code ChromaEmbeddingStore} (1.13.0-beta23, the
 * newest served) has no header option, but every langchain4j HTTP call goes through the
 * {@link HttpClientBuilderFactory} that the {@code langchain4j.http.clientBuilderFactory} system property names.
 * This one is langchain4j's own JDK client with {@code x-chroma-token} added to every request, the header Chroma
 * clients send a key in. The key is read from the system property {@value #KEY_PROPERTY} when a client is built.
 */
public final class KeyedHttpClientBuilderFactory implements HttpClientBuilderFactory {

    static final String KEY_PROPERTY = "quiver.compat.api-key";

    @Override
    public HttpClientBuilder create() {
        // HTTP/1.1 as langchain4j-chroma sets it for its own JDK client (it only does so for that exact class).
        return new KeyedBuilder(new JdkHttpClientBuilder().httpClientBuilder(
                java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)));
    }

    /** Not thread-safe, as langchain4j's builders are not. */
    private static final class KeyedBuilder implements HttpClientBuilder {

        private final JdkHttpClientBuilder delegate;

        KeyedBuilder(JdkHttpClientBuilder delegate) {
            this.delegate = delegate;
        }

        @Override
        public Duration connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            delegate.connectTimeout(timeout);
            return this;
        }

        @Override
        public Duration readTimeout() {
            return delegate.readTimeout();
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            delegate.readTimeout(timeout);
            return this;
        }

        @Override
        public HttpClient build() {
            return new KeyedClient(delegate.build(), System.getProperty(KEY_PROPERTY, ""));
        }
    }

    private record KeyedClient(HttpClient delegate, String key) implements HttpClient {

        @Override
        public SuccessfulHttpResponse execute(HttpRequest request) {
            return delegate.execute(withKey(request));
        }

        @Override
        public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
            delegate.execute(withKey(request), parser, listener);
        }

        private HttpRequest withKey(HttpRequest request) {
            if (key.isEmpty()) {
                return request;
            }
            // The request's header map is unmodifiable, and the builder adds to the map it is given.
            Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
            headers.put("x-chroma-token", List.of(key));
            return HttpRequest.builder()
                .method(request.method())
                .url(request.url())
                .headers(headers)
                .formDataFields(request.formDataFields())
                .formDataFiles(request.formDataFiles())
                .body(request.body())
                .build();
        }
    }
}
