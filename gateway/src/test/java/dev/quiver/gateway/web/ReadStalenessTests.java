package dev.quiver.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadStalenessTests {

    @Test
    void readsAWholeNumberOfMillisecondsSecondsOrMinutes() {
        assertThat(ReadStaleness.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ReadStaleness.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(ReadStaleness.parse(" 2m ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ReadStaleness.parse("60m")).isEqualTo(ReadStaleness.MAX);
    }

    @Test
    void noHeaderOrZeroMeansAStrongRead() {
        assertThat(ReadStaleness.parse(null)).isNull();
        assertThat(ReadStaleness.parse("0s")).isNull();
        assertThat(ReadStaleness.parse("0ms")).isNull();
    }

    @Test
    void refusesAnythingElseNamingTheHeaderAndTheRule() {
        for (String value : new String[] {"5", "5h", "-1s", "1.5s", "61m", "3601s", "s", "", "5 s", "99999999999s"}) {
            assertThatThrownBy(() -> ReadStaleness.parse(value)).as(value)
                    .isInstanceOfSatisfying(QuiverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.errors()).singleElement().satisfies(error -> {
                            assertThat(error.field()).isEqualTo("X-Quiver-Max-Staleness");
                            assertThat(error.rule()).isEqualTo("duration");
                        });
                        assertThat(e.getMessage()).contains("X-Quiver-Max-Staleness", "at most 1 hour");
                    });
        }
    }
}
