package org.convas.engine.exchange;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch's torch.save format without Python: files PyTorch 1.13 wrote (made by make_torch_fixture.py, kept in the
 * repository) read back value for value, and what Convas writes reads back the same. (That torch.load reads Convas's
 * files is checked with PyTorch itself in the samples module's PyTorchExportTest.)
 */
class TorchArchiveTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(TorchArchiveTest.class.getResource("/exchange/" + name).toURI());
    }

    @Test
    void readsAStateDictPyTorchWrote() throws Exception {
        Map<String, TorchTensor> sd = TorchArchive.read(fixture("state_dict.pt"));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
                "extra.t", "extra.half", "extra.double"), List.copyOf(sd.keySet()));
        TorchTensor w = sd.get("0.weight");
        assertArrayEquals(new long[] {3, 2, 2, 2}, w.shape());
        assertEquals("float32", w.dtype());
        for (int i = 0; i < 24; i++) assertEquals(0.5f * i, w.values()[i]);
        assertArrayEquals(new float[] {12f, 12.5f, 13f}, sd.get("0.bias").values());   // k continues at 24
        assertArrayEquals(new float[] {13.5f, 14f, 14.5f}, sd.get("1.weight").values());
        TorchTensor tracked = sd.get("1.num_batches_tracked");
        assertEquals("int64", tracked.dtype());
        assertArrayEquals(new long[0], tracked.shape());
        assertArrayEquals(new float[] {7}, tracked.values());
        // A transposed view: the storage holds 0..5 as 3×2, the tensor is its 2×3 transpose.
        assertArrayEquals(new long[] {2, 3}, sd.get("extra.t").shape());
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, sd.get("extra.t").values());
        assertArrayEquals(new float[] {1.5f, -2.25f, 65504f}, sd.get("extra.half").values());
        assertArrayEquals(new float[] {0.1f, 0f}, sd.get("extra.double").values());
    }

    @Test
    void readsTheStateDictInsideATrainingCheckpoint() throws Exception {
        Map<String, TorchTensor> sd = TorchArchive.read(fixture("checkpoint.pt"));
        assertEquals(7, sd.size());
        assertArrayEquals(new float[] {12f, 12.5f, 13f}, sd.get("0.bias").values());
    }

    @Test
    void writesWhatItReadsBackAndAlignsEveryStorage(@TempDir Path dir) throws Exception {
        Map<String, TorchTensor> sd = new LinkedHashMap<>();
        sd.put("conv.weight", TorchTensor.float32(new long[] {2, 1, 3, 3}, values(18, -1.25f)));
        sd.put("conv.bias", TorchTensor.float32(new long[] {2}, new float[] {Float.MIN_VALUE, -0f}));
        sd.put("bn.num_batches_tracked", new TorchTensor("int64", new long[0], new float[] {0}));
        sd.put("fc.weight", TorchTensor.float32(new long[] {10, 300}, values(3000, 0.001f)));
        Path file = dir.resolve("w.pt");
        TorchArchive.write(file, sd);
        assertEquals(sd, TorchArchive.read(file));
        byte[] bytes = Files.readAllBytes(file);
        try (var zip = new java.util.zip.ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                if (!e.getName().contains("/data/")) continue;
                // The data follows the local header: signature at some offset, then 30 + name + extra bytes.
                int at = indexOf(bytes, e.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8)) - 30;
                int nameLen = (bytes[at + 26] & 0xFF) | (bytes[at + 27] & 0xFF) << 8;
                int extraLen = (bytes[at + 28] & 0xFF) | (bytes[at + 29] & 0xFF) << 8;
                assertEquals(0, (at + 30 + nameLen + extraLen) % 64, e.getName() + " is not 64-byte aligned");
            }
        }
        // The same weights give the same bytes.
        Path again = dir.resolve("again.pt");
        TorchArchive.write(again, sd);
        assertArrayEquals(bytes, Files.readAllBytes(again));
    }

    @Test
    void saysWhatAFileIsWhenItIsNotAStateDict(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.pt"), "hello");
        assertTrue(assertThrows(ExchangeException.class, () -> TorchArchive.read(text)).getMessage().contains("not a PyTorch weights file"));
        Path legacy = Files.write(dir.resolve("old.pt"), new byte[] {(byte) 0x80, 2, 'c', 'x'});
        assertTrue(assertThrows(ExchangeException.class, () -> TorchArchive.read(legacy)).getMessage().contains("legacy format"));
        Path zip = dir.resolve("other.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write(1);
        }
        assertTrue(assertThrows(ExchangeException.class, () -> TorchArchive.read(zip)).getMessage().contains("without data.pkl"));
        byte[] truncated = Files.readAllBytes(fixture("state_dict.pt"));
        Path cut = Files.write(dir.resolve("cut.pt"), java.util.Arrays.copyOf(truncated, truncated.length / 2));
        ExchangeException e = assertThrows(ExchangeException.class, () -> TorchArchive.read(cut));
        assertTrue(e.getMessage().contains("cut.pt"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> TorchArchive.read(dir.resolve("missing.pt")));
    }

    private static float[] values(int n, float step) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i * step;
        return v;
    }

    private static int indexOf(byte[] haystack, byte[] needle) throws IOException {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IOException("not found");
    }
}
