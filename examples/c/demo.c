/*
 * demo.c: the first honest demonstration of speedup through its C door.
 *
 * For every kernel at the seed sizes it times the call through libspeedup with 1 thread and
 * with all threads (the default count), best of R repetitions after a warm-up, and, where a
 * plain serial C loop is a fair stand-in, that naive loop written here from docs/contract.md. It
 * checks the bits: the naive loop against speedup for the exact kernels, and 1 thread against
 * N threads for every kernel.
 *
 * Build (examples/c/run-demo.sh does this): portable flags, no -march=native, no FMA:
 *   gcc -std=c11 -O2 -ffp-contract=off -I include examples/c/demo.c -L target/release \
 *       -lspeedup -lm -Wl,-rpath,$PWD/target/release
 * Run:  ./demo [--quick] [--reps R] [kernel ...]     (--quick: sizes / 10)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "speedup.h"
#include "../../tests/c/inputs.h"

static bool quick;
static int reps = 5;


static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------------------------------ */
/* One benchmark: inputs, where the call writes, and the naive loop.                          */

typedef struct bench bench;
struct bench {
    const char *name;
    char size[48];
    /* inputs */
    double *x, *c;
    uint64_t *q;
    size_t n, rows, cols, k, tau;
    double a, b;
    int32_t max_iter;
    uint64_t u;
    /* where the current call writes, and how many bytes the result has */
    void *out;
    size_t out_bytes;
    speedup_status (*call)(bench *);
    void (*naive)(bench *); /* NULL: no fair naive loop */
    bool exact;             /* naive loop must give the same bits */
};

static speedup_status c_sum(bench *b) { return speedup_sum(b->x, b->n, b->out); }
static speedup_status c_mean(bench *b) { return speedup_mean(b->x, b->n, b->out); }
static speedup_status c_std(bench *b) { return speedup_std(b->x, b->n, 0, b->out); }
static speedup_status c_d2(bench *b)
{
    return speedup_second_derivative(b->x, b->n, b->a, b->out, b->n - 2);
}
static speedup_status c_lap(bench *b)
{
    return speedup_laplacian(b->x, b->rows, b->cols, b->a, b->b, b->out,
                             (b->rows - 2) * (b->cols - 2));
}
static speedup_status c_combf(bench *b)
{
    return speedup_comb_forward(b->x, b->n, 1, b->tau, b->a, b->out, b->n);
}
static speedup_status c_combb(bench *b)
{
    return speedup_comb_backward(b->x, b->n, 1, b->tau, b->a, b->out, b->n);
}
static speedup_status c_isprime(bench *b) { return speedup_is_prime_many(b->q, b->n, b->out, b->n); }
static speedup_status c_spbm(bench *b)
{
    return speedup_sum_primes_below_many(b->q, b->n, b->out, b->n);
}
static speedup_status c_spb(bench *b) { return speedup_sum_primes_below(b->u, b->out); }
static speedup_status c_mc(bench *b) { return speedup_monte_carlo_pi(b->u, 2024, b->out); }
static speedup_status c_markov(bench *b)
{
    return speedup_markov_chains(b->x, b->k, 0, b->u, b->n, 7, b->out, b->n * b->k);
}
static speedup_status c_closest(bench *b)
{
    size_t *ij = b->out;
    return speedup_closest_pair(b->x, b->n, ij, ij + 1, (double *)(void *)(ij + 2));
}
static speedup_status c_mandel(bench *b)
{
    return speedup_mandelbrot(b->c, b->n, b->max_iter, b->out, b->n);
}

typedef struct {
    double scale;
} map_ctx;
static double callback(double x, void *ctx)
{
    const map_ctx *m = ctx;
    return sqrt(x * x + 1.0) * m->scale;
}
static map_ctx the_map_ctx = {0.5};
static speedup_status c_map(bench *b)
{
    return speedup_map_f64(callback, &the_map_ctx, b->x, b->n, b->out, b->n);
}

