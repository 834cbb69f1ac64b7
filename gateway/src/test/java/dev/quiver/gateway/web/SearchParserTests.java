package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.SearchFilter;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WhereDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchParserTests {

    private static final SearchParser.TextEmbedder NO_EMBEDDINGS = (text, field) -> {
        throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, field, "embedding-function",
                "collection has no embedding function");
    };

    private static SearchParser.ParsedSearch one(String search) {
        return SearchParser.parse(json("{'searches': [" + search + "]}"), 2, NO_EMBEDDINGS).getFirst();
    }

    private static QuiverException refused(String search) {
        return refusal(() -> one(search));
    }

    @Test
    void readsWhatChromasJsClientSendsForAKnnSearch() {
        // Search().rank(Knn({query: [1, 2], limit: 5})).limit(3, 1).select(K.DOCUMENT, K.SCORE, 'title')
        SearchParser.ParsedSearch parsed = one("{'limit': {'offset': 1, 'limit': 3}, "
                + "'select': {'keys': ['title', '#score', '#document']}, "
                + "'rank': {'$knn': {'query': [1, 2], 'key': '#embedding', 'limit': 5}}}");

        SearchRequest request = parsed.request();
        assertThat(request.offset()).isEqualTo(1);
        assertThat(request.limit()).isEqualTo(3);
        assertThat(request.rank()).isInstanceOfSatisfying(Rank.Knn.class, knn -> {
            assertThat(knn.query()).containsExactly(1f, 2f);
            assertThat(knn.limit()).isEqualTo(5);
            assertThat(knn.defaultValue()).isNull();
            assertThat(knn.returnRank()).isFalse();
        });
        assertThat(request.select()).isEqualTo(new SearchSelect(true, false, true, false, List.of("title")));
        assertThat(parsed.selectKeys()).containsExactly("#document", "#score", "title");
        assertThat(parsed.vectorLeaves()).isEqualTo(1);
    }

    @Test
    void readsTheExpressionChromasRrfSends() {
        // Rrf({ranks: [Knn({query: [1, 0], returnRank: true}), {$bm25: ...}], k: 60, weights: [0.7, 0.3]})
        SearchParser.ParsedSearch parsed = one("{'rank': {'$mul': [{'$sum': ["
                + "{'$div': {'left': {'$val': 0.7}, 'right': {'$sum': [{'$knn': {'query': [1, 0], 'key': "
                + "'#embedding', 'limit': 128, 'return_rank': true}}, {'$val': 60}]}}}, "
                + "{'$div': {'left': {'$val': 0.3}, 'right': {'$sum': [{'$bm25': {'query': 'rare words', "
                + "'limit': 50, 'default': 1000, 'return_rank': true}}, {'$val': 60}]}}}]}, {'$val': -1}]}}");

        Rank.Product product = (Rank.Product) parsed.request().rank();
        assertThat(product.factors()).hasSize(2).last().isEqualTo(new Rank.Value(-1f));
        Rank.Sum sum = (Rank.Sum) product.factors().getFirst();
        Rank.Quotient bm25Term = (Rank.Quotient) sum.terms().get(1);
        assertThat(bm25Term.left()).isEqualTo(new Rank.Value(0.3f));
        assertThat(((Rank.Sum) bm25Term.right()).terms().getFirst())
                .isEqualTo(new Rank.Bm25("rare words", 50, 1000f, true));
        assertThat(parsed.vectorLeaves()).isEqualTo(1);
        assertThat(parsed.maxLeafLimit()).isEqualTo(128);
    }

    @Test
    void readsAKnnOverTheDocumentAsBm25() {
        assertThat(one("{'rank': {'$knn': {'query': 'quokka', 'key': '#document'}}}").request().rank())
                .isEqualTo(new Rank.Bm25("quokka", Rank.DEFAULT_LIMIT, null, false));
    }

    @Test
    void readsAFilterThatMixesIdsMetadataAndDocuments() {
        SearchRequest request = one("{'filter': {'$or': [{'#id': {'$in': ['a', 'b']}}, "
                + "{'$and': [{'shelf': 'pets'}, {'#document': {'$contains': 'sleep'}}]}]}}").request();

        assertThat(request.filter()).isEqualTo(new SearchFilter.Or(List.of(
                new SearchFilter.Ids(List.of("a", "b"), false),
                new SearchFilter.And(List.of(
                        new SearchFilter.Metadata(new Where.Compare("shelf", Where.Operator.EQ,
                                new MetadataValue.StringValue("pets"))),
                        new SearchFilter.Document(new WhereDocument.Contains("sleep", false)))))));
    }

    @Test
    void readsAGroupBy() {
        SearchRequest request = one("{'rank': {'$knn': {'query': [1, 0]}}, 'group_by': {'keys': ['shelf'], "
                + "'aggregate': {'$max_k': {'keys': ['#score', 'year'], 'k': 2}}}}").request();

        assertThat(request.groupBy()).isEqualTo(new GroupBy(List.of("shelf"), true, List.of("#score", "year"), 2));
    }

    @Test
    void anEmptySearchReturnsIdsInInsertionOrder() {
        SearchRequest request = one("{'filter': {}, 'limit': {'offset': 0}, 'select': {'keys': []}}").request();

        assertThat(request.rank()).isNull();
        assertThat(request.filter()).isNull();
        assertThat(request.limit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(request.select()).isEqualTo(SearchSelect.IDS);
    }

    @Test
    void refusesAMissingSearchesListAs422() {
        QuiverException refusal = refusal(() -> SearchParser.parse(json("{}"), 2, NO_EMBEDDINGS));

        assertThat(refusal.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(refusal.errors().getFirst().field()).isEqualTo("searches");
    }

    @Test
    void refusesBadPayloadsWith400NamingTheField() {
        assertRefused("{'rank': {'$nope': 1}}", ErrorCode.INVALID_ARGUMENT, "searches[0].rank.$nope");
        assertRefused("{'rank': {'$knn': {'query': [1, 2], 'limit': 0}}}", ErrorCode.INVALID_ARGUMENT,
                "searches[0].rank.$knn.limit");
        assertRefused("{'rank': {'$knn': {'limit': 3}}}", ErrorCode.INVALID_ARGUMENT,
                "searches[0].rank.$knn.query");
        assertRefused("{'rank': {'$knn': {'query': [1, 2, 3]}}}", ErrorCode.DIMENSION_MISMATCH,
                "searches[0].rank.$knn.query");
        assertRefused("{'rank': {'$knn': {'query': {'indices': [1], 'values': [1]}, 'key': 'sparse'}}}",
                ErrorCode.INVALID_ARGUMENT, "searches[0].rank.$knn.key");
        assertRefused("{'rank': {'$sum': []}}", ErrorCode.INVALID_ARGUMENT, "searches[0].rank.$sum");
        assertRefused("{'limit': {'limit': -1}}", ErrorCode.INVALID_ARGUMENT, "searches[0].limit.limit");
        assertRefused("{'select': {'keys': [1]}}", ErrorCode.INVALID_ARGUMENT, "searches[0].select.keys[0]");
        assertRefused("{'filter': {'#document': {'$eq': 'x'}}}", ErrorCode.INVALID_WHERE,
                "searches[0].filter.#document.$eq");
        assertRefused("{'filter': {'a': 1, 'b': 2}}", ErrorCode.INVALID_WHERE, "searches[0].filter");
        assertRefused("{'group_by': {'keys': ['shelf'], 'aggregate': {'$min_k': {'keys': ['#score'], 'k': 1}}}}",
                ErrorCode.INVALID_ARGUMENT, "searches[0].group_by");
        assertRefused("{'rank': {'$val': 1}, 'group_by': {'keys': ['shelf']}}", ErrorCode.INVALID_ARGUMENT,
                "searches[0].group_by");
        assertRefused("{'rank': {'$val': 1}, 'group_by': {'keys': ['#score'], "
                + "'aggregate': {'$min_k': {'keys': ['#score'], 'k': 1}}}}", ErrorCode.INVALID_ARGUMENT,
                "searches[0].group_by.keys[0]");
        assertRefused("{'where': {}}", ErrorCode.INVALID_ARGUMENT, "searches[0].where");
    }

    @Test
    void refusesATextQueryWhenTheCollectionCannotEmbedIt() {
        assertRefused("{'rank': {'$knn': {'query': 'a cat'}}}", ErrorCode.INVALID_ARGUMENT,
                "searches[0].rank.$knn.query");
    }

    @Test
    void embedsATextQueryWithTheCollectionsFunction() {
        SearchParser.ParsedSearch parsed = SearchParser.parse(
                json("{'searches': [{'rank': {'$knn': {'query': 'a cat'}}}]}"), 2,
                (text, field) -> new float[] {text.length(), 0f}).getFirst();

        assertThat(((Rank.Knn) parsed.request().rank()).query()).containsExactly(5f, 0f);
    }

    private static void assertRefused(String search, ErrorCode code, String field) {
        QuiverException refusal = refused(search);
        assertThat(refusal.code()).as(search).isEqualTo(code);
        assertThat(refusal.errors().getFirst().field()).as(search).isEqualTo(field);
    }
}
