package dev.netc.ir;

/**
 * Every kind of mistake netc reports has one code. The codes are part of the interface: scripts match on
 * them, README lists them (a test keeps the two in step). Never renumber; retire a code by leaving it unused.
 */
public enum DiagnosticCode {
    NETC001("malformed YAML or JSON"),
    NETC002("YAML alias without an anchor, expansion through aliases past the value bound, or a bad merge key"),
    NETC003("duplicate key in a mapping"),
    NETC004("document or input too large"),
    NETC005("document nested too deeply"),
    NETC006("input cannot be read (missing file, not a regular file, I/O error)"),
    NETC007("document is not a Kubernetes object (not a mapping, or no apiVersion/kind)"),
    NETC008("value has the wrong type (string, integer, boolean, list or mapping expected)"),
    NETC009("required field missing"),
    NETC010("kind not used by netc: skipped"),
    NETC011("apiVersion not supported for this kind"),
    NETC012("invalid object name"),
    NETC013("duplicate object (same kind, namespace and name)"),
    NETC014("value is not one of the allowed values"),
    NETC015("port or port range out of range"),
    NETC016("invalid IP address"),
    NETC017("invalid CIDR"),
    NETC018("address outside the range it must fall in"),
    NETC019("invalid label selector"),
    NETC020("invalid label key or value"),
    NETC021("ipBlock except is not inside its cidr"),
    NETC022("invalid endPort"),
    NETC023("named targetPort not defined by any selected pod"),
    NETC024("reference to a node that does not exist"),
    NETC025("duplicate port in one object"),
    NETC026("nodePort invalid or already taken"),
    NETC027("clusterIP already taken"),
    NETC028("address or port pool exhausted"),
    NETC029("sessionAffinity timeout out of range"),
    NETC030("field not valid for this Service type"),
    NETC031("more than one cluster profile"),
    NETC032("invalid replica count"),
    NETC033("pod IP already taken"),
    NETC034("EndpointSlice or Endpoints for a Service that does not exist"),
    NETC035("invalid Ingress path"),
    NETC036("invalid host name"),
    NETC037("Secret missing or not a TLS secret"),
    NETC038("reference to a Service that does not exist"),
    NETC039("workload selector does not match its pod template labels"),
    NETC040("invalid port name"),
    NETC041("IP families inconsistent"),
    NETC042("node has no address"),
    NETC043("pod CIDR invalid or overlapping"),
    NETC044("YAML tags are not accepted"),
    NETC045("no node can run this pod (no longer reported: a pod no node fits is Pending, NETC075)"),
    NETC046("Ingress route or default backend already set by another Ingress"),
    NETC047("Ingress annotation not supported: ignored", true),
    NETC048("Ingress annotation value refused: the Ingress is not served", true),
    NETC049("intent DSL syntax error"),
    NETC050("intent DSL setting given more than once"),
    NETC051("not expressible in the intent DSL: left out by convert"),
    NETC052("unknown kind: misspelled, or not a kind of its API group"),
    NETC053("special address refused (loopback, unspecified, link-local, multicast, broadcast)"),
    NETC070("Ingress construct netc cannot express: that path or Ingress is not served", true),
    NETC071("TLS Secret not in the input: the host is served with a placeholder certificate", true),
    NETC072("IngressClass not in the input: decided by the profile's ingress.classes", true),
    NETC073("Ingress of another controller: skipped"),
    NETC074("Ingress backend is an ExternalName Service: it answers 503", true),
    NETC075("no node can run this pod: Pending"),
    NETC076("Endpoints ignored: the Service has EndpointSlices"),
    NETC077("identical duplicate object: read once"),
    NETC080("unknown field (misspelled, or not a field of the API): ignored", true),
    NETC081("file is not a Kubernetes object: skipped"),
    NETC082("kustomize patch or kustomization: skipped (netc reads rendered output)"),
    NETC083("no Kubernetes objects in the input"),
    NETC084("malformed .netcignore pattern"),
    NETC085("pod CIDR left out of the pod network: its node has no address of its family", true),
    NETC086("two nodes derive the same VXLAN MAC"),
    NETC087("two endpoints of a Service have the same DNS hostname: both addresses are served under it"),
    NETC088("DNS name over the limits (a label over 63 octets, a name over 253): the record is left out", true),
    NETC089("ExternalName is an IP address: no CNAME is served for it", true),
    NETC095("no node in the input: nodes stood in from the pods' spec.nodeName");

    private final String summary;
    private final boolean strictable;

    DiagnosticCode(String summary) {
        this(summary, false);
    }

    DiagnosticCode(String summary, boolean strictable) {
        this.summary = summary;
        this.strictable = strictable;
    }

    public String summary() {
        return summary;
    }

    /**
     * Whether a warning of this code becomes an error under {@code --strict}: the input is accepted, but
     * something it asks for is left out (not served, ignored, replaced by a placeholder).
     */
    public boolean strictable() {
        return strictable;
    }
}