/* Naive serial loops, written from docs/contract.md (what a C programmer would write first). */
static void n_sum(bench *b)
{
    double s = 0.0;
    for (size_t i = 0; i < b->n; i++)
        s += b->x[i];
    *(double *)b->out = s;
}
static void n_mean(bench *b)
{
    n_sum(b);
    *(double *)b->out /= (double)b->n;
}
static void n_std(bench *b)
{
    n_mean(b);
    double m = *(double *)b->out, ss = 0.0;
    for (size_t i = 0; i < b->n; i++)
        ss += (b->x[i] - m) * (b->x[i] - m);
    *(double *)b->out = sqrt(ss / (double)b->n);
}
static void n_d2(bench *b)
{
    double *o = b->out;
    const double *f = b->x;
    for (size_t i = 0; i + 2 < b->n; i++)
        o[i] = ((f[i] - 2.0 * f[i + 1]) + f[i + 2]) * (1.0 / (b->a * b->a));
}
static void n_lap(bench *b)
{
    double ax = 1.0 / (b->a * b->a), ay = 1.0 / (b->b * b->b), c = 2.0 * ax + 2.0 * ay;
    const double *f = b->x;
    double *o = b->out;
    size_t cols = b->cols;
    for (size_t i = 1; i + 1 < b->rows; i++)
        for (size_t j = 1; j + 1 < cols; j++)
            o[(i - 1) * (cols - 2) + (j - 1)] =
                ((f[(i - 1) * cols + j] + f[(i + 1) * cols + j]) * ax +
                 (f[i * cols + j - 1] + f[i * cols + j + 1]) * ay) -
                f[i * cols + j] * c;
}
static void n_combf(bench *b)
{
    double *y = b->out;
    for (size_t t = 0; t < b->n; t++)
        y[t] = t < b->tau ? b->x[t] : b->x[t] + b->a * b->x[t - b->tau];
}
static void n_combb(bench *b)
{
    double *y = b->out;
    for (size_t t = 0; t < b->n; t++)
        y[t] = t < b->tau ? b->x[t] : b->x[t] + b->a * y[t - b->tau];
}
static void n_spbm(bench *b) /* a byte sieve up to the largest query, then prefix sums */
{
    uint64_t max = 0;
    for (size_t i = 0; i < b->n; i++)
        max = b->q[i] > max ? b->q[i] : max;
    unsigned char *p = xmalloc(max + 1);
    uint64_t *prefix = xmalloc((max + 1) * sizeof *prefix);
    memset(p, 1, max + 1);
    prefix[0] = 0;
    for (uint64_t i = 0; i < max; i++) {
        if (i >= 2 && p[i])
            for (uint64_t j = i * i; j < max; j += i)
                p[j] = 0;
        prefix[i + 1] = prefix[i] + (i >= 2 && p[i] ? i : 0);
    }
    uint64_t *o = b->out;
    for (size_t i = 0; i < b->n; i++)
        o[i] = prefix[b->q[i]];
    free(p);
    free(prefix);
}
static void n_closest(bench *b) /* brute force, O(n^2): ties to the smallest (i, j) */
{
    size_t *ij = b->out;
    double best = INFINITY;
    for (size_t i = 0; i < b->n; i++)
        for (size_t j = i + 1; j < b->n; j++) {
            double dx = b->x[2 * i] - b->x[2 * j], dy = b->x[2 * i + 1] - b->x[2 * j + 1];
            double d2 = dx * dx + dy * dy;
            if (d2 < best) {
                best = d2;
                ij[0] = i;
                ij[1] = j;
            }
        }
    double d = sqrt(best);
    memcpy(ij + 2, &d, sizeof d);
}
static void n_mandel(bench *b)
{
    int32_t *o = b->out;
    for (size_t p = 0; p < b->n; p++) {
        double cr = b->c[2 * p], ci = b->c[2 * p + 1], re = cr, im = ci;
        int32_t r = -1;
        for (int32_t it = 0; it < b->max_iter; it++) {
            if (re * re + im * im >= 16.0) {
                r = it;
                break;
            }
            double nr = (re * re - im * im) + cr;
            im = (2.0 * re) * im + ci;
            re = nr;
        }
        o[p] = r;
    }
}
static void n_map(bench *b)
{
    double *o = b->out;
    for (size_t i = 0; i < b->n; i++)
        o[i] = callback(b->x[i], &the_map_ctx);
}

