package dev.netc.compiler.frontend;

import dev.netc.ir.IpAddress;

/** The name rules of the Kubernetes API (apimachinery's validation), as predicates with their wording. */
final class KubeNames {
    static final String DNS1123_LABEL_RULE =
            "a DNS-1123 label: at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit";
    static final String DNS1123_SUBDOMAIN_RULE =
            "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters,"
                    + " each part starting and ending with a letter or digit";
    static final String DNS1035_LABEL_RULE =
            "a DNS-1035 label: at most 63 lower-case letters, digits or '-', starting with a letter"
                    + " and ending with a letter or digit";
    static final String IANA_SVC_NAME_RULE =
            "an IANA service name: at most 15 lower-case letters, digits or '-', at least one letter,"
                    + " no '-' at either end or twice in a row";
    static final String LABEL_KEY_RULE =
            "an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.',"
                    + " starting and ending with a letter or digit";
    static final String LABEL_VALUE_RULE =
            "empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    static final String HOST_RULE =
            "a lower-case DNS name, optionally starting with \"*.\"";

    private KubeNames() {
    }

    // The rules are apimachinery's regular expressions, written out as loops: they run on every name, label and
    // port of the input, and a regex matcher per value was a tenth of the front end's time.

    /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, over {@code s[from, to)}. */
    private static boolean isLabelPart(String s, int from, int to) {
        if (to <= from || s.charAt(from) == '-' || s.charAt(to - 1) == '-') return false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') return false;
        }
        return true;
    }

    static boolean isDns1123Label(String s) {
        return s.length() <= 63 && isLabelPart(s, 0, s.length());
    }

    /** Labels joined by dots. */
    static boolean isDns1123Subdomain(String s) {
        if (s.length() > 253) return false;
        int from = 0;
        while (true) {
            int dot = s.indexOf('.', from);
            int to = dot < 0 ? s.length() : dot;
            if (!isLabelPart(s, from, to)) return false;
            if (dot < 0) return true;
            from = dot + 1;
        }
    }

    /** {@code [a-z]([-a-z0-9]*[a-z0-9])?} */
    static boolean isDns1035Label(String s) {
        return s.length() <= 63 && !s.isEmpty() && s.charAt(0) >= 'a' && s.charAt(0) <= 'z'
                && isLabelPart(s, 0, s.length());
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}, over {@code s[from, to)}. */
    private static boolean isQualifiedPart(String s, int from, int to) {
        if (to <= from || !isAlnum(s.charAt(from)) || !isAlnum(s.charAt(to - 1))) return false;
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && c != '-' && c != '_' && c != '.') return false;
        }
        return true;
    }

    /** A label or annotation key: {@code [prefix/]name}. */
    static boolean isQualifiedName(String s) {
        int slash = s.indexOf('/');
        int from = 0;
        if (slash >= 0) {
            if (slash == 0 || !isDns1123Subdomain(s.substring(0, slash))) return false;
            from = slash + 1;
        }
        return s.length() - from <= 63 && isQualifiedPart(s, from, s.length());
    }

    static boolean isLabelValue(String s) {
        return s.isEmpty() || (s.length() <= 63 && isQualifiedPart(s, 0, s.length()));
    }

    /** Container port names, named targetPorts and policy ports (IANA_SVC_NAME, RFC 6335). */
    static boolean isIanaSvcName(String s) {
        if (s.isEmpty() || s.length() > 15 || !isLabelPart(s, 0, s.length()) || s.contains("--")) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 'a' && s.charAt(i) <= 'z') return true;
        }
        return false;
    }

    /** An Ingress host: a DNS subdomain, or {@code *.} and one; never an IP address. */
    static boolean isWildcardHost(String s) {
        String rest = s.startsWith("*.") ? s.substring(2) : s;
        return isDns1123Subdomain(rest) && !isIp(rest);
    }

    static boolean isIp(String s) {
        return IpAddress.tryParse(s).isPresent();
    }
}
