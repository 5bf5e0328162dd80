package dev.netc.ir.model;

import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the scheduler reads of a pod spec to choose its node (the hard constraints only): {@code nodeName},
 * {@code nodeSelector}, required node affinity ({@code nodeSelectorTerms}: ORed; each term's expressions and
 * fields ANDed) and tolerations. Preferences (preferred affinity, PreferNoSchedule) decide nothing here.
 */
public record Scheduling(String nodeName, Map<String, String> nodeSelector, List<Term> requiredTerms,
                         boolean hasRequiredAffinity, List<Toleration> tolerations) {
    public static final Scheduling ANY = new Scheduling("", Map.of(), List.of(), false, List.of());

    public Scheduling {
        nodeName = nodeName == null ? "" : nodeName;
        nodeSelector = Collections.unmodifiableMap(new TreeMap<>(nodeSelector));
        requiredTerms = List.copyOf(requiredTerms);
        tolerations = List.copyOf(tolerations);
    }

    public enum Operator { In, NotIn, Exists, DoesNotExist, Gt, Lt }

    /** A node selector requirement: on a label ({@code matchExpressions}) or on a field ({@code matchFields}). */
    public record Requirement(String key, Operator operator, List<String> values, boolean field) {
        public Requirement {
            values = List.copyOf(values);
        }

        boolean matches(Node n) {
            String v = field ? (key.equals("metadata.name") ? n.name() : null) : n.meta().labels().get(key);
            return switch (operator) {
                case In -> v != null && values.contains(v);
                case NotIn -> v == null || !values.contains(v);
                case Exists -> v != null;
                case DoesNotExist -> v == null;
                case Gt, Lt -> v != null && compare(v, values.get(0));
            };
        }

        private boolean compare(String label, String bound) {
            try {
                int c = new BigInteger(label).compareTo(new BigInteger(bound));
                return operator == Operator.Gt ? c > 0 : c < 0;
            } catch (NumberFormatException e) {
                return false; // a label that is not an integer matches neither Gt nor Lt
            }
        }
    }

    /** One nodeSelectorTerm: an empty term matches no node. */
    public record Term(List<Requirement> requirements) {
        public Term {
            requirements = List.copyOf(requirements);
        }

        boolean matches(Node n) {
            return !requirements.isEmpty() && requirements.stream().allMatch(r -> r.matches(n));
        }
    }

    public enum Effect { NoSchedule, PreferNoSchedule, NoExecute }

    public record Taint(String key, String value, Effect effect) {
        public Taint {
            value = value == null ? "" : value;
        }

        @Override
        public String toString() {
            return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect;
        }
    }

    /** A toleration; an empty effect tolerates every effect, an empty key with Exists every taint. */
    public record Toleration(String key, boolean exists, String value, String effect) {
        public Toleration {
            value = value == null ? "" : value;
            effect = effect == null ? "" : effect;
        }

        boolean tolerates(Taint t) {
            if (!effect.isEmpty() && !effect.equals(t.effect().name())) return false;
            if (key.isEmpty()) return exists;
            if (!key.equals(t.key())) return false;
            return exists || value.equals(t.value());
        }
    }

    /** Why {@code n} cannot run the pod, or empty when it can. */
    public java.util.Optional<String> misfit(Node n) {
        if (!nodeName.isEmpty() && !nodeName.equals(n.name())) return java.util.Optional.of("nodeName is " + nodeName);
        for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
            if (!e.getValue().equals(n.meta().labels().get(e.getKey())))
                return java.util.Optional.of("nodeSelector " + e.getKey() + "=" + e.getValue());
        }
        if (hasRequiredAffinity && requiredTerms.stream().noneMatch(t -> t.matches(n)))
            return java.util.Optional.of("required node affinity");
        for (Taint t : n.taints()) {
            if (t.effect() == Effect.PreferNoSchedule) continue;
            if (tolerations.stream().noneMatch(tol -> tol.tolerates(t)))
                return java.util.Optional.of("untolerated taint " + t);
        }
        return java.util.Optional.empty();
    }
}
