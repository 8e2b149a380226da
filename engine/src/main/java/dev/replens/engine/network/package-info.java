/**
 * Whole networks: {@link dev.replens.engine.network.NetworkInspector} finds every
 * re-parameterizable block of a state dict by its official key signature, fuses it, judges the
 * fused conv within round-off, measures its INT8 sensitivity and diagnoses the file (partial
 * conversions, missing or unexpected keys, BatchNorm statistics never trained); {@link
 * dev.replens.engine.network.NetworkConverter} writes the deploy state dict under the official
 * deploy names. Golden networks come from {@code tools/network/make_networks.py}.
 */
package dev.replens.engine.network;
