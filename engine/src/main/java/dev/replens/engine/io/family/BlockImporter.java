package dev.replens.engine.io.family;

import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.WeightImportException;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.memory.MemoryBudget;
import dev.replens.engine.memory.TooLargeException;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightCheck;
import dev.replens.engine.model.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the state dict of an official re-parameterizable block, saved as {@code .npz}, into the
 * engine's model: one branch per official branch, each a chain of the engine's ops, with the file's
 * weights in the file's data type.
 *
 * <p>What the file can't say (stride, padding, groups; BN's epsilon, a constructor argument) comes
 * from the caller. The channels and kernel are checked against the weights, and optional branches
 * are inferred from the keys. Every problem (missing, unknown or mis-shaped key, NaN, a geometry
 * that contradicts the file) is reported in one {@link WeightImportException}.
 *
 * <p>Families and papers: see {@link Family}. The key layouts follow the official code as
 * documented in {@code tools/golden/KEYS.md}.
 */
public final class BlockImporter {

  private static final Logger LOG = LoggerFactory.getLogger(BlockImporter.class);

  private static final Map<Family, FamilyImporter> IMPORTERS = new EnumMap<>(Family.class);

  static {
    IMPORTERS.put(Family.REPVGG, new RepVggImporter());
    IMPORTERS.put(Family.ACB, new AcbImporter());
    IMPORTERS.put(Family.DBB, new DbbImporter());
    IMPORTERS.put(Family.OREPA, new OrepaImporter());
    IMPORTERS.put(Family.OREPA_1X1, new Orepa1x1Importer());
    IMPORTERS.put(Family.OREPA_REPVGG, new OrepaRepVggImporter());
    IMPORTERS.put(Family.OREPA_LARGE, new OrepaLargeImporter());
    IMPORTERS.put(Family.DYREP_DBB, new DyRepImporter());
  }

  private BlockImporter() {}

  /** {@link #load(Family, Path, Geometry, double)} with PyTorch's default BN epsilon, 1e-5. */
  public static ImportedBlock load(Family family, Path npz, Geometry geometry)
      throws WeightFileException {
    return load(family, npz, geometry, BatchNorm.DEFAULT_EPS);
  }

  /**
   * Reads an {@code .npz} state dict and imports it.
   *
   * @param family the official block the state dict belongs to
   * @param npz the file, as {@code numpy.savez(path, **state_dict)} writes it
   * @param geometry the block's constructor arguments
   * @param bnEps the epsilon of every BN of the block (not stored in a state dict)
   * @throws WeightFileException if the file can't be read
   * @throws WeightImportException (a subclass) listing every way the file doesn't fit the family
   *     and the geometry
   */
  public static ImportedBlock load(Family family, Path npz, Geometry geometry, double bnEps)
      throws WeightFileException {
    return load(family, NpzReader.read(npz), geometry, bnEps);
  }

  /** Imports a state dict that was already read. */
  public static ImportedBlock load(
      Family family, NpzArchive archive, Geometry geometry, double bnEps)
      throws WeightImportException {
    if (!(bnEps > 0) || Double.isInfinite(bnEps)) {
      throw new IllegalArgumentException("BN eps must be positive, not " + bnEps);
    }
    FamilyImporter importer = IMPORTERS.get(family);
    StateDict sd = new StateDict(archive);
    String what = family.describe();
    boolean f64 = sd.dtype() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
    Optional<String> tooLarge =
        MemoryBudget.ofThisMachine()
            .check(
                "this block's fused kernel",
                "blocks",
                f64 ? "float64" : "float32",
                f64 ? 8 : 4,
                geometry.outChannels(),
                geometry.inPerGroup(),
                geometry.kernel(),
                geometry.kernel());
    if (tooLarge.isPresent()) {
      throw new WeightImportException(archive.file(), what, List.of(tooLarge.get()));
    }
    try {
      return build(family, importer, sd, archive, geometry, bnEps, what);
    } catch (TooLargeException e) {
      throw new WeightImportException(archive.file(), what, List.of(e.getMessage()));
    }
  }

  private static ImportedBlock build(
      Family family,
      FamilyImporter importer,
      StateDict sd,
      NpzArchive archive,
      Geometry geometry,
      double bnEps,
      String what)
      throws WeightImportException {

    List<String> geometryProblems = importer.checkGeometry(sd, geometry);
    if (!sd.has(importer.primaryKey())) {
      geometryProblems.add(0, notThisFamily(sd, family, importer));
    }
    if (!geometryProblems.isEmpty()) {
      geometryProblems.add(
          "(with the geometry " + geometry.describe() + "; the keys were not checked further)");
      throw new WeightImportException(archive.file(), what, geometryProblems);
    }

    BlockBuilder b = new BlockBuilder(sd, geometry, bnEps);
    importer.build(b);
    List<String> problems = sd.problems(family.moduleName(), importer::hint);
    if (!problems.isEmpty()) {
      throw new WeightImportException(archive.file(), what, problems);
    }

    BlockSpec spec = b.spec();
    List<String> invalid =
        Validator.validate(spec).stream()
            .filter(Problem::isError)
            .map(p -> p.location() + ": " + p.message())
            .toList();
    if (!invalid.isEmpty()) {
      throw new WeightImportException(archive.file(), what, invalid);
    }
    Weights weights = Weights.of(b.weights(), sd.dtype()).restrictTo(spec);
    List<String> values = WeightCheck.valueProblems(spec, weights);
    if (!values.isEmpty()) {
      throw new WeightImportException(archive.file(), what, values);
    }
    List<String> mismatch = WeightCheck.problems(spec, weights);
    if (!mismatch.isEmpty()) {
      throw new IllegalStateException(
          "the " + family + " importer built weights that don't fit its design: " + mismatch);
    }

    List<String> notes = new ArrayList<>(b.notes());
    long counters = sd.counters();
    if (counters > 0) {
      notes.add(
          "Skipped "
              + counters
              + " BN counter"
              + (counters == 1 ? "" : "s")
              + " (num_batches_tracked, 0-d int64); eval mode doesn't use them.");
    }
    List<String> scalars = sd.unusualScalars();
    if (!scalars.isEmpty()) {
      notes.add("Skipped 0-d entries that are not BN counters: " + String.join(", ", scalars));
    }
    notes.add(
        "Every BN uses eps = "
            + bnEps
            + " (a constructor argument; state dicts don't store it). Weights are "
            + StateDict.typeName(sd.dtype())
            + " as in the file.");
    LOG.info(
        "imported {} from {}: {} branches, {} weights, {}",
        family,
        archive.file().getFileName(),
        spec.branches().size(),
        weights.keys().size(),
        StateDict.typeName(sd.dtype()));
    return new ImportedBlock(spec, weights, notes);
  }

  private static String notThisFamily(StateDict sd, Family family, FamilyImporter importer) {
    StringBuilder sb =
        new StringBuilder("the file has no '")
            .append(importer.primaryKey())
            .append("', which every ")
            .append(family.moduleName())
            .append(" state dict has");
    for (Map.Entry<Family, FamilyImporter> e : IMPORTERS.entrySet()) {
      if (e.getKey() != family && sd.has(e.getValue().primaryKey())) {
        sb.append("; its keys look like family '").append(e.getKey().cliName()).append("'");
        break;
      }
    }
    return sb.toString();
  }
}
