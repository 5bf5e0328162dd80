package dev.netc.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Kubernetes label selector. The empty selector matches everything; an absent selector is modelled by
 * the owner as {@code Optional.empty()}, never by this type.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

    public enum Operator { In, NotIn, Exists, DoesNotExist }

    public record Requirement(String key, Operator operator, List<String> values) implements Comparable<Requirement> {
        public Requirement {
            values = List.copyOf(values.stream().sorted().distinct().toList());
        }

        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case In -> v != null && values.contains(v);
                case NotIn -> v == null || !values.contains(v);
                case Exists -> v != null;
                case DoesNotExist -> v == null;
            };
        }

        @Override
        public int compareTo(Requirement o) {
            int c = key.compareTo(o.key);
            if (c != 0) return c;
            c = operator.compareTo(o.operator);
            return c != 0 ? c : String.join(",", values).compareTo(String.join(",", o.values));
        }

        @Override
        public String toString() {
            return switch (operator) {
                case In -> key + " in (" + String.join(",", values) + ")";
                case NotIn -> key + " notin (" + String.join(",", values) + ")";
                case Exists -> key;
                case DoesNotExist -> "!" + key;
            };
        }
    }

    public LabelSelector {
        matchLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(matchLabels));
        List<Requirement> sorted = new ArrayList<>(matchExpressions);
        sorted.sort(null);
        matchExpressions = List.copyOf(sorted);
    }

    public static LabelSelector ofLabels(Map<String, String> labels) {
        return new LabelSelector(labels, List.of());
    }

    public boolean isEmpty() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet())
            if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        for (Requirement r : matchExpressions)
            if (!r.matches(labels)) return false;
        return true;
    }

    /** kubectl's selector syntax: {@code app=web,tier in (a,b)}; {@code <all>} for the empty selector. */
    @Override
    public String toString() {
        if (isEmpty()) return "<all>";
        List<String> parts = new ArrayList<>();
        matchLabels.forEach((k, v) -> parts.add(k + "=" + v));
        matchExpressions.forEach(r -> parts.add(r.toString()));
        return String.join(",", parts);
    }
}
