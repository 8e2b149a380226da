package dev.replens.views.graph;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Op;
import dev.replens.views.palette.OpKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The topology of a block as drawn: nodes, lanes and edges, derived from a {@link BlockSpec}. No
 * geometry here; see {@link GraphLayout}.
 *
 * <p>Every node and lane has a unique key. It equals the element's {@link GraphElement} address
 * except when a design repeats an id (which validation reports): the repeat then gets a key with a
 * {@code ~index} suffix so that both can be drawn, while its {@link NodeInfo#ref() ref} keeps the
 * id.
 */
final class GraphModel {

  /** What a node stands for. */
  enum Role {
    INPUT,
    OP,
    POST_OP,
    SUM,
    ACTIVATION,
    OUTPUT
  }

  /**
   * A node.
   *
   * @param key unique key
   * @param ref the element's address (selection, problems, highlight)
   * @param role what it stands for
   * @param laneKey the key of its lane, or null outside lanes
   * @param index its index in its branch or in the post ops, or -1
   * @param op the op, or null for fixed nodes
   * @param kind the op's kind, or null for fixed nodes
   * @param title the main label, e.g. "conv 3x3"
   * @param subtitle the second label (op id, channel count)
   */
  record NodeInfo(
      GraphElement key,
      GraphElement ref,
      Role role,
      GraphElement laneKey,
      int index,
      Op op,
      OpKind kind,
      String title,
      String subtitle) {}

  /**
   * A lane: one branch.
   *
   * @param key unique key ({@link GraphElement#branch})
   * @param ref the branch's address
   * @param index the branch index
   * @param ops the op node keys, first op first
   */
  record Lane(GraphElement key, GraphElement ref, int index, List<GraphElement> ops) {
    String branchId() {
      return ref.branchId();
    }
  }

  /**
   * An arrow.
   *
   * @param from the node it leaves
   * @param to the node it enters
   * @param via the lane it runs through when that lane is empty, else null
   * @param label the channel count it carries when that changed, else null
   */
  record Edge(GraphElement from, GraphElement to, GraphElement via, String label) {
    String id() {
      return from + "→" + to + (via == null ? "" : "@" + via);
    }
  }

  private final BlockSpec spec;
  private final Map<GraphElement, NodeInfo> nodes;
  private final List<Lane> lanes;
  private final List<GraphElement> post;
  private final List<Edge> edges;

  private GraphModel(
      BlockSpec spec,
      Map<GraphElement, NodeInfo> nodes,
      List<Lane> lanes,
      List<GraphElement> post,
      List<Edge> edges) {
    this.spec = spec;
    this.nodes = Collections.unmodifiableMap(nodes);
    this.lanes = List.copyOf(lanes);
    this.post = List.copyOf(post);
    this.edges = List.copyOf(edges);
  }

  /** The empty graph: no block. */
  static GraphModel empty() {
    return new GraphModel(null, new LinkedHashMap<>(), List.of(), List.of(), List.of());
  }

  /** The graph of a block. */
  static GraphModel of(BlockSpec spec) {
    if (spec == null) {
      return empty();
    }
    Map<GraphElement, NodeInfo> nodes = new LinkedHashMap<>();
    List<Lane> lanes = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    nodes.put(
        GraphElement.INPUT,
        fixed(GraphElement.INPUT, Role.INPUT, "input", spec.inChannels() + " ch"));
    Set<String> laneIds = new HashSet<>();
    for (int bi = 0; bi < spec.branches().size(); bi++) {
      Branch b = spec.branches().get(bi);
      String laneId = laneIds.add(b.id()) ? b.id() : b.id() + "~" + bi;
      GraphElement laneKey = GraphElement.branch(laneId);
      int[] ch = b.channelsThrough(spec.inChannels());
      List<GraphElement> opKeys = new ArrayList<>();
      Set<String> opIds = new HashSet<>();
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        String opId = opIds.add(op.id()) ? op.id() : op.id() + "~" + i;
        GraphElement key = GraphElement.op(laneId, opId);
        nodes.put(
            key,
            new NodeInfo(
                key,
                GraphElement.op(b.id(), op.id()),
                Role.OP,
                laneKey,
                i,
                op,
                OpKind.of(op, ch[i]),
                op.describe(),
                subtitle(op)));
        opKeys.add(key);
      }
      lanes.add(new Lane(laneKey, GraphElement.branch(b.id()), bi, opKeys));
      if (opKeys.isEmpty()) {
        edges.add(new Edge(GraphElement.INPUT, GraphElement.SUM, laneKey, null));
        continue;
      }
      edges.add(new Edge(GraphElement.INPUT, opKeys.get(0), null, null));
      for (int i = 0; i < opKeys.size(); i++) {
        GraphElement to = i + 1 < opKeys.size() ? opKeys.get(i + 1) : GraphElement.SUM;
        String label = ch[i + 1] != ch[i] ? ch[i + 1] + " ch" : null;
        edges.add(new Edge(opKeys.get(i), to, null, label));
      }
    }
    nodes.put(GraphElement.SUM, fixed(GraphElement.SUM, Role.SUM, "Σ", ""));
    List<GraphElement> post = new ArrayList<>();
    Set<String> postIds = new HashSet<>();
    GraphElement prev = GraphElement.SUM;
    for (int i = 0; i < spec.post().size(); i++) {
      Op op = spec.post().get(i);
      String opId = postIds.add(op.id()) ? op.id() : op.id() + "~" + i;
      GraphElement key = GraphElement.postOp(opId);
      nodes.put(
          key,
          new NodeInfo(
              key,
              GraphElement.postOp(op.id()),
              Role.POST_OP,
              null,
              i,
              op,
              OpKind.of(op, spec.outChannels()),
              op.describe(),
              subtitle(op)));
      post.add(key);
      edges.add(new Edge(prev, key, null, null));
      prev = key;
    }
    if (spec.activation() != Activation.NONE) {
      nodes.put(
          GraphElement.ACTIVATION,
          fixed(GraphElement.ACTIVATION, Role.ACTIVATION, spec.activation().label(), "activation"));
      edges.add(new Edge(prev, GraphElement.ACTIVATION, null, null));
      prev = GraphElement.ACTIVATION;
    }
    nodes.put(
        GraphElement.OUTPUT,
        fixed(GraphElement.OUTPUT, Role.OUTPUT, "output", spec.outChannels() + " ch"));
    edges.add(new Edge(prev, GraphElement.OUTPUT, null, null));
    return new GraphModel(spec, nodes, lanes, post, edges);
  }

  /** The op id, and whether a conv adds a bias (the fused conv does). */
  private static String subtitle(Op op) {
    return op instanceof Conv c && c.bias() ? op.id() + " · +bias" : op.id();
  }

  private static NodeInfo fixed(GraphElement key, Role role, String title, String subtitle) {
    return new NodeInfo(key, key, role, null, -1, null, null, title, subtitle);
  }

  /** The block, or null for the empty graph. */
  BlockSpec spec() {
    return spec;
  }

  /** Every node by key, in drawing order. */
  Map<GraphElement, NodeInfo> nodes() {
    return nodes;
  }

  /** The node with this key, or null. */
  NodeInfo node(GraphElement key) {
    return nodes.get(key);
  }

  /** The lanes, top to bottom. */
  List<Lane> lanes() {
    return lanes;
  }

  /** The lane with this key, or null. */
  Lane lane(GraphElement key) {
    for (Lane l : lanes) {
      if (l.key().equals(key)) {
        return l;
      }
    }
    return null;
  }

  /** The post op keys, in order. */
  List<GraphElement> post() {
    return post;
  }

  /** The arrows. */
  List<Edge> edges() {
    return edges;
  }

  /** The longest chain's length (at least 1, so an empty block still has room for a drop). */
  int columns() {
    return Math.max(1, lanes.stream().mapToInt(l -> l.ops().size()).max().orElse(1));
  }
}
