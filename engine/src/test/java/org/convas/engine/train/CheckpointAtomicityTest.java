package org.convas.engine.train;

import org.convas.engine.model.Model;
import org.convas.engine.spec.AtomicFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A checkpoint save is atomic as a whole: the process is killed before every write, flush, rename and delete of
 * a save (in a child JVM), and the disk fills up at every step (a hook that fails as a full disk does); each time
 * the folder still loads as the previous checkpoint or the new one, complete, and the next save works.
 */
class CheckpointAtomicityTest {

    @AfterEach
    void noHook() {
        AtomicFiles.setStepHookForTests(null);
    }

    @Test
    void aKillAtAnyStepOfASaveLeavesTheOldOrTheNewCheckpointComplete(@TempDir Path tmp) throws Exception {
        // How many steps a save over an existing checkpoint takes (counted in this JVM).
        Path counted = tmp.resolve("count").resolve("run");
        CheckpointCrashProbe.save(counted, 1);
        AtomicInteger steps = new AtomicInteger();
        AtomicFiles.setStepHookForTests(step -> steps.incrementAndGet());
        CheckpointCrashProbe.save(counted, 2);
        AtomicFiles.setStepHookForTests(null);
        int n = steps.get();
        assertTrue(n > 10, "a save has a step before each write, flush and rename: " + n);

        // One child JVM per step, killed just before it (and one that runs to the end), a few at a time.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        List<java.util.concurrent.Future<Child>> children = new ArrayList<>();
        for (int stopAt = 1; stopAt <= n + 1; stopAt++) {
            Path dir = tmp.resolve("kill-" + stopAt).resolve("run");
            CheckpointCrashProbe.save(dir, 1);                       // the checkpoint a crash must not lose
            int at = stopAt;
            children.add(pool.submit(() -> runChild(dir, at, 2)));   // saving the next one, killed before step `at`
        }
        pool.shutdown();
        List<String> outcomes = new ArrayList<>();
        for (int stopAt = 1; stopAt <= n + 1; stopAt++) {
            Path dir = tmp.resolve("kill-" + stopAt).resolve("run");
            Child child = children.get(stopAt - 1).get(90, TimeUnit.SECONDS);
            assertEquals(stopAt <= n ? CheckpointCrashProbe.HALTED : 0, child.exit, child.output);
            int loaded = assertLoadsWhole(dir, "killed " + child.output);
            outcomes.add(loaded + " (" + child.output + ")");
            CheckpointCrashProbe.save(dir, 3);                        // the next save recovers and succeeds
            assertEquals(3, assertLoadsWhole(dir, "the save after the kill " + child.output));
            assertOnlyTheFolder(dir.getParent());
            if (stopAt > n) assertEquals(2, loaded, "a save that ran to the end");
        }
        // Killed before the swap the old one is kept; from the first rename on, the new one is complete.
        assertTrue(outcomes.get(0).startsWith("1 "), outcomes.toString());
        assertTrue(outcomes.get(n - 1).startsWith("2 "), outcomes.toString());
        assertTrue(outcomes.stream().anyMatch(o -> o.startsWith("1 ")) && outcomes.stream().anyMatch(o -> o.startsWith("2 ")));
    }

    @Test
    void aFullDiskAtAnyStepKeepsThePreviousCheckpointAndSaysWhy(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        for (int failAt = 1; ; failAt++) {
            clear(tmp);
            CheckpointCrashProbe.save(dir, 1);
            AtomicInteger steps = new AtomicInteger();
            int at = failAt;
            AtomicFiles.setStepHookForTests(step -> {
                if (steps.incrementAndGet() == at) throw new IOException("No space left on device");
            });
            boolean failed;
            try {
                CheckpointCrashProbe.save(dir, 2);
                failed = false;
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
                failed = true;
            } finally {
                AtomicFiles.setStepHookForTests(null);
            }
            int loaded = assertLoadsWhole(dir, "disk full at step " + failAt);
            if (!failed) {
                assertEquals(2, loaded);
                break;
            }
            // A failure before the swap keeps the previous checkpoint in place; a failure while deleting the old one
            // after the swap leaves the new one.
            assertTrue(loaded == 1 || loaded == 2);
            CheckpointCrashProbe.save(dir, 3);
            assertEquals(3, assertLoadsWhole(dir, "the save after a full disk"));
            assertOnlyTheFolder(tmp);
        }
    }

