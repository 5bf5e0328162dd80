package dev.netc.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The "parse" baseline of bench/scale.sh: jackson-dataformat-yaml alone reads every document of every
 * {@code *.yaml}/{@code *.yml}/{@code *.json} file under the given paths into a tree, and nothing else. Prints one line
 * {@code parse: files=F documents=D values=V bytes=B ms=T}.
 */
public final class ParseBaseline {
    private ParseBaseline() {
    }

    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            try (Stream<Path> s = Files.walk(Path.of(a))) {
                s.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().forEach(files::add);
            }
        }
        ObjectMapper mapper = new YAMLMapper(YAMLFactory.builder().build());
        long docs = 0;
        long values = 0;
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
            try (InputStream in = Files.newInputStream(f);
                 JsonParser p = mapper.getFactory().createParser(in);
                 MappingIterator<JsonNode> it = mapper.readValues(p, JsonNode.class)) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    docs++;
                    values += count(doc);
                }
            }
        }
        System.out.printf("parse: files=%d documents=%d values=%d bytes=%d ms=%d%n", files.size(), docs, values, bytes,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static long count(JsonNode n) {
        long c = 1;
        for (JsonNode child : n) c += count(child);
        return c;
    }
}
