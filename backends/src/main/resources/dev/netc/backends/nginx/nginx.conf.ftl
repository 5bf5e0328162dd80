# netc ingress: run as  nginx -p <this folder> -c nginx.conf
# Generated from the cluster's Ingress objects; every value below was checked against a strict grammar.
worker_processes 1;
pid nginx.pid;
error_log error.log warn;

events {
    worker_connections 1024;
}

http {
    access_log access.log;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
    server_names_hash_bucket_size ${bucketSize};
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
<#list upstreams as u>

    upstream ${u.name} {
<#list u.servers as s>
        server ${s};
</#list>
    }
</#list>

    # requests for hosts no Ingress names
    server {
        listen ${httpPort} default_server;
        server_name _;
<#if defaultUpstream??>
        location / {
            proxy_pass http://${defaultUpstream};
        }
<#else>
        location / {
            return 404;
        }
</#if>
<#list catchAll as r>
<#include "location.ftl">
</#list>
    }
<#list servers as h>

    server {
        listen ${h.listen};
        server_name ${h.host};
<#if h.certificate?has_content>
        ssl_certificate ${h.certificate}.crt;
        ssl_certificate_key ${h.certificate}.key;
</#if>
<#if h.redirect>
        location / {
            return 308 https://$host${httpsPortSuffix}$request_uri;
        }
<#else>
<#list h.routes as r>
<#include "location.ftl">
</#list>
<#if !h.hasRoot>
        location / {
<#if defaultUpstream??>
            proxy_pass http://${defaultUpstream};
<#else>
            return 404;
</#if>
        }
</#if>
</#if>
    }
</#list>
}
