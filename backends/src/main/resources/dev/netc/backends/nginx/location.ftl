        # ${r.kind} ${r.path} (Ingress ${r.origin})
<#list r.locations as loc>
        location ${loc} {
<#if r.fallback>
<#if defaultUpstream??>
            proxy_pass http://${defaultUpstream};
<#else>
            return 404;
</#if>
<#elseif r.hasServers>
            proxy_pass http://${r.upstream};
<#else>
            return 503;
</#if>
        }
</#list>
