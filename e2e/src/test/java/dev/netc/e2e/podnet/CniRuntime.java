package dev.netc.e2e.podnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a container runtime does with a CNI network configuration list (CNI spec 1.0.0, "Execution of network
 * configurations"): each plugin of {@code conflist} is run with its own fields plus the list's {@code cniVersion} and
 * {@code name} and, after the first, the previous plugin's result as {@code prevResult}; DEL runs them in reverse.
 *
 * <p>The plugins run inside the node's namespace (the bridge plugin makes its bridge where it runs) and in a private
 * mount namespace where {@code leases} is bound over {@code /var/lib/cni}: host-local's default store is a path of the
 * filesystem every node of this machine shares, and the conflist is used verbatim, so the store is moved, not renamed.
 */
record CniRuntime(JsonNode conflist, String nodeNs, Path leases) {
    static final String CNI_PATH = "/usr/lib/cni";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One plugin run: its exit code and what it printed (the result or the CNI error object on stdout). */
    record Run(String plugin, int exit, String stdout, String stderr) {
        JsonNode json() throws IOException {
            return JSON.readTree(stdout);
        }

        @Override
        public String toString() {
            return plugin + " exit " + exit + ": " + stdout.strip() + (stderr.isBlank() ? "" : " / " + stderr.strip());
        }
    }

    /** A pod's attachment: the container id and namespace the runtime names, and the list's final ADD result. */
    record Attachment(String containerId, String podNs, JsonNode result) {
    }

    /** ADD through every plugin; fails with the plugin's error when one fails. */
    Attachment add(String containerId, String podNs) throws IOException {
        JsonNode prev = null;
        for (JsonNode plugin : conflist.get("plugins")) {
            Run r = exec("ADD", plugin, prev, containerId, podNs);
            if (r.exit() != 0) throw new IOException("CNI ADD of " + podNs + " failed: " + r);
            prev = r.json();
        }
        return new Attachment(containerId, podNs, prev);
    }

    /** CHECK through every plugin, each given the ADD result as prevResult (the spec's cached result). */
    List<Run> check(Attachment a) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (JsonNode plugin : conflist.get("plugins")) runs.add(exec("CHECK", plugin, a.result(), a.containerId(), a.podNs()));
        return runs;
    }

    /** DEL through every plugin in reverse order, each given the ADD result; every plugin runs even if one fails. */
    List<Run> del(Attachment a) throws IOException {
        List<JsonNode> plugins = new ArrayList<>();
        conflist.get("plugins").forEach(plugins::add);
        List<Run> runs = new ArrayList<>();
        for (int i = plugins.size() - 1; i >= 0; i--) runs.add(exec("DEL", plugins.get(i), a.result(), a.containerId(), a.podNs()));
        return runs;
    }

    private Run exec(String command, JsonNode plugin, JsonNode prevResult, String containerId, String podNs) throws IOException {
        ObjectNode conf = JSON.createObjectNode();
        conf.set("cniVersion", conflist.get("cniVersion"));
        conf.set("name", conflist.get("name"));
        plugin.fields().forEachRemaining(f -> conf.set(f.getKey(), f.getValue()));
        if (prevResult != null) conf.set("prevResult", prevResult);
        String type = plugin.get("type").asText();
        // $0 and $1 keep the paths out of the script's text: no quoting to get wrong.
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", nodeNs, "unshare", "--mount", "sh", "-c",
                "mkdir -p /var/lib/cni && mount --bind \"$0\" /var/lib/cni && exec \"$1\"", leases.toString(), CNI_PATH + "/" + type);
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", "/var/run/netns/" + podNs);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", CNI_PATH);
        try {
            Process p = pb.start();
            p.getOutputStream().write(JSON.writeValueAsBytes(conf));
            p.getOutputStream().close();
            // A plugin prints one result or error object and a line or two of log: neither pipe fills while the other is read.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("CNI " + command + " " + type + " timed out");
            }
            return new Run(type, p.exitValue(), out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
