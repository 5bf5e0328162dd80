package dev.netc.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renderer fuzz target's structure check: what it takes for an injection, and what it does not. */
class RendererSkeletonTest {
    private static List<String> sk(String s) {
        return RendererFuzzTest.skeleton(s);
    }

    @Test
    void escapedTextKeepsTheSkeleton() {
        assertEquals(sk("location \"/axb\" {\n  proxy_pass http://u;\n}\n"),
                sk("location \"/a\\\"b\" {\n  proxy_pass http://u;\n}\n"));
        assertEquals(sk("location \"/axx\" {\n}\n"), sk("location \"/a\\\\\" {\n}\n"), "a doubled backslash");
        assertEquals(sk("comment \"ns/x\"\n"), sk("comment \"ns/{}; #\"\n"), "syntax inside a quoted string");
        assertEquals(sk("# ingress axb\nserver {\n}\n"), sk("# ingress a;b {\nserver {\n}\n"), "inside a comment");
    }

    @Test
    void injectedSyntaxChangesIt() {
        String twin = "location /axb {\n}\n";
        assertNotEquals(sk(twin), sk("location /a;b {\n}\n"), "a semicolon ends the directive");
        assertNotEquals(sk(twin), sk("location /a{b {\n}\n"), "a brace opens a block");
        assertNotEquals(sk(twin), sk("location /a b {\n}\n"), "a space splits the word");
        assertNotEquals(sk(twin), sk("location /a$b {\n}\n"), "a variable");
        assertNotEquals(sk("location \"/axb\" {\n}\n"), sk("location \"/a\"b\" {\n}\n"), "a quote ends the string");
        assertNotEquals(sk("location \"/axb\" {\n}\n"), sk("location \"/a$b\" {\n}\n"), "a variable inside quotes");
        assertNotEquals(sk("# ingress axb\nserver {\n}\n"), sk("# ingress a\nb\nserver {\n}\n"), "a newline ends the comment");
        assertNotEquals(sk("comment \"axx\"\n"), sk("comment \"a\\\"\n"), "a trailing backslash escapes the closing quote");
    }

    @Test
    void sameStructureComparesEveryFileButKeys() {
        Artifact chosen = Artifact.text("ingress/nginx.conf", null, "location /a;b {\n}\n");
        Artifact twin = Artifact.text("ingress/nginx.conf", null, "location /axb {\n}\n");
        assertThrows(AssertionError.class, () -> RendererFuzzTest.sameStructure(List.of(chosen), List.of(twin)));
        RendererFuzzTest.sameStructure(List.of(twin), List.of(twin));
    }

    @Test
    void modelsWithSyntaxCharactersInChosenStrings() {
        // Paths with syntax characters are left out with a warning (nginx could not take them as written), so
        // the twin, which keeps its path, is no twin: compared only when both compile alike.
        for (String path : List.of("/a;b", "/a b", "/a{b}", "/a\"b", "/a'b", "/a#b", "/a$b", "/a\\b")) {
            for (boolean tls : List.of(false, true)) {
                RendererFuzzTest.checkModel(new RendererFuzzTest.Choice("app", "web", "http", "web-0",
                        "shop.example.com", path, "tls", 80, false, true, tls));
            }
        }
        // A chosen string netc does not use (the Secret name without TLS) may hold template text: the twin
        // comparison runs and passes, where a substring search found "}\n\n}" in every config.
        assertTrue(RendererFuzzTest.checkModel(new RendererFuzzTest.Choice("app", "web", "http", "web-0",
                "shop.example.com", "/api", "}\n\n}", 80, false, true, false)));
    }
}
