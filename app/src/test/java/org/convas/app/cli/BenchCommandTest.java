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
    void roundsRepeatTheMeasurementAndReportMedians() {
        CliTest.Run r = CliTest.run("bench", "--net", "lenet", "--limit", "128", "--threads", "1", "--rounds", "3", "--no-peer", "--no-gemm");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("(round 3 of 3)"), r.out());
        assertEquals(3, r.out().lines().filter(l -> l.contains("\"engine\": \"convas\"")).count(), r.out());
        assertTrue(r.out().contains("Medians of 3 rounds"), r.out());
        CliTest.Run zero = CliTest.run("bench", "--rounds", "0");
        assertEquals(Cli.USAGE, zero.code());
        assertTrue(zero.err().contains("--rounds"), zero.err());
    }

    @Test
    void bestThreadsMeasuresEveryThreadCountUpToTheCores() {
        CliTest.Run r = CliTest.run("bench", "--net", "lenet", "--limit", "128", "--threads", "best", "--no-peer", "--no-gemm");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(cores, r.out().lines().filter(l -> l.startsWith("lenet ")).count(), r.out());
        CliTest.Run bad = CliTest.run("bench", "--threads", "most");
        assertEquals(Cli.USAGE, bad.code());
        assertTrue(bad.err().contains("(or best)"), bad.err());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, BenchCommand.median(java.util.List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(3.0, BenchCommand.median(java.util.List.of(5.0, 3.0, 1.0)));
        assertTrue(Double.isNaN(BenchCommand.median(java.util.List.of())));
    }

    @Test
    void unknownNetIsRefused() {
        CliTest.Run r = CliTest.run("bench", "--net", "resnet50");
        assertEquals(Cli.USAGE, r.code());
        assertTrue(r.err().contains("--net must be lenet, vgglite, resnet, mobilenet, cifarsmall or all (it is \"resnet50\")"), r.err());
    }

    @Test
    void profilePrintsEveryLayersForwardAndBackwardTime() {
        CliTest.Run r = CliTest.run("bench", "--net", "lenet", "--limit", "256", "--threads", "1", "--profile", "--no-peer", "--no-gemm");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Profile of lenet on 1 thread"), r.out());
        String conv = r.out().lines().filter(l -> l.startsWith("conv2 ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(conv.matches("conv2 +Conv 5×5/1, 16 +10×10×16( +[0-9,]+\\.[0-9]){4} +[0-9.]+"), conv);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("relu2 +ReLU +10×10×16 +in conv +in conv")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("other ")), r.out());
        assertTrue(r.out().contains("CPU: "), r.out());
    }

    @Test
    void theOtherNetsTrainToo() {
        CliTest.Run r = CliTest.run("bench", "--net", "resnet", "--limit", "128", "--threads", "2", "--no-peer", "--no-gemm");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("resnet ")), r.out());
        CliTest.Run c = CliTest.run("bench", "--net", "cifarsmall", "--limit", "128", "--threads", "1", "--no-peer", "--no-gemm");
        assertEquals(Cli.OK, c.code(), c.out() + c.err());
        assertTrue(c.out().contains("\"net\": \"cifarsmall\""), c.out());
    }

    @Test
    void isaTakesAvx2OrNative() {
        CliTest.Run bad = CliTest.run("bench", "--isa", "sse");
        assertEquals(Cli.USAGE, bad.code());
        assertTrue(bad.err().contains("--isa must be avx2 or native (it is \"sse\")"), bad.err());
        CliTest.Run r = CliTest.run("bench", "--net", "lenet", "--limit", "128", "--threads", "1", "--isa", "avx2", "--no-peer", "--no-gemm");
        assertEquals(Cli.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ISA: AVX2 for PyTorch"), r.out());
    }
}
