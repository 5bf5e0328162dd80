package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@code netc diff --format json} holds to {@code diff.schema.json} (README, netc diff) for every edit of the shop,
 * and the schema is strict enough to refuse a document that breaks it.
 */
class DiffSchemaTest {
    static final String SCHEMA = "/dev/netc/cli/diff.schema.json";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static Schema schema;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        try (InputStream in = DiffSchemaTest.class.getResourceAsStream(SCHEMA)) {
            schema = registry.getSchema(in, InputFormat.JSON);
        }
    }

    static List<com.networknt.schema.Error> errors(JsonNode doc) {
        return schema.validate(doc);
    }

    /** The JSON of {@code netc diff} of the shop against the shop with {@code edit}. */
    JsonNode diff(ShopEdits edit) throws IOException {
        Path a = ShopEdits.copy(tmp.resolve(edit.name()).resolve("base"));
        Path b = edit.apply(tmp.resolve(edit.name()).resolve("head"));
        CliRunner r = CliRunner.run("diff", a.toString(), b.toString(), "--format", "json");
        assertEquals(DiffCommand.EXIT_CHANGES, r.exit(), r.err());
        return MAPPER.readTree(r.out());
    }

    @Test
    void theSchemaIsAValidDraft202012Schema() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema meta = registry.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
        try (InputStream in = DiffSchemaTest.class.getResourceAsStream(SCHEMA)) {
            JsonNode doc = MAPPER.readTree(in);
            assertEquals(List.of(), meta.validate(doc));
            assertEquals("https://json-schema.org/draft/2020-12/schema", doc.get("$schema").asText());
        }
    }

    static final List<ShopEdits> EDITS = ShopEdits.ALL;

    @ParameterizedTest
    @FieldSource("EDITS")
    void everyEditsOutputHoldsToTheSchema(ShopEdits edit) throws IOException {
        JsonNode doc = diff(edit);
        assertEquals(List.of(), errors(doc), edit.name());
        assertFalse(doc.get("sections").isEmpty(), edit.name());
    }

    /** No change: both lists empty, and still the schema's. */
    @Test
    void noChangeHoldsToTheSchema() throws IOException {
        Path a = ShopEdits.copy(tmp.resolve("a"));
        CliRunner r = CliRunner.run("diff", a.toString(), CompileCommandTest.SHOP.toString(), "--format", "json");
        assertEquals(Netc.EXIT_OK, r.exit(), r.err());
        JsonNode doc = MAPPER.readTree(r.out());
        assertEquals("{\"changes\":[],\"sections\":[]}", doc.toString());
        assertEquals(List.of(), errors(doc));
    }

    /** The edits between them give rows of every kind and every fate, so the schema was held to all of its branches. */
    @Test
    void theEditsCoverEveryKindAndFate() throws IOException {
        TreeSet<String> kinds = new TreeSet<>();
        TreeSet<String> fates = new TreeSet<>();
        TreeSet<String> shapes = new TreeSet<>();
        for (ShopEdits e : ShopEdits.ALL) {
            for (JsonNode row : diff(e).get("changes")) {
                kinds.add(row.get("kind").asText());
                for (String side : List.of("before", "after")) fates.add(row.get(side).isArray() ? "delivered" : row.get(side).asText());
                shapes.add("protocol " + (row.get("protocol").isNull() ? "null" : "set"));
                shapes.add("ports " + (row.get("ports").isNull() ? "null" : "set"));
                shapes.add("node " + (row.get("node").isNull() ? "null" : "set"));
                for (JsonNode d : row.get("before").isArray() ? row.get("before") : MAPPER.createArrayNode()) {
                    shapes.add("pod " + (d.get("pod").isNull() ? "null" : "set"));
                    shapes.add("masqueraded " + d.get("masqueraded").asBoolean());
                }
            }
        }
        assertEquals("[external-ip, node-port, policy, service]", kinds.toString());
        assertEquals("[allowed, delivered, denied, dropped, none, rejected]", fates.toString());
        assertEquals("[masqueraded false, masqueraded true, node null, node set, pod null, pod set, ports null, ports set, protocol null,"
                + " protocol set]", shapes.toString());
    }

    /** A valid document, broken one way at a time: each is refused, naming where. */
    @Test
    void aDocumentThatBreaksTheSchemaIsRefused() throws IOException {
        JsonNode good = diff(ShopEdits.LEDGER_PORT);
        assertEquals(List.of(), errors(good));
        refused(good, d -> row(d, 0).remove("kind"), "/changes/0", "kind");
        refused(good, d -> row(d, 0).put("kind", "ingress"), "/changes/0/kind", "");
        refused(good, d -> row(d, 0).put("before", "maybe"), "/changes/0/before", "");
        refused(good, d -> row(d, 0).put("protocol", "ICMP"), "/changes/0/protocol", "");
        refused(good, d -> row(d, 0).putArray("ports").addArray().add(0).add(5432), "/changes/0/ports", "");
        refused(good, d -> row(d, 0).putArray("ports").addArray().add(5432), "/changes/0/ports", "");
        refused(good, d -> row(d, 0).putArray("after"), "/changes/0/after", "");
        refused(good, d -> row(d, 0).put("colour", "red"), "/changes/0", "colour");
        refused(good, d -> ((ObjectNode) row(d, 0).get("from")).remove("cidrs"), "/changes/0/from", "cidrs");
        refused(good, d -> ((ObjectNode) row(d, 0).get("to")).put("service", "payments/ledger:pg"), "/changes/0/to", "");
        refused(good, d -> row(d, 0).put("node", "n1"), "/changes/0/node", "");
        refused(good, d -> row(d, 2).put("node", (String) null).put("kind", "node-port"), "/changes/2/node", "");
        refused(good, d -> ((ObjectNode) row(d, 2).get("before").get(0)).put("masqueraded", "no"), "/changes/2/before", "");
        refused(good, d -> ((ObjectNode) row(d, 2).get("before").get(0)).put("endpoint", "10.244.1.50"), "/changes/2/before", "");
        refused(good, d -> ((ObjectNode) row(d, 2).get("to")).putNull("address"), "/changes/2/to", "");
        refused(good, d -> ((ObjectNode) d.get("sections").get(0)).put("kind", "moved"), "/sections/0/kind", "");
        refused(good, d -> ((ObjectNode) d).remove("sections"), "", "sections");
    }

    /** Where an error is, as a JSON pointer ({@code /changes/0/kind}) whatever path form the validator prints. */
    private static String pointer(com.networknt.schema.Error e) {
        String at = e.getInstanceLocation().toString();
        if (!at.startsWith("$")) return at;
        return at.substring(1).replaceAll("\\[(\\d+)]", "/$1").replaceAll("\\['([^']*)']", "/$1").replace('.', '/');
    }

    private static ObjectNode row(JsonNode doc, int i) {
        return (ObjectNode) ((ArrayNode) doc.get("changes")).get(i);
    }

    /** {@code good} with {@code breakIt} applied is refused, with an error at or under {@code where}, naming {@code what}. */
    private static void refused(JsonNode good, Consumer<JsonNode> breakIt, String where, String what) {
        JsonNode bad = good.deepCopy();
        breakIt.accept(bad);
        List<com.networknt.schema.Error> errors = errors(bad);
        assertFalse(errors.isEmpty(), "accepted: " + bad);
        assertTrue(errors.stream().anyMatch(e -> pointer(e).startsWith(where)), where + ": " + errors);
        assertTrue(errors.stream().anyMatch(e -> e.toString().contains(what)), what + ": " + errors);
    }
}