    @Test
    void aRealFullDiskIsReportedAndTheOldCheckpointKept() throws Exception {
        // A 64 KiB tmpfs needs root; on a machine where mounting is not allowed the hook test above stands for it.
        Path mount = Files.createTempDirectory("convas-full-disk");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs here (not root)");
        try {
            Path dir = mount.resolve("run");
            CheckpointCrashProbe.save(dir, 1);
            // Leave one page: the new version's four files need four.
            Files.write(mount.resolve("filler"), new byte[(int) Files.getFileStore(mount).getUsableSpace() - 4096]);
            IOException e = assertThrows(IOException.class, () -> CheckpointCrashProbe.save(dir, 2));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(1, assertLoadsWhole(dir, "after the disk filled up"));
            Files.delete(mount.resolve("filler"));
            CheckpointCrashProbe.save(dir, 3);
            assertEquals(3, assertLoadsWhole(dir, "after space was freed"));
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void aFolderWithOtherFilesIsNotReplaced(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("results");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> CheckpointCrashProbe.save(dir, 1));
        assertTrue(e.getMessage().contains("holds files that are not part of a checkpoint (notes.txt)"), e.getMessage());
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
        IOException early = assertThrows(IOException.class, () -> Checkpoint.checkWritable(dir));
        assertTrue(early.getMessage().contains("notes.txt"), early.getMessage());
    }

    @Test
    void theApplicationsNoteBesideACheckpointIsAcceptedAndKeptBySaves(@TempDir Path tmp) throws IOException {
        // The window notes what the weights were trained on; a run that checkpoints every epoch must not lose it.
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(Checkpoint.NOTE), "dataset=synthetic-bars\n");
        Checkpoint.checkWritable(dir);
        CheckpointCrashProbe.save(dir, 1);
        CheckpointCrashProbe.save(dir, 2);
        assertEquals(2, assertLoadsWhole(dir, "after two saves"));
        assertEquals("dataset=synthetic-bars\n", Files.readString(dir.resolve(Checkpoint.NOTE)));
        assertOnlyTheFolder(tmp);
    }

    @Test
    void tensorsWrittenStraightToAFileAreTheBytesEncodeGives() throws IOException {
        Model model = CheckpointCrashProbe.model(5);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long crc = TensorFile.writeTo(out, model.tensors());
        byte[] encoded = TensorFile.encode(model.tensors());
        assertArrayEquals(encoded, out.toByteArray());
        assertEquals(TensorFile.crc(encoded), crc);
    }

    /** Loads the folder; it must be one of the saved checkpoints, whole: its epochs and weights agree. */
    private static int assertLoadsWhole(Path dir, String when) {
        Checkpoint c;
        try {
            c = Checkpoint.load(dir);
        } catch (IOException e) {
            throw new AssertionError(when + ": the checkpoint does not load: " + e.getMessage(), e);
        }
        int epochs = c.progress().epochsCompleted();
        Model expected = CheckpointCrashProbe.model(epochs);
        for (Map.Entry<String, float[]> e : expected.tensors().entrySet()) {
            assertArrayEquals(e.getValue(), c.model().tensor(e.getKey()), 0f, when + ": " + e.getKey() + " of checkpoint " + epochs);
        }
        return epochs;
    }

    private static void assertOnlyTheFolder(Path tmp) throws IOException {
        try (Stream<Path> list = Files.list(tmp)) {
            assertEquals(List.of("run"), list.map(p -> p.getFileName().toString()).toList(), "no .new or .old folder left");
        }
    }

    private static void clear(Path tmp) throws IOException {
        try (Stream<Path> list = Files.list(tmp)) {
            for (Path p : list.toList()) AtomicFiles.deleteTree(p);
        }
    }

    private record Child(int exit, String output) {
    }

    private static Child runChild(Path dir, int stopAt, int epochs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", childClassPath(),
                CheckpointCrashProbe.class.getName(), dir.toString(), Integer.toString(stopAt), Integer.toString(epochs))
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the probe did not end");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new Child(p.exitValue(), out.isEmpty() ? "(no output)" : out.lines().reduce((a, b) -> b).orElse(out));
    }

    /**
     * The test's classes and their dependencies for a child JVM's class path: surefire runs the engine's tests on
     * the module path (engine has a module-info), so they are in jdk.module.path, not java.class.path.
     */
    private static String childClassPath() {
        return java.util.stream.Stream.of(System.getProperty("jdk.module.path"), System.getProperty("java.class.path"))
                .filter(s -> s != null && !s.isBlank())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }
}
