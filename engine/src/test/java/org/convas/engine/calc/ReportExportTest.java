package org.convas.engine.calc;

import org.convas.engine.spec.LayerSpec;
import org.convas.engine.spec.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportExportTest {

    private static NetworkReport alexNetConv1() {
        return Calculator.analyze(NetworkSpec.builder("AlexNet head").input(227, 227, 3)
                .add("conv1", LayerSpec.Conv2D.of(96, 11, 4, 0)).build());
    }

    @Test
    void csvHasPlainNumbersASpreadsheetCanSumAndTheLectureFigures() {
        String[] lines = ReportExport.toCsv(alexNetConv1()).split("\r\n");
        assertEquals(4, lines.length);
        assertEquals("Layer,Type,Output,Formula,Params,Param formula,MACs,Memory (bytes),Receptive field", lines[0]);
        // 55·55·96 outputs, each 11·11·3 MACs = 105,415,200; memory 55·55·96·4 B = 1,161,600 B.
        assertEquals("conv1,\"Conv 11×11/4, 96\",55×55×96,(227 − 11 + 2·0)/4 + 1 = 55,34944,"
                + "\"(11·11·3 + 1)·96 = 34,944\",105415200,1161600,11×11 (jump 4)", lines[2]);
        // input 227·227·3·4 B = 618,348 B, plus conv1's 1,161,600 B.
        assertEquals("total,,,,34944,,105415200,1779948,", lines[3]);
    }

    @Test
    void csvDoublesQuotesInsideQuotedCells() {
        assertEquals("\"say \"\"hi\"\", ok\"", ReportExport.csvCell("say \"hi\", ok"));
        assertEquals("plain", ReportExport.csvCell("plain"));
    }

    @Test
    void markdownHasHeaderSeparatorAndEscapedPipes() {
        String md = ReportExport.toMarkdown(alexNetConv1());
        String[] lines = md.split("\n");
        assertEquals("# AlexNet head", lines[0]);
        assertEquals("| Layer | Output | Formula | Params | Param formula | MACs | Memory | Receptive field |", lines[2]);
        assertEquals("|---|--:|---|--:|---|--:|--:|--:|", lines[3]);
        assertTrue(lines[5].startsWith("| conv1 (Conv 11×11/4, 96) | 55×55×96 | (227 − 11 + 2·0)/4 + 1 = 55 | 34,944 |"), lines[5]);
        assertEquals("a \\| b", ReportExport.markdownCell("a | b"));
    }

    @Test
    void unknownShapeIsWrittenAsUnknownNotAsANumber() {
        NetworkReport r = Calculator.analyze(NetworkSpec.builder("bad").input(7, 7, 1)
                .add("conv1", LayerSpec.Conv2D.of(1, 3, 3, 0)).add("relu1", new LayerSpec.ReLU()).build());
        String csv = ReportExport.toCsv(r);
        assertTrue(csv.contains("\r\nrelu1,ReLU,unknown,"), csv);
    }

    @Test
    void writesFilesAtomicallyInUtf8(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("out/summary.csv");
        ReportExport.writeCsv(alexNetConv1(), csv);
        assertEquals(ReportExport.toCsv(alexNetConv1()), Files.readString(csv, StandardCharsets.UTF_8));
        Path md = dir.resolve("summary.md");
        ReportExport.writeMarkdown(alexNetConv1(), md);
        assertTrue(Files.readString(md).contains("| total |"));
    }
}