/* ------------------------------------------------------------------------------------------ */

static double time_call(bench *b, speedup_status *st)
{
    *st = b->call(b); /* warm-up */
    if (*st != SPEEDUP_OK)
        return NAN;
    double best = INFINITY;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        *st = b->call(b);
        double t = now() - t0;
        best = t < best ? t : best;
    }
    return best;
}

static double time_naive(bench *b)
{
    b->naive(b); /* warm-up */
    double best = INFINITY;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        b->naive(b);
        double t = now() - t0;
        best = t < best ? t : best;
    }
    return best;
}

static void fmt_time(char *buf, size_t len, double s)
{
    if (isnan(s))
        snprintf(buf, len, "-");
    else if (s < 1e-3)
        snprintf(buf, len, "%.1f us", s * 1e6);
    else if (s < 1.0)
        snprintf(buf, len, "%.2f ms", s * 1e3);
    else
        snprintf(buf, len, "%.3f s", s);
}

static size_t all_threads;
static int failures;

static void run_bench(bench *b)
{
    void *o1 = xmalloc(b->out_bytes), *on = xmalloc(b->out_bytes), *onaive = NULL;
    double tn = NAN, t1, tall;
    speedup_status s1, sn;
    memset(o1, 0, b->out_bytes);
    memset(on, 0, b->out_bytes);
    if (b->naive) {
        onaive = xmalloc(b->out_bytes);
        memset(onaive, 0, b->out_bytes);
        b->out = onaive;
        tn = time_naive(b);
    }
    speedup_set_num_threads(1);
    b->out = o1;
    t1 = time_call(b, &s1);
    speedup_set_num_threads(all_threads);
    b->out = on;
    tall = time_call(b, &sn);
    speedup_set_num_threads(0);

    char c0[24], c1[24], c2[24], r1[16] = "-", r2[16] = "-", sc[16] = "-", same[40];
    fmt_time(c0, sizeof c0, tn);
    fmt_time(c1, sizeof c1, t1);
    fmt_time(c2, sizeof c2, tall);
    if (s1 != SPEEDUP_OK || sn != SPEEDUP_OK) {
        char msg[256];
        speedup_last_error(msg, sizeof msg);
        snprintf(same, sizeof same, "error %d", s1 != SPEEDUP_OK ? s1 : sn);
        printf("%-22s %-24s %10s %10s %10s %8s %8s %7s  %s\n", b->name, b->size, c0, "-", "-", "-",
               "-", "-", same);
        printf("%-22s   ^ %s\n", "", msg);
        failures++;
    } else {
        bool threads_same = memcmp(o1, on, b->out_bytes) == 0;
        if (!isnan(tn)) {
            snprintf(r1, sizeof r1, "%.1fx", tn / t1);
            snprintf(r2, sizeof r2, "%.1fx", tn / tall);
        }
        snprintf(sc, sizeof sc, "%.2fx", t1 / tall);
        if (b->naive && b->exact) {
            bool naive_same = memcmp(onaive, o1, b->out_bytes) == 0;
            snprintf(same, sizeof same, "%s", naive_same && threads_same ? "yes"
                                              : threads_same             ? "NO (naive differs)"
                                                                         : "NO (threads differ)");
            failures += !(naive_same && threads_same);
        } else if (b->naive && b->out_bytes == sizeof(double)) {
            double x, y;
            memcpy(&x, onaive, sizeof x);
            memcpy(&y, o1, sizeof y);
            snprintf(same, sizeof same, "%s (naive: rel %.0e)", threads_same ? "1=N" : "NO",
                     fabs(x - y) / fabs(y));
            failures += !threads_same;
        } else {
            snprintf(same, sizeof same, "%s", threads_same ? "1=N" : "NO (threads differ)");
            failures += !threads_same;
        }
        printf("%-22s %-24s %10s %10s %10s %8s %8s %7s  %s\n", b->name, b->size, c0, c1, c2, r1,
               r2, sc, same);
    }
    fflush(stdout);
    free(o1);
    free(on);
    free(onaive);
}

