package dev.netc.compiler.frontend;

/** Input texts shared by the front-end tests. */
final class Manifests {
    private Manifests() {
    }

    /** One document of every kind netc reads, written the way people write them (defaults left out). */
    static final String EVERY_KIND = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata:
              name: lab
            spec:
              serviceCIDRs: [10.96.0.0/12, "fd00:96::/108"]
              clusterCIDRs: [10.244.0.0/16]
              dnsDomain: lab.local
              nodes:
                - name: n1
                  addresses: [192.168.77.11]
                  podCIDRs: [10.244.1.0/24]
                  labels: {zone: a}
              proxy: {masqueradeAll: true, nodePortAddresses: [192.168.77.0/24]}
              ingress: {httpPort: 8080, httpsPort: 8443}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels: {team: web}
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: n2
              labels: {zone: b}
            spec:
              podCIDR: 10.244.2.0/24
            status:
              addresses:
                - {type: Hostname, address: n2}
                - {type: ExternalIP, address: 203.0.113.2}
                - {type: InternalIP, address: 192.168.77.12}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-0
              namespace: shop
              labels: {app: web}
            spec:
              nodeName: n1
              containers:
                - name: web
                  image: nginx
                  ports:
                    - {name: http, containerPort: 8080}
                    - {name: dns, containerPort: 53, protocol: UDP}
            status:
              podIPs: [{ip: 10.244.1.10}]
              conditions:
                - {type: Ready, status: "False"}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-1
              namespace: shop
              labels: {app: web}
              deletionTimestamp: "2026-11-20T10:00:00Z"
            spec:
              hostNetwork: true
              containers:
                - name: web
                  image: nginx
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
            spec:
              selector: {app: web}
              ports:
                - port: 80
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: edge
              namespace: shop
            spec:
              type: LoadBalancer
              clusterIP: 10.96.0.50
              ipFamilyPolicy: PreferDualStack
              ipFamilies: [IPv4]
              selector: {app: web}
              sessionAffinity: ClientIP
              externalTrafficPolicy: Local
              internalTrafficPolicy: Local
              externalIPs: [198.51.100.7]
              loadBalancerSourceRanges: [203.0.113.0/24]
              publishNotReadyAddresses: true
              allocateLoadBalancerNodePorts: false
              ports:
                - {name: http, port: 80, targetPort: http, nodePort: 30080}
                - {name: dns, port: 53, protocol: UDP, targetPort: 5353}
            status:
              loadBalancer:
                ingress: [{ip: 198.51.100.10}, {hostname: lb.example.com}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: db
              namespace: shop
            spec:
              clusterIP: None
              ports:
                - port: 5432
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: legacy
              namespace: shop
            spec:
              type: ExternalName
              externalName: db.example.com.
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: legacy-db
              namespace: shop
            spec:
              ipFamilyPolicy: PreferDualStack
              ports:
                - {name: pg, port: 5432}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: db-1
              namespace: shop
              labels: {kubernetes.io/service-name: db}
            addressType: IPv4
            ports:
              - {port: 5432}
            endpoints:
              - addresses: [10.244.1.20]
                nodeName: n1
                targetRef: {kind: Pod, name: db-0}
              - addresses: [10.244.1.21]
                conditions: {ready: false}
              - addresses: [10.244.1.22]
                conditions: {ready: false, serving: true, terminating: true}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web
              namespace: shop
            spec:
              podSelector:
                matchLabels: {app: web}
              ingress:
                - from:
                    - namespaceSelector: {matchLabels: {team: web}}
                      podSelector:
                        matchExpressions:
                          - {key: tier, operator: NotIn, values: [batch]}
                    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                  ports:
                    - {port: http}
                    - {protocol: UDP, port: 5000, endPort: 5010}
              egress:
                - to:
                    - podSelector: {}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny
              namespace: shop
            spec:
              podSelector: {}
            ---
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: nginx
              annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
            spec:
              controller: k8s.io/ingress-nginx
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: shop
              namespace: shop
              annotations: {kubernetes.io/ingress.class: nginx}
            spec:
              defaultBackend:
                service: {name: web, port: {number: 80}}
              tls:
                - hosts: [shop.example.com]
                  secretName: shop-tls
              rules:
                - host: "*.shop.example.com"
                  http:
                    paths:
                      - path: /cart
                        pathType: Prefix
                        backend:
                          service: {name: web, port: {name: http}}
                - http:
                    paths:
                      - pathType: ImplementationSpecific
                        backend:
                          service: {name: web, port: {number: 80}}
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: shop-tls
              namespace: shop
            type: kubernetes.io/tls
            data:
              tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
            stringData:
              tls.key: |
                -----BEGIN PRIVATE KEY-----
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web, tier: front}
                spec:
                  nodeSelector: {zone: a}
                  containers:
                    - name: web
                      image: nginx
                      ports:
                        - {name: http, containerPort: 8080}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
              namespace: shop
            spec:
              replicas: 3
              selector:
                matchLabels: {app: db}
              template:
                metadata:
                  labels: {app: db}
                spec:
                  nodeName: n2
                  containers:
                    - {name: db, image: postgres}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
              namespace: shop
            spec:
              selector:
                matchLabels: {app: agent}
              template:
                metadata:
                  labels: {app: agent}
                spec:
                  hostNetwork: true
                  containers:
                    - {name: agent, image: agent}
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: cache
              namespace: shop
            spec:
              replicas: 0
              selector:
                matchLabels: {app: cache}
              template:
                metadata:
                  labels: {app: cache}
                spec:
                  containers:
                    - {name: cache, image: redis}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
              namespace: shop
            spec:
              parallelism: 2
              template:
                metadata:
                  labels: {job: migrate}
                spec:
                  containers:
                    - {name: migrate, image: tool}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: legacy-db
              namespace: shop
            subsets:
              - addresses:
                  - {ip: 192.168.50.10, nodeName: n1, targetRef: {kind: Pod, name: old-0}}
                  - {ip: "fd00:50::10"}
                notReadyAddresses:
                  - {ip: 192.168.50.11}
                ports:
                  - {name: pg, port: 5432}
              - addresses:
                  - {ip: 192.168.60.10}
                ports:
                  - {name: pg, port: 6432, protocol: TCP}
            """;
}
