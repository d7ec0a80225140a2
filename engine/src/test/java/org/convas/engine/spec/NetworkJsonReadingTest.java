package org.convas.engine.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages for bad network files: the place, the rule, the limit; never Gson's advice, never "null". */
@Timeout(10)
class NetworkJsonReadingTest {

    private static final String HEAD = "{\"format\": \"convas-network\", \"version\": 1, \"nodes\": [";

    private static SpecFormatException bad(String text) {
        return assertThrows(SpecFormatException.class, () -> NetworkJson.read(text, "net.json"));
    }

    @Test
    void malformedJsonSaysWhereWithoutGsonsAdvice() {
        SpecFormatException e = bad("{\"format\": \"convas-network\", version: 1}");
        assertFalse(e.getMessage().contains("LENIENT"), e.getMessage());
        assertFalse(e.getMessage().contains("setStrictness"), e.getMessage());
        assertFalse(e.getMessage().contains("path $"), e.getMessage());
        assertTrue(e.getMessage().startsWith("net.json: not valid JSON: malformed JSON at line 1, column "), e.getMessage());
    }

    @Test
    void aTruncatedFileSaysSo() {
        SpecFormatException e = bad(HEAD + "{\"id\": \"input\", \"type\": \"in");
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void aNumberBeyondTheIntRangeNamesTheFieldsLimit() {
        SpecFormatException e = bad(HEAD + "{\"id\": \"input\", \"type\": \"input\", \"width\": 28, \"height\": 28, \"depth\": 1},"
                + "{\"id\": \"conv1\", \"type\": \"conv2d\", \"inputs\": [\"input\"], \"filters\": 6, \"kernel\": 5, \"padding\": 2147483648}]}");
        assertEquals("net.json, node \"conv1\", field \"padding\": 2147483648 is too large: padding must be at most 65,536",
                e.getMessage());
        SpecFormatException filters = bad(HEAD + "{\"id\": \"input\", \"type\": \"input\", \"width\": 28, \"height\": 28, \"depth\": 1},"
                + "{\"id\": \"c\", \"type\": \"conv2d\", \"inputs\": [\"input\"], \"filters\": 1e30, \"kernel\": 5}]}");
        assertEquals("net.json, node \"c\", field \"filters\": 1e30 is too large: filters must be at most 1,048,576",
                filters.getMessage());
    }

    @Test
    void aValueWithinIntButBeyondTheLimitGivesTheRule() {
        SpecFormatException e = bad(HEAD + "{\"id\": \"input\", \"type\": \"input\", \"width\": 100000, \"height\": 28, \"depth\": 1}]}");
        assertEquals("net.json, node \"input\", field \"width\": 100000 is too large: width must be at most 65,536", e.getMessage());
        SpecFormatException s = bad(HEAD + "{\"id\": \"input\", \"type\": \"input\", \"width\": 28, \"height\": 28, \"depth\": 1},"
                + "{\"id\": \"c\", \"type\": \"conv2d\", \"inputs\": [\"input\"], \"filters\": 6, \"kernel\": 5, \"stride\": 70000}]}");
        assertEquals("net.json, node \"c\", field \"stride\": 70000 is too large: stride must be at most 65,536", s.getMessage());
    }

    @Test
    void aDeviceOrAHugeFileIsRefusedWithoutReadingItAll(@TempDir Path dir) throws IOException {
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            IOException e = assertThrows(IOException.class, () -> NetworkJson.read(zero));
            assertEquals("/dev/zero: larger than the 16 MiB a network file may have (it is a device or a pipe, not a file)",
                    e.getMessage());
        }
        Path big = dir.resolve("big.json");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.SPARSE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {' '}), 100L << 20);
        }
        IOException e = assertThrows(IOException.class, () -> NetworkJson.read(big));
        assertTrue(e.getMessage().endsWith("big.json: is 100 MiB, larger than the 16 MiB a network file may have"), e.getMessage());
    }

    @Test
    void missingAndUnreadableFilesSayWhy(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> NetworkJson.read(dir.resolve("gone.json")));
        assertTrue(missing.getMessage().endsWith("gone.json: no such file or folder"), missing.getMessage());
        IOException folder = assertThrows(IOException.class, () -> NetworkJson.read(dir));
        assertTrue(folder.getMessage().endsWith(": is a folder, not a network file"), folder.getMessage());
    }

    @Test
    void tooManyNodesAreRefused() {
        StringBuilder sb = new StringBuilder(HEAD);
        for (int i = 0; i <= NetworkJson.MAX_NODES; i++) sb.append(i == 0 ? "" : ",").append("{}");
        SpecFormatException e = bad(sb.append("]}").toString());
        assertEquals("net.json, field \"nodes\": the network has 100001 nodes; at most 100000 are allowed", e.getMessage());
    }
}
