package dev.netc.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Severity;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints diagnostics as compiler lines (stderr) or as one JSON document (stdout). A line is {@link Diagnostic#render}:
 * the file name escaped, the message one printable line. The JSON keeps the file name as it is (a program reads it)
 * and writes every character outside ASCII as a {@code \}{@code u} escape, so the document is valid JSON and shows
 * nothing raw on a terminal either.
 */
final class DiagnosticPrinter {
    enum Format { text, json }

    private final Format format;
    private final boolean verbose;

    DiagnosticPrinter(Format format, boolean verbose) {
        this.format = format;
        this.verbose = verbose;
    }

    /** JSON a person may read in a terminal: indented, and non-ASCII (user text) as escapes. */
    static ObjectMapper readableJson() {
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    }

    void print(List<Diagnostic> diagnostics, PrintWriter out, PrintWriter err) {
        long errors = count(diagnostics, Severity.ERROR);
        long warnings = count(diagnostics, Severity.WARNING);
        long notes = count(diagnostics, Severity.NOTE);
        if (format == Format.json) {
            ObjectMapper m = readableJson();
            ObjectNode root = m.createObjectNode();
            ArrayNode arr = root.putArray("diagnostics");
            for (Diagnostic d : diagnostics) {
                ObjectNode o = arr.addObject();
                o.put("severity", d.severity().label());
                o.put("code", d.code().name());
                o.put("message", d.message());
                o.put("file", d.pos().file());
                o.put("line", d.pos().line());
                o.put("column", d.pos().column());
            }
            root.put("errors", errors);
            root.put("warnings", warnings);
            root.put("notes", notes);
            try {
                out.println(m.writeValueAsString(root));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree that cannot be written", e);
            }
            return;
        }
        for (Diagnostic d : diagnostics) {
            if (d.severity() == Severity.NOTE && !verbose) continue;
            err.println(d.render());
        }
        if (errors + warnings > 0 || (notes > 0 && verbose)) {
            err.println("netc: " + plural(errors, "error") + ", " + plural(warnings, "warning")
                    + (notes > 0 ? ", " + plural(notes, "note") + (verbose ? "" : " (shown with -v)") : ""));
        }
    }

    private static long count(List<Diagnostic> ds, Severity s) {
        return ds.stream().filter(d -> d.severity() == s).count();
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
