package dev.netc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentHashTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRunningDigestOfPiecesIsTheDigestOfTheirConcatenation() {
        ContentHash.Running r = ContentHash.Running.start().update(b("shared part\n")).update(b("node part\n"));
        assertEquals(22, r.size());
        assertEquals(ContentHash.hex(b("shared part\nnode part\n")), r.hex());
        assertEquals(ContentHash.hex(new byte[0]), ContentHash.Running.start().hex());
    }

    @Test
    void aForkGoesOnFromThePrefixAndLeavesItUnchanged() {
        ContentHash.Running prefix = ContentHash.Running.start().update(b("shared"));
        ContentHash.Running n1 = prefix.fork().update(b("-n1"));
        ContentHash.Running n2 = prefix.fork().update(b("-n2-longer"));
        assertEquals(ContentHash.hex(b("shared-n1")), n1.hex());
        assertEquals(ContentHash.hex(b("shared-n2-longer")), n2.hex());
        assertEquals(16, ContentHash.Running.start().update(b("shared-n2-longer")).size());
        assertEquals(6, prefix.size());
        assertEquals(ContentHash.hex(b("shared")), prefix.hex());
    }
}
