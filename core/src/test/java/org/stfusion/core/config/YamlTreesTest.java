package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;

/** Reading experiment YAML strictly: what is refused, with the place, and what is read as it should be. */
class YamlTreesTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("e.yaml"), text);
    }

    private String refused(String text) throws Exception {
        Path f = file(text);
        return assertThrows(ConfigException.class, () -> YamlTrees.readFile(f)).getMessage();
    }

    @Test
    void plainTreesWithTheirTypes() throws Exception {
        Object tree = YamlTrees.readFile(file("a: 1\nb: [x, 2.5, true, ~]\nc: {d: 99999999999}\n"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", 1);
        List<Object> b = new ArrayList<>(List.of("x", 2.5, true));
        b.add(null);
        expected.put("b", b);
        expected.put("c", Map.of("d", 99999999999L));
        assertEquals(expected, tree);
        assertNull(YamlTrees.readFile(file("# only a comment\n")));
    }

    @Test
    void specialFloatsAreNumbersSoThatTheKeyCanRefuseThem() throws Exception {
        assertEquals(Map.of("a", Double.NaN, "b", Double.POSITIVE_INFINITY, "c", Double.NEGATIVE_INFINITY,
                "d", Double.POSITIVE_INFINITY), YamlTrees.readFile(file("a: .nan\nb: .inf\nc: -.Inf\nd: 1e400\n")));
    }

    @Test
    void duplicateKeysNameTheKeyAndBothLines() throws Exception {
        assertEquals(dir.resolve("e.yaml") + ":3:1: duplicate key 'a' (first given on line 1)", refused("a: 1\nb: 2\na: 3\n"));
        assertTrue(refused("s: {x: 1, x: 2}\n").contains("duplicate key 'x'"));
    }

    @Test
    void aliasesTagsAndSecondDocumentsAreRefused() throws Exception {
        assertTrue(refused("a: &x [1]\nb: *x\n").contains(":2:4: YAML aliases (*x) are not supported"));
        assertTrue(refused("a: !!java.net.URL [x]\n").contains("YAML tags (!!java.net.URL) are not supported"));
        assertTrue(refused("a: !custom 1\n").contains("YAML tags (!custom) are not supported"));
        assertTrue(refused("a: 1\n---\nb: 2\n").contains(":3:1: a second YAML document"));
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() throws Exception {
        String deep = "a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
        assertTrue(refused(deep).endsWith("nested more than " + YamlTrees.MAX_DEPTH + " levels deep"));
        String fine = "a: " + "[".repeat(YamlTrees.MAX_DEPTH - 1) + "]".repeat(YamlTrees.MAX_DEPTH - 1) + "\n";
        YamlTrees.readFile(file(fine));
    }

    @Test
    void syntaxErrorsAreOneLineWithThePlace() throws Exception {
        String msg = refused("a:\n\tb: 1\n");
        assertEquals(dir.resolve("e.yaml") + ":2:1: not valid YAML: while scanning for the next token: found character "
                + "'\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)", msg);
        assertEquals(dir.resolve("e.yaml") + ":4:1: not valid YAML: while scanning a quoted scalar started at line 2, "
                + "column 7: found unexpected end of stream", refused("a: 1\nname: \"x\nb: 2\n"));
    }

    @Test
    void onlyUtf8TextWithAnOptionalByteOrderMark() throws Exception {
        Path latin1 = Files.write(dir.resolve("l.yaml"), "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        var e = assertThrows(ConfigException.class, () -> YamlTrees.readFile(latin1));
        assertEquals(latin1 + ":1: not UTF-8 text (byte 0xE9 at offset 9): save the file as UTF-8", e.getMessage());
        Path bom = Files.write(dir.resolve("b.yaml"), "\uFEFFname: caf\u00e9\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("name", "caf\u00e9"), YamlTrees.readFile(bom));
    }

    @Test
    void filesThatAreNotFiles() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("f.yaml"));
        assertEquals("config file " + folder + " is a folder, not a YAML file",
                assertThrows(ConfigException.class, () -> YamlTrees.readFile(folder)).getMessage());
        Path big = Files.writeString(dir.resolve("big.yaml"), "# " + "x".repeat(4 * YamlTrees.MAX_CODE_POINTS) + "\n");
        assertTrue(assertThrows(ConfigException.class, () -> YamlTrees.readFile(big)).getMessage()
                .contains("too large for an experiment file"));
        Path many = Files.writeString(dir.resolve("many.yaml"), "a: [" + "1, ".repeat(YamlTrees.MAX_CODE_POINTS / 3) + "1]\n");
        assertTrue(assertThrows(ConfigException.class, () -> YamlTrees.readFile(many)).getMessage()
                .contains("exceeds the limit"), "SnakeYAML's code point limit");
    }

    @Test
    void setValuesQuoteTheValueAndThePlace() {
        var e = assertThrows(ConfigException.class, () -> YamlTrees.readValue("training.lr", "[1, 2"));
        assertTrue(e.getMessage().startsWith("training.lr: cannot use the --set value '[1, 2' at column "), e.getMessage());
        assertEquals(List.of(1, 2), YamlTrees.readValue("x", "[1, 2]"));
    }
}
