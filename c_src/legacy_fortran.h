/*
 * legacy_fortran.h -- C declarations of the bind(C) interfaces of the lab's legacy Fortran
 * routines (fortran_src/legacy/legacy_stencils.f90, fortran_src/legacy/legacy_stats.f90). Arrays are passed
 * in C order; the Fortran side views them column-major (the C grid f[rows][cols] is the Fortran
 * array f(cols, rows)) and computes the same formula element for element.
 * No argument checking: callers check every rule of docs/contract.md first.
 *
 * The Rust declarations (crates/speedup-legacy-sys/src/bindings.rs) are generated from this
 * file by bindgen; change both together.
 */
#ifndef SPEEDUP_LEGACY_FORTRAN_H
#define SPEEDUP_LEGACY_FORTRAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* out[i] = ((f[i] - 2*f[i+1]) + f[i+2]) * (1/(dx*dx)) for i < n-2; n >= 3. !$omp parallel do */
void legacy_second_derivative(const double *f, size_t n, double dx, double *out);

/* 5-point Laplacian of the rows x cols C grid f into the (rows-2) x (cols-2) C grid out;
 * rows, cols >= 3. !$omp parallel do over rows. */
void legacy_laplacian(const double *f, size_t rows, size_t cols, double dx, double dy, double *out);

/* Plain left-to-right sum (0 for n == 0). */
double legacy_sum(const double *x, size_t n);

/* sum(x)/n with an OpenMP reduction; n >= 1. */
double legacy_mean(const double *x, size_t n);

/* Two-pass standard deviation, OpenMP reductions; n >= 1, ddof < n. */
double legacy_std(const double *x, size_t n, size_t ddof);

#ifdef __cplusplus
}
#endif

#endif /* SPEEDUP_LEGACY_FORTRAN_H */
