package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.YamlNode.Entry;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Scheduling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Readers for the parts many kinds share: metadata, labels, selectors, ports, addresses, enums. */
final class Common {
    static final String DEFAULT_NAMESPACE = "default";

    private Common() {
    }

    // ---- metadata ------------------------------------------------------------------------------------------

    enum NameRule {
        DNS1123_LABEL(KubeNames.DNS1123_LABEL_RULE),
        DNS1123_SUBDOMAIN(KubeNames.DNS1123_SUBDOMAIN_RULE),
        DNS1035_LABEL(KubeNames.DNS1035_LABEL_RULE);

        final String rule;

        NameRule(String rule) {
            this.rule = rule;
        }

        boolean accepts(String name) {
            return switch (this) {
                case DNS1123_LABEL -> KubeNames.isDns1123Label(name);
                case DNS1123_SUBDOMAIN -> KubeNames.isDns1123Subdomain(name);
                case DNS1035_LABEL -> KubeNames.isDns1035Label(name);
            };
        }
    }

    /** The identity part of an object; turned into {@link ObjectMeta} once every field is read. */
    record Meta(String kind, String namespace, String name, Map<String, String> labels,
                Map<String, String> annotations, SourcePos pos) {
        ObjectMeta build(Decoding dc) {
            return new ObjectMeta(kind, namespace, name, labels, annotations, pos, dc.fields());
        }

        String qualifiedName() {
            return namespace.isEmpty() ? name : namespace + "/" + name;
        }
    }

