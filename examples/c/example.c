/*
 * example.c: speedup from C. Builds a few inputs from exact formulas, calls a handful of
 * kernels and prints the results, one `name: value` line each, floating-point values with 17
 * significant digits (%.16e). The Python, Fortran and Rust examples beside this folder build
 * the same inputs and print the same lines, bit for bit.
 *
 * Build it against an installed speedup (see README.md in this folder):
 *   cmake -S examples/c -B build/example-c -DCMAKE_PREFIX_PATH=<prefix> && cmake --build build/example-c
 *   PKG_CONFIG_PATH=<prefix>/lib/pkgconfig make -C examples/c
 */
#include <speedup.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Every call returns a status; on failure speedup_last_error() has the detailed message. */
static void check(speedup_status s, const char *what)
{
    if (s != SPEEDUP_OK) {
        char msg[512];
        speedup_last_error(msg, sizeof msg);
        fprintf(stderr, "%s failed: %s (%s)\n", what, speedup_status_message(s), msg);
        exit(1);
    }
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

int main(void)
{
    printf("# speedup %s, C example, %zu threads\n", speedup_version(),
           speedup_get_num_threads());

    /* A signal of 100000 values: x[i] = ((i * 7919) mod 10007) / 10007 - 0.5. */
    const size_t n = 100000;
    double *x = xmalloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = (double)((i * 7919) % 10007) / 10007.0 - 0.5;
    double s, sd;
    check(speedup_sum(x, n, &s), "sum");
    check(speedup_std(x, n, 1, &sd), "std");
    printf("sum(x): %.16e\n", s);
    printf("std(x, ddof=1): %.16e\n", sd);
    free(x);

    /* A 300 x 400 grid, C order: f[r][c] = ((r * 31 + c * 17) mod 101) / 8. */
    const size_t rows = 300, cols = 400, orows = rows - 2, ocols = cols - 2;
    double *f = xmalloc(rows * cols * sizeof *f);
    double *lap = xmalloc(orows * ocols * sizeof *lap);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            f[r * cols + c] = (double)((r * 31 + c * 17) % 101) / 8.0;
    check(speedup_laplacian(f, rows, cols, 0.1, 0.2, lap, orows * ocols), "laplacian");
    double lap_sum;
    check(speedup_sum(lap, orows * ocols, &lap_sum), "sum");
    printf("laplacian(f, 0.1, 0.2)[100][200]: %.16e\n", lap[100 * ocols + 200]);
    printf("sum(laplacian(f, 0.1, 0.2)): %.16e\n", lap_sum);
    free(f);
    free(lap);

    uint64_t primes;
    check(speedup_sum_primes_below(1000000, &primes), "sum_primes_below");
    printf("sum_primes_below(1000000): %" PRIu64 "\n", primes);

    double pi;
    check(speedup_monte_carlo_pi(1000000, 42, &pi), "monte_carlo_pi");
    printf("monte_carlo_pi(1000000, seed=42): %.16e\n", pi);

    /* 2000 points, rows (x, y): x = ((k * 7919) mod 10007) / 10007, y = ((k * 104729) mod 10009) / 10009. */
    const size_t np = 2000;
    double *pts = xmalloc(2 * np * sizeof *pts);
    for (size_t k = 0; k < np; k++) {
        pts[2 * k] = (double)((k * 7919) % 10007) / 10007.0;
        pts[2 * k + 1] = (double)((k * 104729) % 10009) / 10009.0;
    }
    size_t i, j;
    double dist;
    check(speedup_closest_pair(pts, np, &i, &j, &dist), "closest_pair");
    printf("closest_pair(points): %zu %zu %.16e\n", i, j, dist);
    free(pts);

    /* A 160 x 160 grid of the complex plane, interleaved (re, im): c = (-2 + j/64) + (-1.25 + r/64) i. */
    const size_t side = 160, nc = side * side;
    double *cpl = xmalloc(2 * nc * sizeof *cpl);
    int32_t *counts = xmalloc(nc * sizeof *counts);
    for (size_t r = 0; r < side; r++)
        for (size_t c = 0; c < side; c++) {
            cpl[2 * (r * side + c)] = -2.0 + (double)c / 64.0;
            cpl[2 * (r * side + c) + 1] = -1.25 + (double)r / 64.0;
        }
    check(speedup_mandelbrot(cpl, nc, 100, counts, nc), "mandelbrot");
    long long inside = 0, escaped_iters = 0;
    for (size_t k = 0; k < nc; k++) {
        if (counts[k] < 0)
            inside++;
        else
            escaped_iters += counts[k];
    }
    printf("mandelbrot(c, max_iter=100): inside=%lld escape_sum=%lld\n", inside, escaped_iters);
    free(cpl);
    free(counts);
    return 0;
}
