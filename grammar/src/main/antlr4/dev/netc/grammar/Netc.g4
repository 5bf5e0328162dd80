// The netc intent DSL (.netc files). grammar/README.md is its reference, with examples.
//
// One idea per line: a statement ends at the end of its line; a block opens with '{' at the end of a line and
// closes with '}' on a line of its own. '#' starts a comment. Keywords are lower-case with dashes; values
// written as Kubernetes writes them (LoadBalancer, Local, Prefix, IPv4) are plain names that the compiler checks.
grammar Netc;

// Every block holds lines; a line holds at most one statement (blank lines are empty lines).
file : fileLine* EOF ;

fileLine : decl? NL ;

decl
    : cluster
    | namespace
    | inNamespace
    | node
    | ingressClass
    | adminPolicy
    ;

// ---- cluster profile -------------------------------------------------------------------------------------

cluster : 'cluster' name '{' clusterLine* '}' ;

clusterItem
    : 'service-cidrs' cidrList                          # serviceCidrs
    | 'cluster-cidrs' cidrList                          # clusterCidrs
    | 'dns-domain' name                                 # dnsDomain
    | 'masquerade-all'                                  # masqueradeAll
    | 'node-port-addresses' cidrList                    # nodePortAddresses
    | 'http-port' NUMBER                                # httpPort
    | 'https-port' NUMBER                               # httpsPort
    | 'pod-network' name ('vni' NUMBER)? ('port' NUMBER)? ('mtu' NUMBER)? # podNetwork
    | 'dns' ('ttl' NUMBER)? ('pods' name)? 'endpoint-pod-names'? 'ignore-empty-service'? ('service-ip' ip)? # clusterDns
    | node                                              # profileNode
    ;

// A node: in a cluster profile, or a Node object (live state) at the top level.
node : 'node' name '{' nodeLine* '}' ;

nodeItem
    : meta                                              # nodeMeta
    | 'addresses' ipList                                # nodeAddresses
    | 'external-addresses' ipList                       # nodeExternalAddresses
    | 'pod-cidrs' cidrList                              # nodePodCidrs
    ;

// ---- namespaces ------------------------------------------------------------------------------------------

// 'namespace' declares the Namespace object; 'in' only places objects in a namespace.
namespace : 'namespace' name '{' namespaceLine* '}' ;

namespaceItem
    : meta
    | object
    ;

inNamespace : 'in' name '{' objectLine* '}' ;

object
    : pod
    | workload
    | service
    | endpointSlice
    | networkPolicy
    | ingress
    | tlsSecret
    ;

// ---- metadata shared by every object ---------------------------------------------------------------------

meta
    : 'labels' label (',' label)*                       # labels
    | 'annotation' labelKey '=' labelValue              # annotation
    ;

label : labelKey '=' labelValue ;

// ---- pods and workloads ----------------------------------------------------------------------------------

pod : 'pod' name '{' podLine* '}' ;

podItem
    : meta                                              # podMeta
    | 'node' name                                       # podNode
    | 'ip' ipList                                       # podIps
    | containerPort                                     # podPort
    | 'not-ready'                                       # podNotReady
    | 'terminating'                                     # podTerminating
    | 'host-network'                                    # podHostNetwork
    ;

containerPort : 'port' name? NUMBER ('/' protocol)? ;

workload : workloadKind name '{' workloadLine* '}' ;

workloadKind : 'deployment' | 'statefulset' | 'daemonset' | 'replicaset' | 'job' ;

workloadItem
    : meta                                              # workloadMeta
    | 'replicas' NUMBER                                 # workloadReplicas
    | 'selector' selector                               # workloadSelector
    | 'pod-labels' label (',' label)*                   # workloadPodLabels
    | 'node' name                                       # workloadNode
    | 'node-selector' label (',' label)*                # workloadNodeSelector
    | containerPort                                     # workloadPort
    | 'host-network'                                    # workloadHostNetwork
    ;

// ---- services --------------------------------------------------------------------------------------------

service : 'service' name '{' serviceLine* '}' ;

serviceItem
    : meta                                              # serviceMeta
    | 'type' name                                       # serviceType
    | 'selector' label (',' label)*                     # serviceSelector
    | servicePort                                       # servicePortItem
    | 'cluster-ip' ipList                               # serviceClusterIps
    | 'headless'                                        # serviceHeadless
    | 'ip-families' name (',' name)*                    # serviceIpFamilies
    | 'ip-family-policy' name                           # serviceIpFamilyPolicy
    | 'session-affinity' name ('timeout' NUMBER)?       # serviceSessionAffinity
    | 'external-traffic-policy' name                    # serviceExternalTrafficPolicy
    | 'internal-traffic-policy' name                    # serviceInternalTrafficPolicy
    | 'external-ips' ipList                             # serviceExternalIps
    | 'load-balancer-ips' ipList                        # serviceLoadBalancerIps
    | 'load-balancer-source-ranges' cidrList            # serviceSourceRanges
    | 'publish-not-ready-addresses'                     # servicePublishNotReady
    | 'external-name' name                              # serviceExternalName
    | 'no-load-balancer-node-ports'                     # serviceNoLbNodePorts
    ;

