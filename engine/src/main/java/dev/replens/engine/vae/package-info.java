/**
 * The other reparameterization: the VAE trick. Monte-Carlo gradients of {@code E[f(z)]} for {@code
 * z ~ N(μ, σ²)} by the score-function estimator and by the reparameterized (pathwise) estimator, a
 * seeded study of their variance against the sample count, and a tiny variational autoencoder
 * ({@link dev.replens.engine.vae.Vae}) trained through {@code z = μ + σ ⊙ ε} with hand-written
 * gradients. Plain Java, no ND4J: the numbers are scalars or a few thousand weights.
 */
package dev.replens.engine.vae;
