        # ${r.kind} ${r.path} (Ingress ${r.origin})
<#list r.locations as loc>
        location ${loc} {
<#list r.allow as a>
            allow ${a};
</#list>
<#if r.allow?has_content>
            deny all;
</#if>
<#if r.bodySize?has_content>
            client_max_body_size ${r.bodySize};
</#if>
<#if r.fallback>
<#if defaultUpstream??>
            proxy_pass http://${defaultUpstream};
<#else>
            return 404;
</#if>
<#elseif r.hasServers>
<#if r.rewrite?has_content>
            rewrite ^ ${r.rewrite} break;
</#if>
            proxy_pass ${r.scheme}://${r.upstream};
<#else>
            return 503;
</#if>
        }
</#list>
