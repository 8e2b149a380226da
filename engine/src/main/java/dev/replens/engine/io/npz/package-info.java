/**
 * NumPy {@code .npz} archives (zips of {@code .npy} arrays): {@link
 * dev.replens.engine.io.npz.NpzReader} keeps float32/float64 as they are and skips 0-d entries,
 * {@link dev.replens.engine.io.npz.NpzWriter} writes what {@code numpy.load} reads, atomically.
 */
package dev.replens.engine.io.npz;
