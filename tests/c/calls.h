/*
 * calls.h: every kernel of the C door and every legacy routine as a call of one shape, for the
 * programs that call them over and over and compare the bytes (tests/faults/stress.c,
 * tests/soak/soak.c). A call writes its result (any type) into a byte buffer and its length
 * into *len.
 *
 * The inputs and sizes come from two `call_inputs` the program fills before the first call:
 * call_in for the Rust kernels (call_sum, call_mean, ...) and call_legacy_in for the legacy
 * routines (call_legacy_sum, ...). The routines both have are written once (CALLS_OF_DOOR),
 * since a legacy routine takes the same arguments as its Rust kernel.
 */
#ifndef SPEEDUP_TEST_CALLS_H
#define SPEEDUP_TEST_CALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <speedup.h>
#include <speedup_legacy.h>

#include "inputs.h"

typedef speedup_status (*call_fn)(unsigned char *out, size_t *len);

struct call_inputs {
    const double *x;                   /* sum, mean, std and second_derivative read its start */
    size_t n_sum, n_mean, n_std, n_d2; /* (std with ddof 1, second_derivative with dx 0.5) */
    const double *grid;                /* laplacian: rows x cols, dx 0.1, dy 0.2 */
    size_t rows, cols;
    const double *sig; /* comb filters: n_sig x k_sig, tau 7, alpha 0.5 */
    size_t n_sig, k_sig;
    const uint64_t *q; /* is_prime_many reads n_q of them, sum_primes_below_many n_sums */
    size_t n_q, n_sums;
    uint64_t prime, below; /* is_prime's and sum_primes_below's argument */
    const double *pts;     /* closest_pair: n_pts points */
    size_t n_pts;
    const double *cgrid; /* mandelbrot: n_c complex numbers */
    size_t n_c;
    int32_t max_iter;
    /* The Rust kernels only. */
    uint64_t n_pi;     /* monte_carlo_pi, seed 42 */
    const double *p;   /* markov_chains: k_m x k_m, from state 0, seed 3 */
    size_t k_m, n_chains;
    uint64_t n_steps;
    size_t n_map; /* map_f64 of square_plus_one over the start of x */
};
static struct call_inputs call_in, call_legacy_in;

/* Draws the arrays the calls read, each uniform in the range its kernel wants: x (n_x values),
 * grid (n_grid values), sig (n_sig values), pts (n_pts points) and cgrid (n_c complex numbers
 * around the Mandelbrot set). */
static inline void draw_call_arrays(double **x, size_t n_x, double **grid, size_t n_grid,
                                    double **sig, size_t n_sig, double **pts, size_t n_pts,
                                    double **cgrid, size_t n_c)
{
    *x = random_array(n_x, -1.0, 1.0);
    *grid = random_array(n_grid, 0.0, 1.0);
    *sig = random_array(n_sig, -1.0, 1.0);
    *pts = random_array(2 * n_pts, 0.0, 1000.0);
    *cgrid = random_array(2 * n_c, -1.5, 1.0);
}

/* A scalar result r_ (R points at it), 0xA5 bytes before the call: a refused call leaves it so. */
#define CALL_SCALAR(type, expr)                                                                  \
    do {                                                                                         \
        type r_;                                                                                 \
        memset(&r_, 0xA5, sizeof r_);                                                            \
        speedup_status s_ = (expr);                                                              \
        memcpy(out, &r_, sizeof r_);                                                             \
        *len = sizeof r_;                                                                        \
        return s_;                                                                               \
    } while (0)
#define R (&r_)

/* An array result of `n` elements of `type` written by `expr` into (type *)out. */
#define CALL_ARRAY(type, n, expr)                                                                \
    do {                                                                                         \
        *len = (n) * sizeof(type);                                                               \
        return (expr);                                                                           \
    } while (0)

typedef speedup_status (*comb_fn)(const double *, size_t, size_t, size_t, double, double *,
                                  size_t);

/* A comb filter (forward or backward) over sig. */
static inline speedup_status call_comb_with(comb_fn f, const struct call_inputs *in,
                                            unsigned char *out, size_t *len)
{
    size_t n = in->n_sig * in->k_sig;
    CALL_ARRAY(double, n, f(in->sig, in->n_sig, in->k_sig, 7, 0.5, (double *)out, n));
}

typedef speedup_status (*closest_fn)(const double *, size_t, size_t *, size_t *, double *);

