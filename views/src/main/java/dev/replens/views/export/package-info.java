/**
 * Saving what the views show: {@link dev.replens.views.export.PngExport} (any node as PNG), {@link
 * dev.replens.views.export.CsvTable} (chart data) and {@link dev.replens.views.export.AtomicFiles}
 * (temporary file + rename, so a reader never sees half a file).
 */
package dev.replens.views.export;
