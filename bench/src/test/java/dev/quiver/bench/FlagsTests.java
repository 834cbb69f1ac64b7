package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagsTests {

    private static final Map<String, String> DEFAULTS = Flags.defaults("documents", "100000", "fresh", "false",
            "server-jar", "server/target/quiver-server.jar");

    @Test
    void givenFlagsReplaceTheirDefaultsAndTheRestKeepThem() {
        Map<String, String> values = Flags.values(DEFAULTS, new String[] {"--documents", "2000"});

        assertThat(values).containsExactly(Map.entry("documents", "2000"), Map.entry("fresh", "false"),
                Map.entry("server-jar", "server/target/quiver-server.jar"));
    }

    @Test
    void aFlagWhoseDefaultIsFalseIsASwitchThatTakesNoValue() {
        Map<String, String> values = Flags.values(DEFAULTS, new String[] {"--fresh", "--documents=5"});

        assertThat(values).containsEntry("fresh", "true").containsEntry("documents", "5");
    }

    @Test
    void unknownFlagsMissingValuesAndStrayArgumentsAreRefusedByName() {
        assertThatIllegalArgumentException().isThrownBy(() -> Flags.values(DEFAULTS, new String[] {"--document", "1"}))
                .withMessage("unknown flag --document");
        assertThatIllegalArgumentException().isThrownBy(() -> Flags.values(DEFAULTS, new String[] {"--documents"}))
                .withMessage("flag --documents needs a value");
        assertThatIllegalArgumentException().isThrownBy(() -> Flags.values(DEFAULTS, new String[] {"2000"}))
                .withMessageContaining("2000");
    }

    @Test
    void parseKeepsPositionalArgumentsApartFromFlags() {
        Flags flags = Flags.parse(new String[] {"clustered-128", "--vectors", "10", "--label=a b"}, Set.of());

        assertThat(flags.positional()).containsExactly("clustered-128");
        assertThat(flags.flags()).containsExactly(Map.entry("vectors", "10"), Map.entry("label", "a b"));
    }
}
