package org.convas.app.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.convas.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {

    /** The outcome of one run: exit code and both streams. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.cli().run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A network written by hand (not by NetworkJson.write), so the test does not trust the writer. */
    private static final String STRIDE_THREE_ON_SEVEN = """
            {"format": "convas-network", "version": 1, "name": "Stride three",
             "nodes": [
               {"id": "input", "type": "input", "width": 7, "height": 7, "depth": 1},
               {"id": "conv1", "type": "conv2d", "inputs": ["input"], "filters": 4, "kernel": 3, "stride": 3, "padding": 0},
               {"id": "fc", "type": "fc", "inputs": ["conv1"], "units": 10}
             ]}
            """;

    private static String lineOf(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError("no line starts with " + start + " in\n" + text));
    }

    @Test
    void summaryOfLeNet5PrintsTheLectureNumbersAligned() {
        Run r = run("summary", "lenet5");
        assertEquals(Cli.OK, r.code(), r.err());
        String conv1 = lineOf(r.out(), "conv1 ");
        assertTrue(conv1.contains("28×28×6"), conv1);
        assertTrue(conv1.contains("(32 − 5 + 2·0)/1 + 1 = 28"), conv1);
        assertTrue(conv1.contains(" 156 "), conv1);
        assertTrue(conv1.contains("(5·5·1 + 1)·6 = 156"), conv1);
        assertTrue(conv1.contains("117.6K"), "conv1 MACs: 28·28·6 outputs × 5·5·1 = 117,600");
        assertTrue(lineOf(r.out(), "conv2 ").contains("(5·5·6 + 1)·16 = 2,416"));
        assertTrue(lineOf(r.out(), "fc1 ").contains("(400 + 1)·120 = 48,120"));
        // Columns line up: conv1's output shape starts where the header's "Output" does.
        String header = lineOf(r.out(), "Layer ");
        assertEquals(header.indexOf("Output"), conv1.indexOf("28×28×6"));
        // LeNet-5's totals: 156 + 2,416 + 48,120 + 10,164 + 850 parameters; 117,600 + 240,000 + 48,000 + 10,080 + 840 MACs.
        assertTrue(r.out().contains("61,706 (weights 61,470 + biases 236)"), r.out());
        assertTrue(r.out().contains("416.5K (416,520)"), r.out());
        assertTrue(lineOf(r.out(), "Training, batch 64:").contains("with SGD + momentum"));
        assertTrue(r.out().contains("No problems: every layer fits."));
        assertEquals("", r.err());
    }

    @Test
    void batchOptionChangesTheTrainingMemoryLine() {
        Run r = run("summary", "LeNet-5", "--batch", "128");
        assertEquals(Cli.OK, r.code(), r.err());
        assertTrue(r.out().contains("Training, batch 128:"), r.out());
        assertEquals(Cli.OK, run("summary", "lenet5", "--batch=8").code());
    }

    @Test
    void strideThreeOnSevenBySevenExitsOneWithTheMessage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("stride3.json");
        Files.writeString(file, STRIDE_THREE_ON_SEVEN);
        Run r = run("summary", file.toString());
        assertEquals(Cli.INVALID_NETWORK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Problems: 1 error, 0 warnings"), r.out());
        assertTrue(r.out().contains("error at conv1, stride: (7 − 3 + 2·0)/3 + 1 = 2.33: a 3×3 filter at stride 3 does not fit"
                + " a 7×7 input; padding 1, stride 2, same padding or floor mode (a network setting) would fit"), r.out());
        assertTrue(lineOf(r.out(), "conv1 ").contains(" ? "), "the unknown output shows a question mark");
        assertTrue(r.out().contains("Totals count only the layers whose output shape is known"));
    }

    @Test
    void aDeviceIsRefusedInsteadOfReadForever() {
        Run r = run("summary", "/dev/zero");
        assertEquals(Cli.USAGE, r.code());
        assertEquals("summary: cannot read /dev/zero: larger than the 16 MiB a network file may have (it is a device or a"
                + " pipe, not a file)", r.err().trim());
    }

    @Test
    void hugeNumbersAreRefusedWithTheFieldsLimit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pad.json");
        Files.writeString(file, STRIDE_THREE_ON_SEVEN.replaceFirst("\"stride\": \\d+", "\"stride\": 2147483648"));
        Run r = run("summary", file.toString());
        assertEquals(Cli.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("field \"stride\": 2147483648 is too large: stride must be at most 65,536"), r.err());
    }

    @Test
    void truncatedFileExitsTwoNamingTheFileAndThePlace(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cut.json");
        Files.writeString(file, STRIDE_THREE_ON_SEVEN.substring(0, STRIDE_THREE_ON_SEVEN.indexOf("\"stride\"")));
        Run r = run("summary", file.toString());
        assertEquals(Cli.USAGE, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(file + ": not valid JSON: the file ends too early (truncated?)"), r.err());
        assertTrue(r.err().contains("line 4"), "Gson names the line where the text stops: " + r.err());
    }

    @Test
    void mistypedFieldExitsTwoNamingNodeAndField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("typo.json");
        Files.writeString(file, STRIDE_THREE_ON_SEVEN.replace("\"stride\": 3", "\"stride\": \"three\""));
        Run r = run("summary", file.toString());
        assertEquals(Cli.USAGE, r.code());
        assertTrue(r.err().startsWith(file + ", node \"conv1\", field \"stride\":"), r.err());
    }

    @Test
    void missingFileOrUnknownNameExitsTwo(@TempDir Path dir) {
        Run missing = run("summary", dir.resolve("nothing.json").toString());
        assertEquals(Cli.USAGE, missing.code());
        assertTrue(missing.err().contains("nothing.json: no such file"), missing.err());

        Run unknown = run("summary", "lenet6");
        assertEquals(Cli.USAGE, unknown.code());
        assertTrue(unknown.err().contains("no preset or file named \"lenet6\"; the presets are lenet5"), unknown.err());
    }

    @Test
    void badOptionsExitTwoWithUsage() {
        for (List<String> args : List.of(List.of("summary"), List.of("summary", "lenet5", "--batch", "0"),
                List.of("summary", "lenet5", "--batch"), List.of("summary", "lenet5", "--batch", "lots"),
                List.of("summary", "lenet5", "--verbose"), List.of("summary", "lenet5", "lenet5"))) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(Cli.USAGE, r.code(), args.toString());
            assertTrue(r.err().contains("Usage: summary <preset|file.json>"), args + ": " + r.err());
        }
        assertTrue(run("summary", "lenet5", "--batch", "0").err().contains("--batch must be at least 1 (it is 0)"));
    }

    @Test
    void jsonParsesBackWithPerLayerFieldsAndTotals() {
        Run r = run("summary", "lenet5", "--json", "--batch", "32");
        assertEquals(Cli.OK, r.code(), r.err());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("LeNet-5", root.get("name").getAsString());
        assertTrue(root.get("valid").getAsBoolean());
        JsonObject conv1 = root.getAsJsonArray("layers").get(1).getAsJsonObject();
        assertEquals("conv1", conv1.get("id").getAsString());
        assertEquals("conv2d", conv1.get("type").getAsString());
        assertEquals(28, conv1.getAsJsonObject("output").get("width").getAsInt());
        assertEquals(6, conv1.getAsJsonObject("output").get("depth").getAsInt());
        assertEquals("(32 − 5 + 2·0)/1 + 1 = 28", conv1.get("shapeFormula").getAsString());
        assertEquals(150, conv1.get("weights").getAsLong());
        assertEquals(6, conv1.get("biases").getAsLong());
        assertEquals(156, conv1.get("parameters").getAsLong());
        assertEquals(117_600, conv1.get("macs").getAsLong());
        assertEquals(28 * 28 * 6 * 4, conv1.get("memoryBytes").getAsLong());
        assertEquals(5, conv1.getAsJsonObject("receptiveField").get("width").getAsInt());
        JsonObject totals = root.getAsJsonObject("totals");
        assertEquals(61_706, totals.get("parameters").getAsLong());
        assertEquals(416_520, totals.get("macs").getAsLong());
        JsonObject memory = root.getAsJsonObject("trainingMemory");
        assertEquals(32, memory.get("batch").getAsInt());
        // 32 images × activations × (value + gradient) × 4 bytes, plus parameters, gradients and momentum.
        long expected = 32L * totals.get("activations").getAsLong() * 8 + 3L * 61_706 * 4;
        assertEquals(expected, memory.get("totalBytes").getAsLong());
        assertEquals(0, root.getAsJsonArray("problems").size());
    }

    @Test
    void jsonOfAnInvalidNetworkListsTheProblemAndExitsOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("stride3.json");
        Files.writeString(file, STRIDE_THREE_ON_SEVEN);
        Run r = run("summary", file.toString(), "--json");
        assertEquals(Cli.INVALID_NETWORK, r.code());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertFalse(root.get("valid").getAsBoolean());
        JsonArray problems = root.getAsJsonArray("problems");
        assertEquals(1, problems.size());
        JsonObject p = problems.get(0).getAsJsonObject();
        assertEquals("error", p.get("severity").getAsString());
        assertEquals("conv1", p.get("node").getAsString());
        assertEquals("stride", p.get("field").getAsString());
        assertEquals("fit", p.get("rule").getAsString());
        assertEquals("padding 1, stride 2, same padding or floor mode (a network setting)", p.get("fix").getAsString());
        assertEquals(4, p.getAsJsonArray("fixes").size());
        assertEquals("padding 1", p.getAsJsonArray("fixes").get(0).getAsString());
        assertTrue(root.getAsJsonArray("layers").get(1).getAsJsonObject().get("output").isJsonNull());
    }

    @Test
    void presetsListsKeyTitleParametersMacsAndDescription() {
        Run r = run("presets");
        assertEquals(Cli.OK, r.code(), r.err());
        String lenet = lineOf(r.out(), "lenet5");
        assertTrue(lenet.contains("LeNet-5"), lenet);
        assertTrue(lenet.contains("61,706"), lenet);
        assertTrue(lenet.contains("416.5K"), lenet);
        assertTrue(lenet.contains("LeCun et al. 1998"), lenet);
        assertEquals(Cli.USAGE, run("presets", "extra").code());
    }

    @Test
    void helpListsTheCommandsAndUnknownCommandsExitTwo() {
        for (String help : List.of("help", "--help", "-h")) {
            Run r = run(help);
            assertEquals(Cli.OK, r.code());
            assertTrue(r.out().contains("summary <preset|file.json> [--batch N] [--json]"), r.out());
            assertTrue(r.out().contains("presets"));
            assertTrue(r.out().contains("gui [preset|file.json]"));
        }
        Run unknown = run("tarin");
        assertEquals(Cli.USAGE, unknown.code());
        assertTrue(unknown.err().startsWith("unknown command \"tarin\""), unknown.err());
        assertTrue(unknown.err().contains("Usage: ./convas [command] [arguments]"));
        assertEquals("", unknown.out());
        Run commandHelp = run("summary", "--help");
        assertEquals(Cli.OK, commandHelp.code());
        assertTrue(commandHelp.out().startsWith("Usage: ./convas summary <preset|file.json>"));
    }

    @Test
    void helpReadsInAHundredColumnsAndNeverSplitsAnOption() {
        for (String text : List.of(run("help").out(), run("train", "--help").out(), run("bench", "--help").out(),
                run("export", "--help").out(), run("import", "--help").out())) {
            for (String line : text.split("\n")) {
                assertTrue(line.length() <= Cli.WIDTH, "longer than " + Cli.WIDTH + " columns: " + line);
                // An option's bracket opens and closes on the same line.
                assertEquals(line.chars().filter(ch -> ch == '[').count(), line.chars().filter(ch -> ch == ']').count(), line);
            }
        }
        String help = run("help").out();
        // Each command's description sits on its own indented line, under the command, not padded beside it.
        assertTrue(help.contains("\n  presets\n      list the preset networks"), help);
        assertTrue(help.contains("\n  train <preset|file.json> --data <dataset> [--epochs N]"), help);
        assertTrue(help.contains(" [--optimizer sgd|momentum|nesterov|adam|rmsprop|adagrad]"), help);
        assertFalse(help.contains("    ".repeat(10)), "no row padded to the longest usage line");
    }

    @Test
    void guiWithAnUnreadableNetworkFailsInTheTerminalWithoutOpeningAWindow(@TempDir Path dir) {
        Run r = run("gui", dir.resolve("absent.json").toString());
        assertEquals(Cli.USAGE, r.code());
        assertTrue(r.err().contains("absent.json: no such file"), r.err());
        assertEquals(Cli.USAGE, run("gui", "lenet5", "lenet5").code());
    }

    @Test
    void twoCommandsWithOneNameAreRefused() {
        var c = new PresetsCommand();
        assertEquals("two commands are named presets",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Cli("x", List.of(c, c))).getMessage());
    }
}
