package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTests {

    @Test
    void findsTheHistogramUnderQuantileAndAggregation() {
        assertThat(PromQlNames.metricNames("histogram_quantile(0.99, sum by (le, uri) "
                + "(rate(http_server_requests_seconds_bucket{uri=~\"/api/v2/.*/query\", status!~\"5..\"}[5m])))"))
                .containsExactly("http_server_requests_seconds_bucket");
    }

    @Test
    void ignoresLabelNamesInGroupingAfterTheAggregation() {
        assertThat(PromQlNames.metricNames("sum(rate(http_server_requests_seconds_count[$__rate_interval])) "
                + "by (uri, status)"))
                .containsExactly("http_server_requests_seconds_count");
    }

    @Test
    void findsBothSidesOfARatioAndIgnoresVectorMatching() {
        assertThat(PromQlNames.metricNames("sum by (instance) (jvm_memory_used_bytes{area=\"heap\"}) "
                + "/ on (instance) group_left sum by (instance) (jvm_memory_max_bytes{area=\"heap\"}) > 0.9"))
                .containsExactly("jvm_memory_max_bytes", "jvm_memory_used_bytes");
    }

    @Test
    void findsBareNamesWithoutMatchersOrRanges() {
        assertThat(PromQlNames.metricNames("up == 0")).containsExactly("up");
        assertThat(PromQlNames.metricNames("max(quiver_search_apply_lag)")).containsExactly("quiver_search_apply_lag");
        assertThat(PromQlNames.metricNames("process_cpu_usage")).containsExactly("process_cpu_usage");
    }

    @Test
    void ignoresNumbersDurationsKeywordsAndStrings() {
        assertThat(PromQlNames.metricNames("deriv(quiver_search_apply_lag[10m:1m] offset 5m) > 1e3 "
                + "and on() label_replace(vector(1), \"dst\", \"$1\", \"src\", \"(.*)\") unless bool 2"))
                .containsExactly("quiver_search_apply_lag");
    }

    @Test
    void ignoresGrafanaDatasourceAndIntervalVariables() {
        assertThat(PromQlNames.metricNames("rate(quiver_search_wal_entries_total{instance=~\"${instance}\"}"
                + "[$__rate_interval])"))
                .containsExactly("quiver_search_wal_entries_total");
    }

    @Test
    void findsNothingInAConstant() {
        assertThat(PromQlNames.metricNames("vector(1)")).isEmpty();
    }
}
