/**
 * The Model workspace: a whole network's checkpoint, read and inspected off the FX thread, shown as
 * a table of its blocks, a strip in network order, its findings and its INT8 sensitivity; a block
 * opens in the Explorer with its real weights, and the network converts to deploy form.
 */
package dev.replens.app.model;
