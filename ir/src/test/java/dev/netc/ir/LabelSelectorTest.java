package dev.netc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.LabelSelector.Operator;
import dev.netc.ir.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "frontend");

    @Test
    void emptySelectorMatchesEverything() {
        assertTrue(LabelSelector.EVERYTHING.matches(Map.of()));
        assertTrue(LabelSelector.EVERYTHING.matches(WEB));
        assertEquals("<all>", LabelSelector.EVERYTHING.toString());
    }

    @Test
    void matchLabelsNeedsEveryPair() {
        assertTrue(LabelSelector.ofLabels(Map.of("app", "web")).matches(WEB));
        assertFalse(LabelSelector.ofLabels(Map.of("app", "web", "tier", "db")).matches(WEB));
        assertFalse(LabelSelector.ofLabels(Map.of("app", "web")).matches(Map.of()));
    }

    @Test
    void operators() {
        assertTrue(req("app", Operator.In, "web", "api").matches(WEB));
        assertFalse(req("app", Operator.In, "api").matches(WEB));
        assertFalse(req("missing", Operator.In, "x").matches(WEB));
        assertTrue(req("app", Operator.NotIn, "api").matches(WEB));
        assertFalse(req("app", Operator.NotIn, "web").matches(WEB));
        assertTrue(req("missing", Operator.NotIn, "x").matches(WEB), "NotIn matches objects without the key");
        assertTrue(req("tier", Operator.Exists).matches(WEB));
        assertFalse(req("missing", Operator.Exists).matches(WEB));
        assertTrue(req("missing", Operator.DoesNotExist).matches(WEB));
        assertFalse(req("app", Operator.DoesNotExist).matches(WEB));
    }

    @Test
    void expressionsAndLabelsAreAndedAndPrintedCanonically() {
        LabelSelector s = new LabelSelector(Map.of("app", "web"),
                List.of(new Requirement("tier", Operator.In, List.of("frontend", "backend")),
                        new Requirement("canary", Operator.DoesNotExist, List.of())));
        assertTrue(s.matches(WEB));
        assertFalse(s.matches(Map.of("app", "web", "tier", "frontend", "canary", "yes")));
        assertEquals("app=web,!canary,tier in (backend,frontend)", s.toString());
    }

    private static Requirement req(String key, Operator op, String... values) {
        return new Requirement(key, op, List.of(values));
    }
}
