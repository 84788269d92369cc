/*
 * inputs.h: what the C test program and the C demo share: an allocation that cannot fail
 * silently, and splitmix64, the programs' own input generator (not the kernels' random stream).
 * Static inline, so that a file of a program of several files may use only some of them; each
 * such file draws from its own generator.
 */
#ifndef SPEEDUP_C_INPUTS_H
#define SPEEDUP_C_INPUTS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

static uint64_t rng_state = 0x243F6A8885A308D3u;
static inline uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}
static inline double rng_uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next() >> 11) * 0x1p-53);
}
static inline double *random_array(size_t n, double lo, double hi)
{
    double *x = xmalloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = rng_uniform(lo, hi);
    return x;
}

#endif
