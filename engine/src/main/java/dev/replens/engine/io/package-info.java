/**
 * Weight files: reading and writing NumPy {@code .npz} ({@link dev.replens.engine.io.npz}),
 * importing the state dicts of official re-parameterizable blocks ({@link
 * dev.replens.engine.io.family}) and exporting fused kernels ({@link
 * dev.replens.engine.io.FusedExport}). Errors a user can cause are {@link
 * dev.replens.engine.io.WeightFileException}s whose messages name the file, the entry or key and
 * the shapes involved.
 */
package dev.replens.engine.io;
