/** {@link dev.replens.views.badge.ErrorBadge}: a measured equivalence error, green or red. */
package dev.replens.views.badge;
