package dev.netc.compiler.frontend;

import dev.netc.ir.IpAddress;
import java.util.regex.Pattern;

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

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern IANA = Pattern.compile("[-a-z0-9]+");

    private KubeNames() {
    }

    static boolean isDns1123Label(String s) {
        return s.length() <= 63 && LABEL.matcher(s).matches();
    }

    static boolean isDns1123Subdomain(String s) {
        return s.length() <= 253 && SUBDOMAIN.matcher(s).matches();
    }

    static boolean isDns1035Label(String s) {
        return s.length() <= 63 && DNS1035.matcher(s).matches();
    }

    /** A label or annotation key: {@code [prefix/]name}. */
    static boolean isQualifiedName(String s) {
        int slash = s.indexOf('/');
        String name = s;
        if (slash >= 0) {
            String prefix = s.substring(0, slash);
            name = s.substring(slash + 1);
            if (prefix.isEmpty() || !isDns1123Subdomain(prefix)) return false;
        }
        return !name.isEmpty() && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
    }

    static boolean isLabelValue(String s) {
        return s.isEmpty() || (s.length() <= 63 && QUALIFIED_NAME.matcher(s).matches());
    }

    /** Container port names, named targetPorts and policy ports (IANA_SVC_NAME, RFC 6335). */
    static boolean isIanaSvcName(String s) {
        return !s.isEmpty() && s.length() <= 15 && IANA.matcher(s).matches() && s.chars().anyMatch(Character::isLetter)
                && !s.startsWith("-") && !s.endsWith("-") && !s.contains("--");
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
