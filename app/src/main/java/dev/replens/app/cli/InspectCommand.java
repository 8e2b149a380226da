package dev.replens.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.network.BlockReport;
import dev.replens.engine.network.Finding;
import dev.replens.engine.network.Int8Report;
import dev.replens.engine.network.NetworkReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replens inspect}: every re-parameterizable block of a whole network, how exactly it fuses,
 * how it quantizes, and what is wrong with the file.
 */
@Command(
    name = "inspect",
    description = {
      "Find every re-parameterizable block of a network checkpoint (.pth, .safetensors, .npz),"
          + " fuse it and judge the fused conv against its round-off bound.",
      "One row per block: prefix, family, fused weight shape, groups, branches, fused max |Δ|"
          + " and its bound, INT8 error per tensor / per channel, verdict. Then the findings.",
      "Exit 0 when every block is within round-off, 1 for a real mismatch, 2 on bad input."
    },
    mixinStandardHelpOptions = true)
final class InspectCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin NetworkInputs input;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      NetworkInputs.Inspected read = input.inspect(err);
      Checkpoint ckpt = read.checkpoint();
      NetworkReport report = read.report();
      ProgressBar bar = read.bar();
      bar.finish();
      if (json) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.println(m.writeValueAsString(toJson(ckpt, report)));
      } else {
        print(ckpt, report, out);
      }
      out.flush();
      return report.withinRoundOff() ? RepLensCli.OK : RepLensCli.TOLERANCE_EXCEEDED;
    } catch (BadInputException e) {
      out.flush();
      err.println("replens inspect: " + e.getMessage());
      err.flush();
      return RepLensCli.BAD_INPUT;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      err.println("replens inspect: can't write the report as JSON: " + e.getOriginalMessage());
      err.flush();
      return RepLensCli.BAD_INPUT;
    }
  }

  static void print(Checkpoint ckpt, NetworkReport r, PrintWriter out) {
    out.printf(
        "file     %s (%s, %d keys)%n",
        ckpt.file().getFileName(), ckpt.format().description(), ckpt.keys().size());
    int w = Math.max(6, r.blocks().stream().mapToInt(b -> b.prefix().length()).max().orElse(6));
    String row = "%-" + w + "s  %-12s %-8s %-12s %6s  %-36s %-9s %-9s %-15s %s%n";
    out.printf(
        Locale.ROOT,
        row,
        "prefix",
        "family",
        "form",
        "shape",
        "groups",
        "branches",
        "max|Δ|",
        "bound",
        "INT8 t/ch",
        "verdict");
    for (BlockReport b : r.blocks()) {
      out.printf(
          Locale.ROOT,
          row,
          b.prefix().isEmpty() ? "(root)" : b.prefix(),
          b.family().cliName(),
          b.deployForm() ? "deploy" : "training",
          b.outChannels() == 0 ? "?" : b.shapeText(),
          b.groups(),
          String.join(",", b.branches()),
          Double.isNaN(b.fusedMaxAbsDiff()) ? "-" : sci(b.fusedMaxAbsDiff()),
          Double.isNaN(b.fusedMaxAbsDiff()) ? "-" : sci(b.bound()),
          int8(b.int8()),
          verdict(b));
    }
    out.printf(
        "other    %d key%s outside any block (stem, classifier, plain convs), passed through%n",
        r.passThroughKeys(), r.passThroughKeys() == 1 ? "" : "s");
    if (!r.findings().isEmpty()) {
      out.println("findings");
      for (Finding f : r.findings()) {
        out.printf("  %-7s %s%n", f.severity(), f.message());
      }
    }
    long within =
        r.blocks().stream()
            .filter(b -> b.verdict().measured() && b.verdict().withinRoundOff())
            .count();
    out.printf(
        "summary  %d block%s, %d within round-off; %d error%s, %d warning%s%n",
        r.blocks().size(),
        r.blocks().size() == 1 ? "" : "s",
        within,
        r.errors().size(),
        r.errors().size() == 1 ? "" : "s",
        r.problems().size() - r.errors().size(),
        r.problems().size() - r.errors().size() == 1 ? "" : "s");
  }

  private static String verdict(BlockReport b) {
    if (b.verdict().measured()) {
      return b.verdict().text();
    }
    if (b.deployForm() && !b.hasErrors()) {
      return "already fused";
    }
    return b.hasErrors() ? "not converted: see findings" : "not measured";
  }

  private static String int8(Int8Report q) {
    if (q == null) {
      return "-";
    }
    return pct(q.perTensorError()) + "/" + pct(q.perChannelError());
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, v >= 0.1 ? "%.0f%%" : "%.2g%%", 100 * v);
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.2g", v);
  }

  /** The report as plain maps and lists, NaN as null. */
  static Map<String, Object> toJson(Checkpoint ckpt, NetworkReport r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("source", r.source());
    root.put("format", ckpt.format().description());
    root.put("keys", ckpt.keys().size());
    root.put("passThroughKeys", r.passThroughKeys());
    root.put("withinRoundOff", r.withinRoundOff());
    List<Object> blocks = new ArrayList<>();
    for (BlockReport b : r.blocks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("prefix", b.prefix());
      m.put("family", b.family().cliName());
      m.put("module", b.family().moduleName());
      m.put("deployForm", b.deployForm());
      m.put("outChannels", b.outChannels());
      m.put("inChannels", b.inChannels());
      m.put("kernel", b.kernel());
      m.put("groups", b.groups());
      m.put("stride", b.stride());
      m.put("padding", b.padding());
      m.put("branches", b.branches());
      m.put("fusedMaxAbsDiff", num(b.fusedMaxAbsDiff()));
      m.put("bound", b.verdict().measured() ? num(b.bound()) : null);
      m.put("withinRoundOff", b.verdict().measured() ? b.verdict().withinRoundOff() : null);
      m.put("verdict", verdict(b));
      m.put("status", b.status());
      if (b.int8() != null) {
        Int8Report q = b.int8();
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("perTensorError", num(q.perTensorError()));
        i.put("perChannelError", num(q.perChannelError()));
        i.put("dynamicRange", num(q.dynamicRange()));
        i.put("inflatingBranch", q.inflatingBranch());
        i.put("widestChannel", q.widestChannel());
        i.put("channelMin", q.channelMin());
        i.put("channelMax", q.channelMax());
        m.put("int8", i);
      } else {
        m.put("int8", null);
      }
      m.put("findings", b.findings().stream().map(InspectCommand::finding).toList());
      blocks.add(m);
    }
    root.put("blocks", blocks);
    root.put("findings", r.findings().stream().map(InspectCommand::finding).toList());
    return root;
  }

  private static Map<String, Object> finding(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("severity", f.severity().name());
    m.put("prefix", f.prefix());
    m.put("kind", f.kind());
    m.put("message", f.message());
    return m;
  }

  private static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