servicePort : 'port' name? NUMBER ('/' protocol)? ('->' targetPort)? ('node-port' NUMBER)? ;

targetPort : NUMBER | name ;

endpointSlice : 'endpoint-slice' name '{' sliceLine* '}' ;

sliceItem
    : meta                                              # sliceMeta
    | 'service' name                                    # sliceService
    | 'address-type' name                               # sliceAddressType
    | containerPort                                     # slicePort
    | 'endpoint' ipList endpointOption*                 # sliceEndpoint
    ;

endpointOption
    : 'not-ready'                                       # endpointNotReady
    | 'serving'                                         # endpointServing
    | 'not-serving'                                     # endpointNotServing
    | 'terminating'                                     # endpointTerminating
    | 'node' name                                       # endpointNode
    | 'pod' name                                        # endpointPod
    ;

// ---- network policy --------------------------------------------------------------------------------------

networkPolicy : 'network-policy' name '{' policyLine* '}' ;

policyItem
    : meta                                              # policyMeta
    | 'pods' selector                                   # policyPods
    | 'policy-types' name (',' name)*                   # policyTypes
    | direction '{' ruleLine* '}'             # policyRule
    ;

direction : 'ingress' | 'egress' ;

ruleItem
    : ('from' | 'to') peer                              # rulePeer
    | 'port' policyPort                                 # rulePort
    ;

peer
    : cidr ('except' cidrList)?                         # ipBlockPeer
    | 'namespaces' selector ('pods' selector)?          # namespacePeer
    | 'pods' selector                                   # podPeer
    ;

policyPort
    : protocol
    | (NUMBER | RANGE | name) ('/' protocol)?
    ;

// A label selector, as kubectl writes one: app=web, tier in (a, b), tier notin (c), tier, !tier. '*': all.
selector
    : '*'
    | requirement (',' requirement)*
    ;

requirement
    : labelKey '=' labelValue                           # equalsRequirement
    | labelKey 'in' '(' labelValue (',' labelValue)* ')'    # inRequirement
    | labelKey 'notin' '(' labelValue (',' labelValue)* ')' # notInRequirement
    | '!' labelKey                                      # notExistsRequirement
    | labelKey                                          # existsRequirement
    ;

// ---- admin network policy --------------------------------------------------------------------------------

adminPolicy : ('admin-network-policy' | 'baseline-admin-network-policy') name '{' adminLine* '}' ;

adminItem
    : meta                                              # adminMeta
    | 'priority' NUMBER                                 # adminPriority
    | 'subject' 'namespaces' selector ('pods' selector)?    # adminSubject
    | direction name name? '{' adminRuleLine* '}' # adminRule
    ;

adminRuleItem
    : ('from' | 'to') adminPeer                         # adminRulePeer
    | 'port' policyPort                                 # adminRulePort
    ;

adminPeer
    : 'namespaces' selector ('pods' selector)?          # adminNamespacePeer
    | 'nodes' selector                                  # adminNodePeer
    | 'networks' cidrList                               # adminNetworkPeer
    ;

// ---- ingress ---------------------------------------------------------------------------------------------

ingressClass : 'ingress-class' name '{' ingressClassLine* '}' ;

ingressClassItem
    : meta                                              # ingressClassMeta
    | 'controller' name ('/' name)*                     # ingressClassController
    | 'default'                                         # ingressClassDefault
    ;

ingress : 'ingress' name '{' ingressLine* '}' ;

ingressItem
    : meta                                              # ingressMeta
    | 'class' name                                      # ingressClassName
    | 'default-backend' backend                         # ingressDefaultBackend
    | 'tls' ('secret' name)? ('hosts' host (',' host)*)?    # ingressTls
    | 'host' (host | '*') '{' pathLine* '}'   # ingressRule
    ;

pathItem : 'path' STRING? name '->' backend ;

backend : name (NUMBER | name) ;

host : name | WILDCARD ;

tlsSecret : 'tls-secret' name '{' tlsSecretLine* '}' ;

tlsSecretItem
    : meta                                              # tlsSecretMeta
    | 'cert' STRING                                     # tlsSecretCert
    | 'key' STRING                                      # tlsSecretKey
    ;

// ---- values ----------------------------------------------------------------------------------------------

protocol : 'TCP' | 'UDP' | 'SCTP' ;

ipList : ip (',' ip)* ;

