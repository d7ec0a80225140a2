package org.convas.engine.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {

    @Test
    void aNewFileGetsTheUsersDefaultPermissionsNotOwnerOnly(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        // The oracle: what any program's new file gets here (the umask), not a number written into the test.
        Path plain = Files.createFile(dir.resolve("plain.txt"));
        Path saved = dir.resolve("net.convas.json");
        AtomicFiles.writeString(saved, "{}");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(saved));
        assertEquals("{}", Files.readString(saved));
        assertEquals(2, countFiles(dir), "no temporary file left behind");
    }

    @Test
    void aFileMadePrivateStaysPrivateWhenWrittenOver(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path saved = dir.resolve("secret.json");
        AtomicFiles.writeString(saved, "old");
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        Files.setPosixFilePermissions(saved, ownerOnly);
        AtomicFiles.writeString(saved, "new");
        assertEquals(ownerOnly, Files.getPosixFilePermissions(saved));
        assertEquals("new", Files.readString(saved));
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rw-rw-r--");
        Files.setPosixFilePermissions(saved, shared);
        AtomicFiles.writeString(saved, "newer");
        assertEquals(shared, Files.getPosixFilePermissions(saved));
    }

    private static long countFiles(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }
}
