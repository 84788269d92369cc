/*
 * legacy.h -- the lab's legacy C routines (OpenMP), linked into speedup as references and as
 * routines not yet ported. Plain loops, C order arrays, no argument checking: callers (the safe
 * wrappers in crates/speedup-legacy) check every rule of docs/contract.md before calling.
 * Compile with -O3 -fopenmp -ffp-contract=off so the exact kernels agree bitwise with speedup.
 *
 * The Rust declarations (crates/speedup-legacy-sys/src/bindings.rs) are generated from this
 * file by bindgen; change both together (the drift test says how).
 */
#ifndef SPEEDUP_LEGACY_H
#define SPEEDUP_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Comb filters along axis 0 of the n x k signal x (C order, element (t, j) is x[t*k + j]).
 * forward:  y[t] = x[t] for t < tau, else x[t] + alpha*x[t-tau]   (OpenMP over rows)
 * backward: y[t] = x[t] for t < tau, else x[t] + alpha*y[t-tau]   (OpenMP over columns) */
void legacy_comb_forward(const double *x, size_t n, size_t k, size_t tau, double alpha, double *y);
void legacy_comb_backward(const double *x, size_t n, size_t k, size_t tau, double alpha, double *y);

/* Trial division by 2, 3, ..., floor(sqrt(n)); returns 1 when n is prime (0 and 1 are not). */
int legacy_is_prime(uint64_t n);

/* Sum of the primes p < n, one legacy_is_prime call per candidate (OpenMP reduction over the
 * candidates). Returns 0 and stores the sum in *sum, or returns 1 (sum not stored) when the sum
 * does not fit in 64 bits. */
int legacy_sum_primes_below(uint64_t n, uint64_t *sum);

/* Escape counts of the n complex points c (2n doubles, interleaved re, im):
 * z = c; for it < max_iter: if re*re + im*im >= 16 return it; z = z*z + c; else -1.
 * OpenMP over points, schedule(dynamic). */
void legacy_mandelbrot(const double *c, size_t n, int32_t max_iter, int32_t *out);

/* Brute-force closest pair of the n points (n x 2, rows (x, y)), n >= 2: minimal
 * d2 = dx*dx + dy*dy, ties to the smallest (i, j). OpenMP over i; per-thread bests combined by
 * (d2, i, j). Stores i < j and d2 (not its square root). */
void legacy_closest_pair(const double *points, size_t n, size_t *i, size_t *j, double *d2);

/* Diagnostic: opens one OpenMP parallel region and returns the team size seen inside it
 * (omp_get_num_threads()); *distinct gets the number of distinct omp_get_thread_num() values
 * that actually ran. Shows that the thread knob reaches OpenMP. */
int legacy_omp_team_size(int *distinct);

#ifdef __cplusplus
}
#endif

#endif /* SPEEDUP_LEGACY_H */
