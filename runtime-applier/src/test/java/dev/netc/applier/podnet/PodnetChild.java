package dev.netc.applier.podnet;

import dev.netc.applier.Applier;
import dev.netc.applier.BackendKind;
import dev.netc.applier.Request;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code netc apply --backend podnet} in a JVM of its own, for {@link PodnetKillTest} to SIGKILL: OUT, state dir, namespace. */
public final class PodnetChild {
    private PodnetChild() {
    }

    public static void main(String[] args) {
        Request req = Request.of("n1", Optional.of(Path.of(args[0])), List.of(BackendKind.PODNET), Request.Mode.APPLY, Path.of(args[1]))
                .withNetns(Optional.of(args[2]));
        System.out.println("start");
        System.out.flush();
        // flushed line by line: the parent kills once the plan is printed, as the requests start
        System.exit(new Applier().run(req, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }
}
