/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data. Only float32 and float64 tensors
 * are read and written, which is what a design's weights hold.
 */
package dev.replens.engine.io.safetensors;