ip : IPV4 | IPV6 ;

cidrList : cidr (',' cidr)* ;

cidr : CIDR4 | CIDR6 ;

labelKey : name ('/' name)? ;

labelValue : name | NUMBER | RANGE | IPV4 ;

// A name: a bare word, a keyword used as a name, or any text in double quotes.
name : NAME | STRING | keyword ;

keyword
    : 'cluster' | 'service-cidrs' | 'cluster-cidrs' | 'dns-domain' | 'masquerade-all' | 'node-port-addresses'
    | 'http-port' | 'https-port' | 'node' | 'addresses' | 'external-addresses' | 'pod-cidrs' | 'namespace' | 'in'
    | 'labels' | 'annotation' | 'pod' | 'ip' | 'port' | 'not-ready' | 'terminating' | 'host-network'
    | 'deployment' | 'statefulset' | 'daemonset' | 'replicaset' | 'job' | 'replicas' | 'selector' | 'pod-labels'
    | 'node-selector' | 'service' | 'type' | 'cluster-ip' | 'headless' | 'ip-families' | 'ip-family-policy'
    | 'session-affinity' | 'timeout' | 'external-traffic-policy' | 'internal-traffic-policy' | 'external-ips'
    | 'load-balancer-ips' | 'load-balancer-source-ranges' | 'publish-not-ready-addresses' | 'external-name'
    | 'no-load-balancer-node-ports' | 'node-port' | 'endpoint-slice' | 'address-type' | 'endpoint' | 'serving'
    | 'not-serving' | 'network-policy' | 'pods' | 'policy-types' | 'ingress' | 'egress' | 'from' | 'to'
    | 'except' | 'namespaces' | 'notin' | 'admin-network-policy' | 'baseline-admin-network-policy'
    | 'priority' | 'subject' | 'nodes' | 'networks' | 'ingress-class' | 'controller' | 'default' | 'class'
    | 'default-backend' | 'tls' | 'secret' | 'hosts' | 'host' | 'path' | 'tls-secret' | 'cert' | 'key'
    | 'pod-network' | 'vni' | 'mtu'
    | 'dns' | 'ttl' | 'endpoint-pod-names' | 'ignore-empty-service' | 'service-ip'
    | 'TCP' | 'UDP' | 'SCTP'
    ;

// ---- lines ----------------------------------------------------------------------------------------------

clusterLine : clusterItem? NL ;
nodeLine : nodeItem? NL ;
namespaceLine : namespaceItem? NL ;
objectLine : object? NL ;
podLine : podItem? NL ;
workloadLine : workloadItem? NL ;
serviceLine : serviceItem? NL ;
sliceLine : sliceItem? NL ;
policyLine : policyItem? NL ;
ruleLine : ruleItem? NL ;
adminLine : adminItem? NL ;
adminRuleLine : adminRuleItem? NL ;
ingressClassLine : ingressClassItem? NL ;
ingressLine : ingressItem? NL ;
pathLine : pathItem? NL ;
tlsSecretLine : tlsSecretItem? NL ;

// ---- tokens ----------------------------------------------------------------------------------------------

CIDR4 : IPV4_ADDRESS '/' DIGITS ;
CIDR6 : IPV6_ADDRESS '/' DIGITS ;
IPV4 : IPV4_ADDRESS ;
IPV6 : IPV6_ADDRESS ;
RANGE : DIGITS '-' DIGITS ;
NUMBER : DIGITS ;
WILDCARD : '*.' [a-zA-Z0-9] [a-zA-Z0-9.-]* ;
NAME : [a-zA-Z0-9_] [a-zA-Z0-9._-]* ;
// Escapes: \\ \" \n \r \t, and \\u with four hex digits for any other UTF-16 unit (what netc writes for a
// control, format or separator character, so that no output of netc shows one raw).
STRING : '"' (~["\\\r\n] | '\\' ["\\nrt] | '\\u' HEX HEX HEX HEX)* '"' ;
// A string with no closing quote on its line, or a bad escape: one token, so the parser reports it once.
BAD_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"'? ;
ARROW : '->' ;
NL : '\r'? '\n' ;
WS : [ \t]+ -> skip ;
COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;
// Anything else is one token of its own, so that the parser names it in its message.
OTHER : . ;

fragment DIGITS : [0-9]+ ;
fragment OCTET : '25' [0-5] | '2' [0-4] [0-9] | '1' [0-9] [0-9] | [1-9] [0-9] | [0-9] ;
fragment IPV4_ADDRESS : OCTET '.' OCTET '.' OCTET '.' OCTET ;
fragment HEX : [0-9a-fA-F] ;
fragment IPV6_ADDRESS : HEX* ':' HEX* ':' [0-9a-fA-F:.]* ;
