package dev.netc.ir.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.SourcePos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The compact field-position map reads as the TreeMap it replaces: same entries, same order, same equality. */
class FieldPositionsTest {
    private static Map<String, SourcePos> sample(boolean twoFiles) {
        Map<String, SourcePos> m = new HashMap<>();
        m.put("spec.ports[0].port", new SourcePos("a.yaml", 12, 9));
        m.put("metadata.name", new SourcePos("a.yaml", 3, 9));
        m.put("spec.ports[10].port", new SourcePos(twoFiles ? "b.yaml" : "a.yaml", 40, 11));
        m.put("spec.selector.app", new SourcePos("a.yaml", 20, 10));
        return m;
    }

    @Test
    void readsAsTheSortedMap() {
        for (boolean twoFiles : new boolean[] {false, true}) {
            Map<String, SourcePos> given = sample(twoFiles);
            TreeMap<String, SourcePos> tree = new TreeMap<>(given);
            Map<String, SourcePos> f = FieldPositions.of(given);
            assertEquals(tree, f);
            assertEquals(f, tree);
            assertEquals(tree.hashCode(), f.hashCode());
            assertEquals(new ArrayList<>(tree.keySet()), new ArrayList<>(f.keySet()), "path order");
            assertEquals(new ArrayList<>(tree.values()), new ArrayList<>(f.values()));
            List<String> seen = new ArrayList<>();
            f.forEach((k, v) -> {
                assertEquals(tree.get(k), v);
                seen.add(k);
            });
            assertEquals(new ArrayList<>(tree.keySet()), seen);
            assertEquals(tree.get("spec.ports[10].port"), f.get("spec.ports[10].port"));
            assertTrue(f.containsKey("metadata.name"));
            assertFalse(f.containsKey("metadata"));
            assertNull(f.get("spec.ports[1].port"));
            assertNull(f.get(7));
            assertEquals(4, f.size());
        }
    }

    @Test
    void immutableAndCopiedOnce() {
        Map<String, SourcePos> given = sample(false);
        Map<String, SourcePos> f = FieldPositions.of(given);
        given.clear();
        assertEquals(4, f.size(), "a copy, not a view");
        assertSame(f, FieldPositions.of(f));
        assertThrows(UnsupportedOperationException.class, () -> f.put("x", new SourcePos("a.yaml", 1, 1)));
        assertThrows(UnsupportedOperationException.class, () -> f.keySet().remove("metadata.name"));
        assertSame(FieldPositions.EMPTY, FieldPositions.of(Map.of()));
    }

    @Test
    void objectMetaKeepsItsFields() {
        ObjectMeta m = new ObjectMeta("Service", "shop", "web", Map.of("app", "web"), Map.of(), new SourcePos("a.yaml", 1, 1),
                sample(false));
        assertEquals(new SourcePos("a.yaml", 12, 9), m.at("spec.ports[0].port"));
        assertEquals(new SourcePos("a.yaml", 1, 1), m.at("spec.clusterIP"), "the object's position when unknown");
        assertEquals(m, new ObjectMeta("Service", "shop", "web", Map.of("app", "web"), Map.of(), new SourcePos("a.yaml", 1, 1),
                new TreeMap<>(sample(false))));
    }
}
