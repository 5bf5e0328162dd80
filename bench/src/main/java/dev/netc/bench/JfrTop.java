package dev.netc.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples ({@code jdk.ExecutionSample}) of a JFR recording of {@code netc compile}: the share of
 * samples per step (the outermost pass, backend, loader or writer on the stack), and for each step its hottest frames,
 * by self time (the top frame) and by total time (netc methods anywhere on the stack). Usage:
 * {@code JfrTop FILE.jfr [top-N]}.
 */
public final class JfrTop {
    private static final Pattern STEP = Pattern.compile("dev\\.netc\\.(compiler\\.passes\\.[A-Za-z]+|compiler\\.frontend\\."
            + "YamlFrontEnd|compiler\\.InputLoader|backends\\.[a-z]+\\.[A-Za-z]+Backend|cli\\.OutputWriter|cli\\.Manifest)");

    private JfrTop() {
    }

    private static final class Counts {
        long samples;
        final Map<String, Long> self = new TreeMap<>();
        final Map<String, Long> netc = new TreeMap<>();
        final Map<String, Long> total = new TreeMap<>();
    }

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Map<String, Counts> steps = new TreeMap<>();
        long all = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            List<RecordedFrame> frames = e.getStackTrace().getFrames(); // top (innermost) first
            if (frames.isEmpty()) continue;
            all++;
            String step = "(other)";
            int at = frames.size() - 1;
            for (int i = frames.size() - 1; i >= 0; i--) {
                String cls = outer(frames.get(i).getMethod());
                if (STEP.matcher(cls).matches()) {
                    step = cls.substring(cls.lastIndexOf('.') + 1);
                    at = i;
                    break;
                }
            }
            Counts c = steps.computeIfAbsent(step, k -> new Counts());
            c.samples++;
            c.self.merge(name(frames.get(0)), 1L, Long::sum);
            for (RecordedFrame f : frames) {
                if (netc(f)) {
                    c.netc.merge(name(f) + ":" + f.getLineNumber(), 1L, Long::sum);
                    break;
                }
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i <= at; i++) {
                RecordedFrame f = frames.get(i);
                if (netc(f) && seen.add(name(f))) c.total.merge(name(f), 1L, Long::sum);
            }
        }
        System.out.printf("jfr: %d CPU samples%n", all);
        List<Map.Entry<String, Counts>> order = new ArrayList<>(steps.entrySet());
        order.sort(Comparator.comparingLong((Map.Entry<String, Counts> en) -> -en.getValue().samples).thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Counts> en : order) {
            Counts c = en.getValue();
            System.out.printf("%n== %s: %d samples (%.1f%%)%n", en.getKey(), c.samples, 100.0 * c.samples / Math.max(1, all));
            System.out.println("  self:");
            print(c.self, c.samples, top);
            System.out.println("  self time by innermost netc frame (method:line):");
            print(c.netc, c.samples, top);
            System.out.println("  total (netc methods inside the step):");
            print(c.total, c.samples, top);
        }
    }

    private static void print(Map<String, Long> m, long of, int top) {
        m.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, Long> e) -> -e.getValue()).thenComparing(Map.Entry::getKey))
                .limit(top).forEach(e -> System.out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, of), e.getKey()));
    }

    private static boolean netc(RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        return cls.startsWith("dev.netc.") && !cls.contains("$$Lambda") && f.isJavaFrame();
    }

    private static String outer(RecordedMethod m) {
        String cls = m.getType().getName();
        int d = cls.indexOf('$');
        return d < 0 ? cls : cls.substring(0, d);
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m.getType().getName() + "." + m.getName();
    }
}
