package org.convas.app.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    @Test
    void shortLenetRunPrintsTheTableWithoutPeer() {
        CliTest.Run r = CliTest.run("bench", "--net", "lenet", "--limit", "128", "--threads", "1", "--no-peer", "--no-gemm");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Data: "), r.out());
        assertTrue(r.out().contains("\"engine\": \"convas\", \"net\": \"lenet\""), r.out());
        String row = r.out().lines().filter(l -> l.startsWith("lenet ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(row.contains(" 128 "), "128 training images: " + row);
        assertTrue(row.contains(" - "), "no peer figures, so no ratio: " + row);
        assertTrue(r.out().contains("Load average at the start: "), r.out());
    }

    @Test
    void unknownNetIsRefused() {
        CliTest.Run r = CliTest.run("bench", "--net", "resnet");
        assertEquals(Cli.USAGE, r.code());
        assertTrue(r.err().contains("--net must be lenet, vgglite or all (it is \"resnet\")"), r.err());
    }
}
