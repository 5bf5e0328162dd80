package dev.netc.e2e.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Netns;
import dev.netc.e2e.lab.Sh;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Actions recipe ({@code samples/ci/netc-diff-comment.sh}) run as a job would run it: on a fixture
 * repository of two commits (the shop on {@code main}, a pull request changing a policy's port), against a fake
 * GitHub API in a network namespace of its own. The first run creates the comment with netc's Markdown; the
 * second finds it by netc's marker and updates it.
 */
class PrCommentScriptTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /** What the fake API was asked: method, path and body, in order. */
    record Call(String method, String path, String body) {
    }

    @Test
    void theFirstRunCommentsAndTheNextUpdatesTheSameComment() throws Exception {
        Lab.require();
        Path repo = fixture();
        Path event = tmp.resolve("event.json");
        Files.writeString(event, "{\"pull_request\": {\"number\": 7}}");
        String ns = "netc-ci-" + UUID.randomUUID().toString().substring(0, 8);
        Sh.ok("ip", "netns", "add", ns);
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        String[] comments = {"[]"};
        try (Netns in = new Netns(Netns.libc(), ns)) {
            Sh.in(ns, null, "ip", "link", "set", "lo", "up");
            HttpServer api = in.call(() -> HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
            api.createContext("/", x -> {
                String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                calls.add(new Call(x.getRequestMethod(), x.getRequestURI().toString(), body));
                byte[] reply = (x.getRequestMethod().equals("GET") ? comments[0] : "{\"id\": 42}").getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(x.getRequestMethod().equals("POST") ? 201 : 200, reply.length);
                x.getResponseBody().write(reply);
                x.close();
            });
            api.start();
            try {
                Map<String, String> env = Map.of("GITHUB_TOKEN", "t0ken", "GITHUB_REPOSITORY", "shop/cluster",
                        "GITHUB_EVENT_PATH", event.toString(), "GITHUB_BASE_REF", "main",
                        "GITHUB_API_URL", "http://127.0.0.1:" + api.getAddress().getPort(),
                        "NETC", ROOT.resolve("bin/netc").toString(), "NETC_DIFF_PATHS", "shop");
                String first = run(ns, repo, env);
                assertTrue(first.contains("netc-diff-comment: commented on #7"), first);
                assertEquals(List.of("GET /repos/shop/cluster/issues/7/comments?per_page=100", "POST /repos/shop/cluster/issues/7/comments"),
                        calls.stream().map(c -> c.method() + " " + c.path()).toList());
                String posted = new com.fasterxml.jackson.databind.ObjectMapper().readTree(calls.get(1).body()).get("body").asText();
                assertTrue(posted.startsWith("<!-- netc diff -->\n## netc diff: 3 traffic rows, 3 plan changes\n"), posted);
                assertTrue(posted.contains("+ ingress from same-namespace pods(app=payments-api) ports TCP:5433"), posted);
                assertTrue(posted.contains("shop/policies.yaml@"), "the base side is read from the repository: " + posted);

                // the next push: the comment netc wrote is found by its marker and updated, no new one
                comments[0] = "[{\"id\": 5, \"body\": \"LGTM\"}, {\"id\": 42, \"body\": " + json(posted) + "}]";
                calls.clear();
                String second = run(ns, repo, env);
                assertTrue(second.contains("netc-diff-comment: updated comment 42 on #7"), second);
                assertEquals(List.of("GET /repos/shop/cluster/issues/7/comments?per_page=100", "PATCH /repos/shop/cluster/issues/comments/42"),
                        calls.stream().map(c -> c.method() + " " + c.path()).toList());
            } finally {
                api.stop(0);
            }
        } finally {
            Sh.run(null, List.of("ip", "netns", "del", ns));
        }
    }

    /** The script, in the namespace, from the repository's top folder, with the job's environment. */
    static String run(String ns, Path repo, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, "bash", ROOT.resolve("samples/ci/netc-diff-comment.sh").toString())
                .directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** The shop on main, then a pull request (checked out, as actions/checkout leaves it) that changes the ledger's port. */
    Path fixture() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path shop = Files.createDirectories(repo.resolve("shop"));
        try (Stream<Path> s = Files.list(ROOT.resolve("samples/shop"))) {
            for (Path f : s.sorted().toList()) Files.copy(f, shop.resolve(f.getFileName()));
        }
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            var base = git.commit().setMessage("shop").setAuthor("a", "a@example.com").setCommitter("a", "a@example.com").setSign(false).call();
            RefUpdate origin = git.getRepository().updateRef("refs/remotes/origin/main");
            origin.setNewObjectId(base);
            origin.update();
            git.checkout().setCreateBranch(true).setName("pr").call();
            Path policies = shop.resolve("policies.yaml");
            Files.writeString(policies, Files.readString(policies).replace("- {port: 5432}", "- {port: 5433}"));
            git.commit().setAll(true).setMessage("ledger on 5433").setAuthor("a", "a@example.com").setCommitter("a", "a@example.com")
                    .setSign(false).call();
        }
        return repo;
    }

    static String json(String s) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
    }
}
