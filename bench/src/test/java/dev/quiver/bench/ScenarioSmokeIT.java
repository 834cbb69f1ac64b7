package dev.quiver.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;

/** The synthetic scenarios' smoke runs (see {@link ScenarioSmoke}). */
class ScenarioSmokeIT extends ScenarioSmoke {

    @ParameterizedTest
    @EnumSource(value = Scenario.class, names = "TEXT_MINILM", mode = Mode.EXCLUDE)
    void scenarioRunsAgainstQuiverAndWritesItsResults(Scenario scenario) throws Exception {
        runsAgainstQuiverAndWritesItsResults(scenario);
    }
}