    /** The API server's maxGeneratedNameLength: 63 less the five random characters. */
    static final int MAX_GENERATE_NAME_PREFIX = 58;
    /** The characters the API server draws generated suffixes from (utilrand: no vowels, no look-alikes). */
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    /** Five characters of {@link #SUFFIX_ALPHABET} from a hash of the object's content (positions left out). */
    static String generatedSuffix(YamlNode object) {
        byte[] digest = dev.netc.ir.ContentHash.sha256(canonical(object));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) b.append(SUFFIX_ALPHABET.charAt((digest[i] & 0xff) % SUFFIX_ALPHABET.length()));
        return b.toString();
    }

    /** The content of a tree as text, without positions and with mapping keys sorted: equal for equal objects. */
    static String canonical(YamlNode node) {
        StringBuilder b = new StringBuilder();
        canonical(node, b);
        return b.toString();
    }

    private static final java.util.Comparator<Entry> BY_KEY = (x, y) -> x.key().compareTo(y.key());

    private static void canonical(YamlNode node, StringBuilder b) {
        if (node instanceof YamlNode.Mapping m) {
            b.append('{');
            List<Entry> entries = m.entries();
            Entry[] sorted = entries.toArray(new Entry[0]);
            if (sorted.length > 1) Arrays.sort(sorted, BY_KEY);
            for (Entry e : sorted) {
                quoted(e.key(), b);
                b.append(':');
                canonical(e.value(), b);
                b.append(',');
            }
            b.append('}');
        } else if (node instanceof YamlNode.Sequence s) {
            b.append('[');
            for (YamlNode item : s.items()) {
                canonical(item, b);
                b.append(',');
            }
            b.append(']');
        } else if (node instanceof YamlNode.Scalar s) {
            b.append(s.type().name().charAt(0));
            quoted(s.integer() != null ? s.integer().toString() : s.text(), b);
        }
    }

    private static void quoted(String s, StringBuilder b) {
        b.append(s.length()).append('"').append(s);
    }

    static Meta meta(MapVal obj, String kind, boolean namespaced, NameRule rule) {
        MapVal md = obj.mapOrEmpty("metadata");
        String name = "";
        Optional<Val> nameVal = md.get("name");
        Optional<Val> generateVal = md.get("generateName");
        if (nameVal.isEmpty() && generateVal.isPresent() && generateVal.get().string().isPresent()) {
            // As the API server names it: the prefix (cut to leave room) and five characters, here from a hash
            // of the object's content rather than at random, so the name is the same on every compile.
            String prefix = generateVal.get().string().get();
            if (prefix.length() > MAX_GENERATE_NAME_PREFIX) prefix = prefix.substring(0, MAX_GENERATE_NAME_PREFIX);
            name = prefix + generatedSuffix(obj.node);
            if (!rule.accepts(name))
                obj.dc.error(DiagnosticCode.NETC012, generateVal.get().pos(), "invalid " + kind + " generateName "
                        + Messages.quote(prefix) + " (the generated name " + Messages.quote(name) + " must be "
                        + rule.rule + ")");
        } else if (nameVal.isEmpty()) {
            obj.dc.error(DiagnosticCode.NETC009, md.anchor(), "metadata.name is required");
        } else {
            Optional<String> n = nameVal.get().string();
            if (n.isPresent()) {
                name = n.get();
                if (!rule.accepts(name))
                    obj.dc.error(DiagnosticCode.NETC012, nameVal.get().pos(), "invalid " + kind + " name "
                            + Messages.quote(name) + " (must be " + rule.rule + ")");
            }
        }
        String namespace = "";
        if (namespaced) {
            namespace = DEFAULT_NAMESPACE;
            Optional<Val> nsVal = md.get("namespace");
            Optional<String> ns = nsVal.flatMap(Val::string);
            if (ns.isPresent() && !ns.get().isEmpty()) {
                namespace = ns.get();
                if (!KubeNames.isDns1123Label(namespace))
                    obj.dc.error(DiagnosticCode.NETC012, nsVal.get().pos(), "invalid namespace "
                            + Messages.quote(namespace) + " (must be " + KubeNames.DNS1123_LABEL_RULE + ")");
            }
        }
        Map<String, String> labels = md.get("labels").map(Common::labels).orElse(Map.of());
        Map<String, String> annotations = md.get("annotations").map(v -> stringMap(v, false)).orElse(Map.of());
        return new Meta(kind, namespace, name, labels, annotations, obj.node.pos());
    }

    // ---- labels and selectors ------------------------------------------------------------------------------

    /** A label map: string values, keys and values checked against the label rules (NETC020). */
    static Map<String, String> labels(Val v) {
        return stringMap(v, true);
    }

    static Map<String, String> stringMap(Val v, boolean labelRules) {
        Optional<MapVal> m = v.map();
        if (m.isEmpty()) return Map.of();
        Map<String, String> out = new TreeMap<>();
        for (Entry e : m.get().node.entries()) {
            Optional<Val> item = m.get().get(e.key());
            if (item.isEmpty()) {
                if (labelRules) v.dc.error(DiagnosticCode.NETC008, e.value().pos(), m.get().child(e.key())
                        + " must be a string, got null");
                continue;
            }
            Optional<String> s = item.get().string();
            if (s.isEmpty()) continue;
            if (labelRules && !KubeNames.isQualifiedName(e.key())) {
                v.dc.error(DiagnosticCode.NETC020, e.keyPos(), "invalid label key " + Messages.quote(e.key())
                        + " (must be " + KubeNames.LABEL_KEY_RULE + ")");
                continue;
            }
            if (labelRules && !KubeNames.isLabelValue(s.get())) {
                v.dc.error(DiagnosticCode.NETC020, item.get().pos(), "invalid label value " + Messages.quote(s.get())
                        + " for key " + Messages.quote(e.key()) + " (must be " + KubeNames.LABEL_VALUE_RULE + ")");
                continue;
            }
            out.put(e.key(), s.get());
        }
        return out;
    }

    /** A metav1.LabelSelector: matchLabels and matchExpressions (NETC019 for what the API refuses). */
    static Optional<LabelSelector> selector(Val v) {
        Optional<MapVal> m = v.map();
        if (m.isEmpty()) return Optional.empty();
        Map<String, String> matchLabels = m.get().get("matchLabels").map(Common::labels).orElse(Map.of());
        List<LabelSelector.Requirement> reqs = new ArrayList<>();
        boolean ok = true;
        for (Val e : m.get().list("matchExpressions")) {
            Optional<LabelSelector.Requirement> r = requirement(e);
            if (r.isPresent()) reqs.add(r.get());
            else ok = false;
        }
        return ok ? Optional.of(new LabelSelector(matchLabels, reqs)) : Optional.empty();
    }

    private static Optional<LabelSelector.Requirement> requirement(Val v) {
        Optional<MapVal> m = v.map();
        if (m.isEmpty()) return Optional.empty();
        Decoding dc = v.dc;
        Optional<Val> keyVal = m.get().required("key");
        Optional<Val> opVal = m.get().required("operator");
        if (keyVal.isEmpty() || opVal.isEmpty()) return Optional.empty();
        Optional<String> key = keyVal.get().string();
        Optional<String> op = opVal.get().string();
        if (key.isEmpty() || op.isEmpty()) return Optional.empty();
        if (!KubeNames.isQualifiedName(key.get())) {
            dc.error(DiagnosticCode.NETC020, keyVal.get().pos(), "invalid label key " + Messages.quote(key.get())
                    + " (must be " + KubeNames.LABEL_KEY_RULE + ")");
            return Optional.empty();
        }
        LabelSelector.Operator operator;
        try {
            operator = LabelSelector.Operator.valueOf(op.get());
        } catch (IllegalArgumentException e) {
            dc.error(DiagnosticCode.NETC019, opVal.get().pos(), "unknown selector operator " + Messages.quote(op.get())
                    + " (allowed: " + allowed(LabelSelector.Operator.class) + ")");
            return Optional.empty();
        }
        Optional<Val> valuesVal = m.get().get("values");
        List<String> values = new ArrayList<>();
        if (valuesVal.isPresent()) {
            Optional<List<Val>> items = valuesVal.get().list();
            if (items.isEmpty()) return Optional.empty();
            for (Val item : items.get()) {
                Optional<String> s = item.string();
                if (s.isEmpty()) return Optional.empty();
                if (!KubeNames.isLabelValue(s.get())) {
                    dc.error(DiagnosticCode.NETC020, item.pos(), "invalid label value " + Messages.quote(s.get())
                            + " (must be " + KubeNames.LABEL_VALUE_RULE + ")");
                    return Optional.empty();
                }
                values.add(s.get());
            }
        }
        boolean needsValues = operator == LabelSelector.Operator.In || operator == LabelSelector.Operator.NotIn;
        if (needsValues && values.isEmpty()) {
            dc.error(DiagnosticCode.NETC019, opVal.get().pos(), "operator " + operator
                    + " needs at least one value");
            return Optional.empty();
        }
        if (!needsValues && !values.isEmpty()) {
            dc.error(DiagnosticCode.NETC019, valuesVal.get().anchor(), "operator " + operator + " takes no values");
            return Optional.empty();
        }
        return Optional.of(new LabelSelector.Requirement(key.get(), operator, values));
    }

    // ---- scheduling ----------------------------------------------------------------------------------------

    /**
     * What places a pod of {@code podSpec}: nodeName, nodeSelector, required node affinity and tolerations, as
     * the API validates them (NETC019 for a node selector requirement it refuses, NETC014 for an unknown
     * operator or effect).
     */
    static Scheduling scheduling(MapVal podSpec) {
        String nodeName = podSpec.string("nodeName").orElse("");
        Map<String, String> nodeSelector = podSpec.get("nodeSelector").map(Common::labels).orElse(Map.of());
        Optional<MapVal> required = podSpec.mapOrEmpty("affinity").mapOrEmpty("nodeAffinity")
                .map("requiredDuringSchedulingIgnoredDuringExecution");
        List<Scheduling.Term> terms = new ArrayList<>();
        if (required.isPresent()) {
            for (Val t : required.get().list("nodeSelectorTerms")) {
                Optional<MapVal> tm = t.map();
                if (tm.isEmpty()) continue;
                List<Scheduling.Requirement> reqs = new ArrayList<>();
                for (Val e : tm.get().list("matchExpressions")) nodeRequirement(e, false).ifPresent(reqs::add);
                for (Val e : tm.get().list("matchFields")) nodeRequirement(e, true).ifPresent(reqs::add);
                terms.add(new Scheduling.Term(reqs));
            }
        }
        List<Scheduling.Toleration> tolerations = new ArrayList<>();
        for (Val t : podSpec.list("tolerations")) toleration(t).ifPresent(tolerations::add);
        return new Scheduling(nodeName, nodeSelector, terms, required.isPresent(), tolerations);
    }

    private static Optional<Scheduling.Requirement> nodeRequirement(Val v, boolean field) {
        Optional<MapVal> m = v.map();
        if (m.isEmpty()) return Optional.empty();
        Decoding dc = v.dc;
        Optional<Val> keyVal = m.get().required("key");
        Optional<Val> opVal = m.get().required("operator");
        Optional<String> key = keyVal.flatMap(Val::string);
        Optional<Scheduling.Operator> op = opVal.flatMap(o -> enumValue(o, Scheduling.Operator.class,
                "node selector operator"));
        if (key.isEmpty() || op.isEmpty()) return Optional.empty();
        if (field && !key.get().equals("metadata.name")) {
            dc.error(DiagnosticCode.NETC019, keyVal.get().pos(), "matchFields key " + Messages.quote(key.get())
                    + " is not supported (only metadata.name)");
            return Optional.empty();
        }
        if (!field && !KubeNames.isQualifiedName(key.get())) {
            dc.error(DiagnosticCode.NETC020, keyVal.get().pos(), "invalid label key " + Messages.quote(key.get())
                    + " (must be " + KubeNames.LABEL_KEY_RULE + ")");
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        for (Val item : m.get().list("values")) item.string().ifPresent(values::add);
        SourcePos at = m.get().get("values").map(Val::anchor).orElse(opVal.get().pos());
        String problem = switch (op.get()) {
            case In, NotIn -> values.isEmpty() ? "needs at least one value" : field && values.size() != 1
                    ? "on a field takes exactly one value" : null;
            case Exists, DoesNotExist -> field ? "is not allowed on a field (only In, NotIn)"
                    : values.isEmpty() ? null : "takes no values";
            case Gt, Lt -> field ? "is not allowed on a field (only In, NotIn)" : values.size() != 1
                    || !values.get(0).matches("-?[0-9]{1,18}") ? "takes exactly one integer value" : null;
        };
        if (problem != null) {
            dc.error(DiagnosticCode.NETC019, at, "node selector operator " + op.get() + " " + problem);
            return Optional.empty();
        }
        return Optional.of(new Scheduling.Requirement(key.get(), op.get(), values, field));
    }

    private enum TolerationOperator { Exists, Equal }

    private static Optional<Scheduling.Toleration> toleration(Val v) {
        Optional<MapVal> m = v.map();
        if (m.isEmpty()) return Optional.empty();
        String key = m.get().string("key").orElse("");
        Optional<Val> opVal = m.get().get("operator").filter(o -> !(o.isString() && o.text().isEmpty()));
        TolerationOperator op = opVal.flatMap(o -> enumValue(o, TolerationOperator.class, "toleration operator"))
                .orElse(TolerationOperator.Equal);
        String value = m.get().string("value").orElse("");
        Optional<Val> effectVal = m.get().get("effect").filter(o -> !(o.isString() && o.text().isEmpty()));
        String effect = effectVal.flatMap(e -> enumValue(e, Scheduling.Effect.class, "taint effect"))
                .map(Enum::name).orElse("");
        if (key.isEmpty() && op != TolerationOperator.Exists) {
            v.dc.error(DiagnosticCode.NETC019, opVal.map(Val::pos).orElse(v.pos()), "a toleration with an empty key"
                    + " must have operator Exists");
            return Optional.empty();
        }
        if (op == TolerationOperator.Exists && !value.isEmpty()) {
            v.dc.error(DiagnosticCode.NETC019, m.get().get("value").orElseThrow().pos(), "a toleration with operator"
                    + " Exists takes no value");
            return Optional.empty();
        }
        return Optional.of(new Scheduling.Toleration(key, op == TolerationOperator.Exists, value, effect));
    }

    /** {@code spec.taints} of a Node (or of a profile node). */
    static List<Scheduling.Taint> taints(MapVal m) {
        List<Scheduling.Taint> out = new ArrayList<>();
        for (Val t : m.list("taints")) {
            Optional<MapVal> tm = t.map();
            if (tm.isEmpty()) continue;
            Optional<String> key = tm.get().required("key").flatMap(Val::string);
            Optional<Scheduling.Effect> effect = tm.get().required("effect")
                    .flatMap(e -> enumValue(e, Scheduling.Effect.class, "taint effect"));
            if (key.isPresent() && effect.isPresent())
                out.add(new Scheduling.Taint(key.get(), tm.get().string("value").orElse(""), effect.get()));
        }
        return out;
    }

    // ---- enums ---------------------------------------------------------------------------------------------

    /** A string that must name one constant of {@code type}; NETC014 names what is allowed. */
    static <E extends Enum<E>> Optional<E> enumValue(Val v, Class<E> type, String what) {
        Optional<String> s = v.string();
        if (s.isEmpty()) return Optional.empty();
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s.get())) return Optional.of(e);
        }
        v.dc.error(DiagnosticCode.NETC014, v.pos(), "unknown " + what + " " + Messages.quote(s.get())
                + " (allowed: " + allowed(type) + ")");
        return Optional.empty();
    }

    /** An optional enum field; absent or null is {@code dflt}, an empty string is refused (pointer fields). */
    static <E extends Enum<E>> E enumValue(MapVal m, String key, Class<E> type, String what, E dflt) {
        return m.get(key).flatMap(v -> enumValue(v, type, what)).orElse(dflt);
    }

    /**
     * An optional enum field that the API server also defaults when it is the empty string (a plain string
     * field in Go, defaulted on {@code == ""}: Service type, sessionAffinity, externalTrafficPolicy, the
     * protocol of Service, container and v1 Endpoints ports).
     */
    static <E extends Enum<E>> E enumOrEmpty(MapVal m, String key, Class<E> type, String what, E dflt) {
        Optional<Val> v = m.get(key);
        if (v.isPresent() && v.get().isString() && v.get().text().isEmpty()) return dflt;
        return v.flatMap(x -> enumValue(x, type, what)).orElse(dflt);
    }

    static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** A protocol field that is a pointer in the API (NetworkPolicy, EndpointSlice ports): "" is refused. */
    static Protocol protocol(MapVal m) {
        return enumValue(m, "protocol", Protocol.class, "protocol", Protocol.TCP);
    }

    /** A protocol field that is a plain string in the API (Service, container, v1 Endpoints ports): "" is TCP. */
    static Protocol protocolOrEmpty(MapVal m) {
        return enumOrEmpty(m, "protocol", Protocol.class, "protocol", Protocol.TCP);
    }

    static Optional<Family> family(Val v, String what) {
        Optional<String> s = v.string();
        if (s.isEmpty()) return Optional.empty();
        for (Family f : Family.values()) {
            if (f.apiName().equals(s.get())) return Optional.of(f);
        }
        v.dc.error(DiagnosticCode.NETC014, v.pos(), "unknown " + what + " " + Messages.quote(s.get())
                + " (allowed: IPv4, IPv6)");
        return Optional.empty();
    }

    // ---- ports ---------------------------------------------------------------------------------------------

    /** A port number 1-65535 (NETC015 otherwise); {@code what} names the field in the message. */
    static Optional<Integer> portNumber(Val v, String what) {
        Optional<Long> n = v.integer();
        if (n.isEmpty()) return Optional.empty();
        if (n.get() < 1 || n.get() > 65535) {
            v.dc.error(DiagnosticCode.NETC015, v.pos(), what + " " + v.text() + " out of range 1-65535");
            return Optional.empty();
        }
        return Optional.of(n.get().intValue());
    }

    /** IntOrString: a port number, or the IANA name of a container port. */
    static Optional<PortRef> portRef(Val v, String what) {
        if (v.isInteger()) return portNumber(v, what).map(PortRef::of);
        if (!v.isString()) return v.wrongType("a port number or name");
        String name = v.string().orElseThrow();
        if (!KubeNames.isIanaSvcName(name)) {
            String hint = name.chars().allMatch(Character::isDigit) && !name.isEmpty()
                    ? " (write " + name + " without quotes for a port number)"
                    : " (must be " + KubeNames.IANA_SVC_NAME_RULE + ")";
            v.dc.error(DiagnosticCode.NETC040, v.pos(), "invalid port name " + Messages.quote(name) + hint);
            return Optional.empty();
        }
        return Optional.of(PortRef.of(name));
    }

    /** A port name that must be a DNS-1123 label (Service, Endpoints and EndpointSlice ports). */
    static Optional<String> labelPortName(Val v) {
        Optional<String> name = v.string();
        if (name.isPresent() && !name.get().isEmpty() && !KubeNames.isDns1123Label(name.get())) {
            v.dc.error(DiagnosticCode.NETC040, v.pos(), "invalid port name " + Messages.quote(name.get())
                    + " (must be " + KubeNames.DNS1123_LABEL_RULE + ")");
            return Optional.empty();
        }
        return name;
    }

    /**
     * {@code containers[].ports} of a pod spec (live pod or template), and those of its sidecars: init containers
     * with {@code restartPolicy: Always} keep running beside the others and serve their ports.
     */
    static List<ContainerPort> containerPorts(MapVal podSpec) {
        List<ContainerPort> out = new ArrayList<>();
        Map<String, SourcePos> names = new HashMap<>();
        List<Val> containers = new ArrayList<>();
        for (Val c : podSpec.list("initContainers")) {
            if (c.map().flatMap(m -> m.string("restartPolicy")).orElse("").equals("Always")) containers.add(c);
        }
        containers.addAll(podSpec.list("containers"));
        for (Val c : containers) {
            Optional<MapVal> container = c.map();
            if (container.isEmpty()) continue;
            for (Val p : container.get().list("ports")) {
                Optional<MapVal> pm = p.map();
                if (pm.isEmpty()) continue;
                String name = "";
                Optional<Val> nameVal = pm.get().get("name");
                if (nameVal.isPresent()) {
                    Optional<String> n = nameVal.get().string();
                    if (n.isEmpty()) continue;
                    name = n.get();
                    if (!KubeNames.isIanaSvcName(name)) {
                        p.dc.error(DiagnosticCode.NETC040, nameVal.get().pos(), "invalid port name "
                                + Messages.quote(name) + " (must be " + KubeNames.IANA_SVC_NAME_RULE + ")");
                        continue;
                    }
                    SourcePos first = names.putIfAbsent(name, nameVal.get().pos());
                    if (first != null) {
                        p.dc.error(DiagnosticCode.NETC025, nameVal.get().pos(), "duplicate container port name "
                                + Messages.quote(name) + " (first at line " + first.line() + ")");
                        continue;
                    }
                }
                Optional<Integer> port = pm.get().required("containerPort")
                        .flatMap(v -> portNumber(v, "containerPort"));
                Protocol protocol = protocolOrEmpty(pm.get());
                if (port.isPresent()) out.add(new ContainerPort(name, port.get(), protocol, p.pos()));
            }
        }
        return out;
    }

    // ---- addresses -----------------------------------------------------------------------------------------

    static Optional<IpAddress> ip(Val v) {
        Optional<String> s = v.string();
        if (s.isEmpty()) return Optional.empty();
        Optional<IpAddress> a = IpAddress.tryParse(s.get());
        if (a.isEmpty()) v.dc.error(DiagnosticCode.NETC016, v.pos(), "invalid IP address " + Messages.quote(s.get()));
        return a;
    }

    static Optional<Cidr> cidr(Val v) {
        Optional<String> s = v.string();
        if (s.isEmpty()) return Optional.empty();
        Optional<Cidr> c = Cidr.tryParse(s.get());
        if (c.isEmpty()) {
            String hint = networkOf(s.get()).map(n -> " (host bits set: did you mean " + n + "?)").orElse("");
            v.dc.error(DiagnosticCode.NETC017, v.pos(), "invalid CIDR " + Messages.quote(s.get()) + hint);
        }
        return c;
    }

    /** For {@code 10.0.0.1/24}: {@code 10.0.0.0/24}; empty when the text is not an address and a length. */
    private static Optional<String> networkOf(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0) return Optional.empty();
        Optional<IpAddress> a = IpAddress.tryParse(text.substring(0, slash));
        String len = text.substring(slash + 1);
        if (a.isEmpty() || !len.matches("0|[1-9][0-9]{0,2}")) return Optional.empty();
        int bits = Integer.parseInt(len);
        if (bits > (a.get().family() == Family.IPV4 ? 32 : 128)) return Optional.empty();
        IpAddress net = new IpAddress(a.get().value().toPrefixBlock(bits).getLower().withoutPrefixLength());
        return Optional.of(net.text() + "/" + bits);
    }

    /** A range of addresses that can be no Service address or endpoint, and what the API says of it. */
    private record Special(Cidr range, String problem) {
        Special(String range, String problem) {
            this(Cidr.parse(range), problem);
        }
    }

    /**
     * The API server's ValidateNonSpecialIP / validateEndpointIP (Service externalIPs, Endpoints and EndpointSlice
     * addresses): unspecified, loopback, link-local and link-local multicast addresses are refused; netc refuses
     * every other multicast address and the limited broadcast address too, since no connection can be made to
     * one (a DNAT to it is broken).
     */
    private static final List<Special> SPECIAL = List.of(
            new Special("0.0.0.0/32", "may not be unspecified (0.0.0.0, ::)"),
            new Special("::/128", "may not be unspecified (0.0.0.0, ::)"),
            new Special("127.0.0.0/8", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
            new Special("::1/128", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
            new Special("169.254.0.0/16", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
            new Special("fe80::/10", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
            new Special("224.0.0.0/24", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)"),
            new Special("ff02::/16", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)"),
            new Special("224.0.0.0/4", "may not be multicast (224.0.0.0/4, ff00::/8): no connection can be made"
                    + " to it"),
            new Special("ff00::/8", "may not be multicast (224.0.0.0/4, ff00::/8): no connection can be made"
                    + " to it"),
            new Special("255.255.255.255/32", "may not be the broadcast address: no connection can be made to it"));

    /** What makes {@code ip} unusable as a Service address or an endpoint, if anything. */
    static Optional<String> specialAddress(IpAddress ip) {
        return SPECIAL.stream().filter(s -> s.range().contains(ip)).map(Special::problem).findFirst();
    }

    /** An address that traffic is sent to (externalIP, load balancer IP, endpoint): special ones are NETC053. */
    static Optional<IpAddress> nonSpecialIp(Val v, String what) {
        Optional<IpAddress> ip = ip(v);
        Optional<String> problem = ip.flatMap(Common::specialAddress);
        if (problem.isPresent()) {
            v.dc.error(DiagnosticCode.NETC053, v.pos(), what + " " + Messages.quote(v.text()) + " " + problem.get());
            return Optional.empty();
        }
        return ip;
    }

    static List<IpAddress> nonSpecialIps(MapVal m, String key, String what) {
        List<IpAddress> out = new ArrayList<>();
        for (Val v : m.list(key)) nonSpecialIp(v, what).ifPresent(out::add);
        return out;
    }

    static List<IpAddress> ips(MapVal m, String key) {
        List<IpAddress> out = new ArrayList<>();
        for (Val v : m.list(key)) ip(v).ifPresent(out::add);
        return out;
    }

    static List<Cidr> cidrs(MapVal m, String key) {
        List<Cidr> out = new ArrayList<>();
        for (Val v : m.list(key)) cidr(v).ifPresent(out::add);
        return out;
    }
}
