package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netc.ir.DiagnosticCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's table of diagnostic codes lists exactly the codes netc has, with their summaries. */
class ReadmeCodesTest {
    @Test
    void readmeListsEveryCode() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("(?m)^\\| (NETC\\d{3}) \\| (.*) \\|$").matcher(readme);
        List<String> documented = new ArrayList<>();
        while (m.find()) documented.add(m.group(1) + " " + m.group(2));
        List<String> actual = new ArrayList<>();
        for (DiagnosticCode c : DiagnosticCode.values()) actual.add(c.name() + " " + c.summary());
        assertEquals(String.join("\n", actual), String.join("\n", documented));
    }
}