/* ------------------------------------------------------------------------------------------ */

static size_t scaled(size_t n) { return quick ? n / 10 : n; }

static bool wanted(int argc, char **argv, int first, const char *name)
{
    if (first >= argc)
        return true;
    for (int a = first; a < argc; a++)
        if (strcmp(argv[a], name) == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    int first = 1;
    while (first < argc && strncmp(argv[first], "--", 2) == 0) {
        if (strcmp(argv[first], "--quick") == 0) {
            quick = true;
            first++;
        } else if (strcmp(argv[first], "--reps") == 0 && first + 1 < argc) {
            reps = atoi(argv[first + 1]);
            reps = reps < 1 ? 1 : reps;
            first += 2;
        } else {
            fprintf(stderr, "usage: %s [--quick] [--reps R] [kernel ...]\n", argv[0]);
            return 2;
        }
    }
    speedup_set_num_threads(0);
    all_threads = speedup_get_num_threads();
    printf("speedup %s through the C door: 1 thread vs %zu threads (the default), best of %d "
           "after a warm-up%s\n",
           speedup_version(), all_threads, reps, quick ? ", --quick sizes" : "");
    printf("naive C = a plain serial loop written in this demo (gcc -O2 -ffp-contract=off); "
           "'same bits': yes = naive, 1 and N threads identical; 1=N = 1 and N threads identical\n\n");
    printf("%-22s %-24s %10s %10s %10s %8s %8s %7s  %s\n", "kernel", "size", "naive C", "1 thread",
           "N threads", "1T/naive", "NT/naive", "scaling", "same bits");

    const size_t N = scaled(10000000);
    double *x = NULL;
    bench b;

#define BENCH(nm, ...)                                                                           \
    if (wanted(argc, argv, first, nm)) {                                                         \
        memset(&b, 0, sizeof b);                                                                 \
        b.name = nm;                                                                             \
        __VA_ARGS__;                                                                             \
        run_bench(&b);                                                                           \
    }

    x = random_array(N, -1.0, 1.0);
    BENCH("sum", b.x = x; b.n = N; snprintf(b.size, sizeof b.size, "%zu", N);
          b.out_bytes = sizeof(double); b.call = c_sum; b.naive = n_sum)
    BENCH("mean", b.x = x; b.n = N; snprintf(b.size, sizeof b.size, "%zu", N);
          b.out_bytes = sizeof(double); b.call = c_mean; b.naive = n_mean)
    BENCH("std", b.x = x; b.n = N; snprintf(b.size, sizeof b.size, "%zu", N);
          b.out_bytes = sizeof(double); b.call = c_std; b.naive = n_std)
    BENCH("second_derivative", b.x = x; b.n = N; b.a = 1e-3;
          snprintf(b.size, sizeof b.size, "%zu", N); b.out_bytes = (N - 2) * sizeof(double);
          b.call = c_d2; b.naive = n_d2; b.exact = true)
    BENCH("comb_forward", b.x = x; b.n = N; b.tau = 4; b.a = 0.7;
          snprintf(b.size, sizeof b.size, "%zu, tau 4", N); b.out_bytes = N * sizeof(double);
          b.call = c_combf; b.naive = n_combf; b.exact = true)
    BENCH("comb_backward", b.x = x; b.n = N; b.tau = 4; b.a = 0.7;
          snprintf(b.size, sizeof b.size, "%zu, tau 4", N); b.out_bytes = N * sizeof(double);
          b.call = c_combb; b.naive = n_combb; b.exact = true)
    BENCH("map_f64", b.x = x; b.n = N; snprintf(b.size, sizeof b.size, "%zu, C callback", N);
          b.out_bytes = N * sizeof(double); b.call = c_map; b.naive = n_map; b.exact = true)
    free(x);

    {
        const size_t side = quick ? 1265 : 4000;
        x = random_array(side * side, -1.0, 1.0);
        BENCH("laplacian", b.x = x; b.rows = b.cols = side; b.a = 0.01; b.b = 0.02;
              snprintf(b.size, sizeof b.size, "%zux%zu", side, side);
              b.out_bytes = (side - 2) * (side - 2) * sizeof(double); b.call = c_lap;
              b.naive = n_lap; b.exact = true)
        free(x);
    }
    {
        const size_t side = quick ? 316 : 1000, n = side * side;
        double *c = xmalloc(2 * n * sizeof *c);
        for (size_t i = 0; i < side; i++)
            for (size_t j = 0; j < side; j++) {
                c[2 * (i * side + j)] = -2.0 + 3.0 * (double)j / (double)(side - 1);
                c[2 * (i * side + j) + 1] = -1.5 + 3.0 * (double)i / (double)(side - 1);
            }
        BENCH("mandelbrot", b.c = c; b.n = n; b.max_iter = 20;
              snprintf(b.size, sizeof b.size, "%zux%zu, 20 iter", side, side);
              b.out_bytes = n * sizeof(int32_t); b.call = c_mandel; b.naive = n_mandel;
              b.exact = true)
        free(c);
    }
    {
        const size_t n = scaled(1000000);
        uint64_t *q = xmalloc(n * sizeof *q);
        for (size_t i = 0; i < n; i++)
            q[i] = 1000000000000u + 2 * i + 1;
        BENCH("is_prime_many", b.q = q; b.n = n;
              snprintf(b.size, sizeof b.size, "%zu odd ~1e12", n); b.out_bytes = n * sizeof(bool);
              b.call = c_isprime)
        free(q);
    }
    {
        const size_t n = quick ? 1000 : 10000;
        uint64_t *q = xmalloc(n * sizeof *q);
        for (size_t i = 0; i < n; i++)
            q[i] = i;
        BENCH("sum_primes_below_many", b.q = q; b.n = n;
              snprintf(b.size, sizeof b.size, "every n < %zu", n);
              b.out_bytes = n * sizeof(uint64_t); b.call = c_spbm; b.naive = n_spbm; b.exact = true)
        free(q);
    }
    BENCH("sum_primes_below", b.u = quick ? 100000000u : 1000000000u;
          snprintf(b.size, sizeof b.size, "n = %" PRIu64 "", b.u); b.out_bytes = sizeof(uint64_t);
          b.call = c_spb)
    BENCH("monte_carlo_pi", b.u = scaled(100000000);
          snprintf(b.size, sizeof b.size, "%" PRIu64 " points", b.u); b.out_bytes = sizeof(double);
          b.call = c_mc)
    {
        static double P[16] = {0.5, 0.25, 0.125, 0.125, 0.1, 0.2, 0.3, 0.4,
                               0.3, 0.3, 0.2, 0.2,      0.25, 0.25, 0.25, 0.25};
        BENCH("markov_chains", b.x = P; b.k = 4; b.n = 16; b.u = scaled(1000000);
              snprintf(b.size, sizeof b.size, "16 x %" PRIu64 " steps, 4x4", b.u);
              b.out_bytes = 16 * 4 * sizeof(uint64_t); b.call = c_markov)
    }
    {
        const size_t sizes[2] = {quick ? 200 : 2000, scaled(1000000)};
        for (int s = 0; s < 2; s++) {
            size_t n = sizes[s];
            x = random_array(2 * n, 0.0, 1.0);
            BENCH("closest_pair", b.x = x; b.n = n;
                  snprintf(b.size, sizeof b.size, "%zu uniform points", n);
                  b.out_bytes = 2 * sizeof(size_t) + sizeof(double); b.call = c_closest;
                  b.naive = s == 0 ? n_closest : NULL; b.exact = true)
            free(x);
        }
    }
    if (failures)
        printf("\n%d kernel(s) failed or disagreed (see above)\n", failures);
    return failures ? 1 : 0;
}