/* closest_pair's two indices and its distance, one after the other. */
static inline speedup_status call_closest_with(closest_fn f, const struct call_inputs *in,
                                               unsigned char *out, size_t *len)
{
    size_t ij[2];
    double d;
    speedup_status s = f(in->pts, in->n_pts, &ij[0], &ij[1], &d);
    memcpy(out, ij, sizeof ij);
    memcpy(out + sizeof ij, &d, sizeof d);
    *len = sizeof ij + sizeof d;
    return s;
}

#define CALL_FN(name) static inline speedup_status name(unsigned char *out, size_t *len)

/* The calls `name`sum ... `name`mandelbrot of the routines `fn`sum ... reading `in`. */
#define CALLS_OF_DOOR(name, fn, in)                                                              \
    CALL_FN(name##sum) { CALL_SCALAR(double, fn##sum(in.x, in.n_sum, R)); }                      \
    CALL_FN(name##mean) { CALL_SCALAR(double, fn##mean(in.x, in.n_mean, R)); }                   \
    CALL_FN(name##std) { CALL_SCALAR(double, fn##std(in.x, in.n_std, 1, R)); }                   \
    CALL_FN(name##second_derivative)                                                             \
    {                                                                                            \
        CALL_ARRAY(double, in.n_d2 - 2,                                                          \
                   fn##second_derivative(in.x, in.n_d2, 0.5, (double *)out, in.n_d2 - 2));       \
    }                                                                                            \
    CALL_FN(name##laplacian)                                                                     \
    {                                                                                            \
        size_t n_ = (in.rows - 2) * (in.cols - 2);                                               \
        CALL_ARRAY(double, n_,                                                                   \
                   fn##laplacian(in.grid, in.rows, in.cols, 0.1, 0.2, (double *)out, n_));       \
    }                                                                                            \
    CALL_FN(name##comb_forward) { return call_comb_with(fn##comb_forward, &in, out, len); }      \
    CALL_FN(name##comb_backward) { return call_comb_with(fn##comb_backward, &in, out, len); }    \
    CALL_FN(name##is_prime) { CALL_SCALAR(bool, fn##is_prime(in.prime, R)); }                    \
    CALL_FN(name##is_prime_many)                                                                 \
    {                                                                                            \
        CALL_ARRAY(bool, in.n_q, fn##is_prime_many(in.q, in.n_q, (bool *)out, in.n_q));          \
    }                                                                                            \
    CALL_FN(name##sum_primes_below) { CALL_SCALAR(uint64_t, fn##sum_primes_below(in.below, R)); } \
    CALL_FN(name##sum_primes_below_many)                                                         \
    {                                                                                            \
        CALL_ARRAY(uint64_t, in.n_sums,                                                          \
                   fn##sum_primes_below_many(in.q, in.n_sums, (uint64_t *)out, in.n_sums));      \
    }                                                                                            \
    CALL_FN(name##closest_pair) { return call_closest_with(fn##closest_pair, &in, out, len); }   \
    CALL_FN(name##mandelbrot)                                                                    \
    {                                                                                            \
        CALL_ARRAY(int32_t, in.n_c,                                                              \
                   fn##mandelbrot(in.cgrid, in.n_c, in.max_iter, (int32_t *)out, in.n_c));       \
    }

CALLS_OF_DOOR(call_, speedup_, call_in)
CALLS_OF_DOOR(call_legacy_, speedup_legacy_, call_legacy_in)

/* map_f64's function: v * v + 1. */
static inline double square_plus_one(double v, void *ctx)
{
    (void)ctx;
    return v * v + 1.0;
}

CALL_FN(call_monte_carlo_pi) { CALL_SCALAR(double, speedup_monte_carlo_pi(call_in.n_pi, 42, R)); }
CALL_FN(call_markov_chains)
{
    size_t n_ = call_in.n_chains * call_in.k_m;
    CALL_ARRAY(uint64_t, n_,
               speedup_markov_chains(call_in.p, call_in.k_m, 0, call_in.n_steps, call_in.n_chains,
                                     3, (uint64_t *)out, n_));
}
CALL_FN(call_map_f64)
{
    CALL_ARRAY(double, call_in.n_map,
               speedup_map_f64(square_plus_one, NULL, call_in.x, call_in.n_map, (double *)out,
                               call_in.n_map));
}

#endif /* SPEEDUP_TEST_CALLS_H */
