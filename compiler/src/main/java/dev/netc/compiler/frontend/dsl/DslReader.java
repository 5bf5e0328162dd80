package dev.netc.compiler.frontend.dsl;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlNode;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The DSL front end's entry: a {@code .netc} file to the Kubernetes object trees it declares, ready for the
 * same decoder as YAML documents. A file with a syntax error gives no objects (its other mistakes would only
 * repeat the syntax error in other words).
 */
public final class DslReader {
    private DslReader() {
    }

    public static boolean isDsl(String path) {
        return path.endsWith(".netc");
    }

    public static List<YamlNode> read(InputSource source, Diagnostics diagnostics) {
        Optional<String> text = text(source, diagnostics);
        if (text.isEmpty()) return List.of();
        DslSyntax.Parsed parsed = DslSyntax.parse(source.path(), text.get(), diagnostics);
        if (!parsed.ok()) return List.of();
        return DslObjects.map(source.path(), parsed.tree(), diagnostics);
    }

    /** Strict UTF-8; a leading byte-order mark is dropped. */
    static Optional<String> text(InputSource source, Diagnostics diagnostics) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(source.content())).toString();
            return Optional.of(s.startsWith("\uFEFF") ? s.substring(1) : s);
        } catch (CharacterCodingException e) {
            diagnostics.error(DiagnosticCode.NETC049, new SourcePos(source.path(), 1, 1), "input is not valid UTF-8");
            return Optional.empty();
        }
    }
}
