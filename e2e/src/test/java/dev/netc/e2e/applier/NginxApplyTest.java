package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code netc apply --backend nginx} with a real nginx in a namespace: nginx -t, link swap, reload, rollback. */
class NginxApplyTest {
    @BeforeAll
    static void tools() {
        Lab.requireNginx();
    }

    @Test
    void swapReloadAndRollBackWhenTheReloadFails() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            Path prefix = lab.dir.resolve("nginx");
            Path blocker = lab.dir.resolve("blocker");
            List<String> args = List.of("--backend", "nginx", "--nginx-prefix", prefix.toString());
            try {
                ApplyLab.Run first = apply(lab, args, a.toString());
                assertEquals(0, first.exit(), first.all());
                assertTrue(first.out().contains("not running"), first.out());
                Path current = prefix.resolve("current");
                assertTrue(Files.isSymbolicLink(current));
                assertEquals(Files.readString(a.resolve("ingress/nginx.conf")), Files.readString(current.resolve("nginx.conf")));

                lab.sh("nginx", "-p", prefix + "/", "-c", current.resolve("nginx.conf").toString());
                ApplyLab.Run changed = apply(lab, args, b.toString());
                assertEquals(0, changed.exit(), changed.all());
                assertTrue(changed.out().contains("(reloaded)"), changed.out());
                assertEquals(Files.readString(b.resolve("ingress/nginx.conf")), Files.readString(current.resolve("nginx.conf")));
                ApplyLab.Run same = apply(lab, args, b.toString());
                assertTrue(same.out().contains("nothing to change"), same.out());

                // nginx -t cannot see that port 8081 is taken; the reload can, and fails: the link goes back.
                Files.createDirectories(blocker);
                Files.writeString(blocker.resolve("nginx.conf"), "pid blocker.pid;\nerror_log error.log;\nevents {}\n"
                        + "http {\n    access_log off;\n    server {\n        listen 8081;\n        return 204;\n    }\n}\n");
                lab.sh("nginx", "-p", blocker + "/", "-c", "nginx.conf");
                Path c = lab.dir.resolve("c");
                ApplyLab.copyTree(b, c);
                String conf = Files.readString(c.resolve("ingress/nginx.conf"));
                Files.writeString(c.resolve("ingress/nginx.conf"), conf.replaceFirst("listen 80 default_server;",
                        "listen 80 default_server;\n        listen 8081;"));
                ApplyLab.rehash(c, "ingress/nginx.conf");
                ApplyLab.Run failed = apply(lab, args, c.toString());
                assertEquals(1, failed.exit(), failed.all());
                assertTrue(failed.err().contains("rolled back"), failed.err());
                assertEquals(Files.readString(b.resolve("ingress/nginx.conf")), Files.readString(current.resolve("nginx.conf")));
                assertEquals(0, apply(lab, args, "--check", b.toString()).exit());

                // A config of the backend's shape that nginx -t refuses (an unknown directive is refused before it, exit 5).
                Path broken = lab.dir.resolve("broken");
                ApplyLab.copyTree(b, broken);
                Files.writeString(broken.resolve("ingress/nginx.conf"), Files.readString(broken.resolve("ingress/nginx.conf"))
                        .replaceFirst("worker_connections 1024;", "worker_connections 1024;\n    worker_connections 1024;"));
                ApplyLab.rehash(broken, "ingress/nginx.conf");
                ApplyLab.Run refused = apply(lab, args, broken.toString());
                assertEquals(1, refused.exit(), refused.all());
                assertTrue(refused.err().contains("nginx -t refused"), refused.err());
                assertEquals(Files.readString(b.resolve("ingress/nginx.conf")), Files.readString(current.resolve("nginx.conf")));

                ApplyLab.Run back = apply(lab, args, "--rollback");
                assertEquals(0, back.exit(), back.all());
                assertEquals(Files.readString(a.resolve("ingress/nginx.conf")), Files.readString(current.resolve("nginx.conf")));
            } finally {
                Sh.run(null, List.of("ip", "netns", "exec", lab.ns, "nginx", "-p", prefix + "/", "-c", prefix.resolve("current/nginx.conf").toString(), "-s", "stop"));
                Sh.run(null, List.of("ip", "netns", "exec", lab.ns, "nginx", "-p", blocker + "/", "-c", "nginx.conf", "-s", "stop"));
            }
        }
    }

    private static ApplyLab.Run apply(ApplyLab lab, List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return lab.apply(all.toArray(String[]::new));
    }
}
