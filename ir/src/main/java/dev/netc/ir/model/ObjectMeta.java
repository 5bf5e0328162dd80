package dev.netc.ir.model;

import dev.netc.ir.SourcePos;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Identity and origin of one object. {@code fields} maps a field path ({@code spec.ports[0].port}) to where
 * the value was written, so later passes can point diagnostics at the exact value (immutable, in path order; held
 * compactly, {@link FieldPositions}).
 */
public record ObjectMeta(String kind, String namespace, String name, Map<String, String> labels,
                         Map<String, String> annotations, SourcePos pos, Map<String, SourcePos> fields) {
    public ObjectMeta {
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        fields = FieldPositions.of(fields);
        namespace = namespace == null ? "" : namespace;
    }

    public static ObjectMeta of(String kind, String namespace, String name, SourcePos pos) {
        return new ObjectMeta(kind, namespace, name, Map.of(), Map.of(), pos, Map.of());
    }

    /** Where the field at {@code path} was written; the object's own position when unknown. */
    public SourcePos at(String path) {
        SourcePos p = fields.get(path);
        return p != null ? p : pos;
    }

    /** True when the input wrote the field at {@code path} (a value netc did not have to choose). */
    public boolean given(String path) {
        return fields.containsKey(path);
    }

    /** {@code Service/shop/web}, or {@code Node/n1} for cluster-scoped objects. */
    public String id() {
        return namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
    }

    /** {@code shop/web}, or {@code n1}. */
    public String qualifiedName() {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    public ObjectMeta withLabels(Map<String, String> newLabels) {
        return new ObjectMeta(kind, namespace, name, newLabels, annotations, pos, fields);
    }
}
