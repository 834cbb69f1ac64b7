package dev.quiver.bench;

import org.junit.jupiter.api.Test;

/** The real-text scenario's smoke run (see {@link ScenarioSmoke}): embedding, then the same checks. */
class TextScenarioSmokeIT extends ScenarioSmoke {

    @Test
    void textScenarioRunsAgainstQuiverAndWritesItsResults() throws Exception {
        runsAgainstQuiverAndWritesItsResults(Scenario.TEXT_MINILM);
    }
}
