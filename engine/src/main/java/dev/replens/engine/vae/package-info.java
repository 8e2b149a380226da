/**
 * The other reparameterization: the VAE trick. Monte-Carlo gradients of {@code E[f(z)]} for {@code
 * z ~ N(μ, σ²)} by the score-function estimator and by the reparameterized (pathwise) estimator,
 * and a seeded study of their variance against the sample count. Plain Java, no ND4J: the numbers
 * are scalars.
 */
package dev.replens.engine.vae;
