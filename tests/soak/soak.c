/*
 * soak.c: a long, bounded run of mixed calls through the C door (libspeedup.so), watching the
 * process for slow leaks of memory and threads and for results that drift.
 *
 * Every kernel (small inputs, so that calls are fast; a few inputs above the parallel
 * cut-offs, so that the pool really works) and legacy routines, mixed by a fixed pseudo-random
 * schedule, with
 *   - regular bad calls (the expected status, a message, the output untouched),
 *   - thread-knob changes (speedup_set_num_threads cycling through 1, 2, 3, 4 and 0),
 *   - interrupts: speedup_request_interrupt() from another thread during a long call
 *     (SPEEDUP_ERR_INTERRUPTED, or SPEEDUP_OK with the uninterrupted bits), then a normal call,
 * and every result compared byte for byte with the first call of the same kernel (the legacy
 * OpenMP mean and std, whose last bits may change with the thread count, within 1e-12). Every
 * 1000th call also recomputes a fixed reference call (a parallel sum) and compares bytes.
 *
 * Resident memory (VmRSS) and the thread count (Threads:) of /proc/self/status are sampled
 * periodically (threads once the count has settled: a pool retired by a knob change ends
 * asynchronously). After the warm-up (the first 10% of the calls) the RSS must stay within
 * --rss-mib MiB (default 8) of its value at the end of the warm-up, and the settled thread count
 * within --thread-slack (default 4, one pool of the largest knob) of the warm-up's maximum.
 *
 * Usage: soak [--calls N] [--rss-mib M] [--thread-slack T] [--knob-every K] [--seed S]
 * Prints the curve summary ("soak-c: rss_kib start ... warmup ... peak ... end ...") and
 * "N passed, M failed" last (check.h).
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <speedup.h>
#include <speedup_legacy.h>

#include "../c/calls.h"
#include "../c/check.h"
#include "../c/inputs.h"

/* The thread count once it stopped falling (a pool retired by a knob change ends
 * asynchronously; a leak is what stays); *first gets the first reading. */
static void proc_status(long *rss_kib, long *threads);
static long settled_threads(long *first)
{
    long rss, last, now_;
    int steady = 0;
    proc_status(&rss, &last);
    *first = last;
    for (int i = 0; i < 250 && steady < 5; i++) { /* at most 0.5 s; done when not fallen for 10 ms */
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
        proc_status(&rss, &now_);
        steady = now_ >= last ? steady + 1 : 0;
        last = now_;
    }
    return last;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ------------------------------------------------------------------------------------------ */
/* Inputs */

enum { NX = (1 << 20) + 3333, NSMALL = 1000, ND2 = 500, ND2_BIG = 300000, ROWS = 20, COLS = 30,
       BIG_SIDE = 600, NSIG = 200, KSIG = 3, NPTS = 100, NPTS_LEGACY = 50, NC = 64, NQ = 64,
       NQS = 16, KM = 3, OUT_MAX = BIG_SIDE * BIG_SIDE * 8 };

static double *x, *grid, *big_grid, *sig, *pts, *cgrid;
static uint64_t q[NQ], qs[NQS];
static const double P[KM * KM] = {0.9, 0.1, 0.0, 0.2, 0.5, 0.3, 0.0, 0.4, 0.6};
static const double P_BAD[KM * KM] = {0.9, 0.2, 0.0, 0.2, 0.5, 0.3, 0.0, 0.4, 0.6};

static void make_inputs(void)
{
    draw_call_arrays(&x, NX, &grid, ROWS * COLS, &sig, NSIG * KSIG, &pts, NPTS, &cgrid, NC);
    big_grid = random_array(BIG_SIDE * BIG_SIDE, 0.0, 1.0);
    for (size_t i = 0; i < NQ; i++)
        q[i] = rng_next() % 100000;
    for (size_t i = 0; i < NQS; i++)
        qs[i] = rng_next() % 3000;
    call_in = (struct call_inputs){
        .x = x, .n_sum = NSMALL, .n_mean = 777, .n_std = NSMALL, .n_d2 = ND2,
        .grid = grid, .rows = ROWS, .cols = COLS,
        .sig = sig, .n_sig = NSIG, .k_sig = KSIG,
        .q = q, .n_q = NQ, .n_sums = NQ, .prime = UINT64_C(18446744073709551557), .below = 5000,
        .pts = pts, .n_pts = NPTS, .cgrid = cgrid, .n_c = NC, .max_iter = 50,
        .n_pi = 1000, .p = P, .k_m = KM, .n_chains = 4, .n_steps = 200, .n_map = 256};
    /* The legacy routines: the same but for smaller prime and closest-pair problems (they are
     * slow there) and the mean's length. */
    call_legacy_in = call_in;
    call_legacy_in.n_mean = NSMALL;
    call_legacy_in.q = qs;
    call_legacy_in.n_q = NQS;
    call_legacy_in.n_sums = 4;
    call_legacy_in.prime = 1000003;
    call_legacy_in.below = 2000;
    call_legacy_in.n_pts = NPTS_LEGACY;
}

/* ------------------------------------------------------------------------------------------ */
/* The calls (calls.h), and three of them above the kernels' parallel cut-offs. */

CALL_FN(call_sum_big) { CALL_SCALAR(double, speedup_sum(x, NX, R)); }
CALL_FN(call_d2_big)
{
    CALL_ARRAY(double, ND2_BIG - 2,
               speedup_second_derivative(x, ND2_BIG, 0.5, (double *)out, ND2_BIG - 2));
}
CALL_FN(call_lap_big)
{
    size_t n = (BIG_SIDE - 2) * (BIG_SIDE - 2);
    CALL_ARRAY(double, n, speedup_laplacian(big_grid, BIG_SIDE, BIG_SIDE, 0.1, 0.2, (double *)out, n));
}

/* weight: how often the schedule picks it; exact: 0 for the legacy OpenMP reductions, whose
 * last bits may change with the thread count (compared within 1e-12 instead). */
static const struct {
    const char *name;
    call_fn fn;
    int weight, exact;
} K[] = {
    {"sum", call_sum, 10, 1},
    {"sum (parallel)", call_sum_big, 1, 1},
    {"mean", call_mean, 10, 1},
    {"std", call_std, 10, 1},
    {"second_derivative", call_second_derivative, 10, 1},
    {"second_derivative (parallel)", call_d2_big, 1, 1},
    {"laplacian", call_laplacian, 10, 1},
    {"laplacian (parallel)", call_lap_big, 1, 1},
    {"comb_forward", call_comb_forward, 10, 1},
    {"comb_backward", call_comb_backward, 10, 1},
    {"is_prime", call_is_prime, 10, 1},
    {"is_prime_many", call_is_prime_many, 10, 1},
    {"sum_primes_below", call_sum_primes_below, 10, 1},
    {"sum_primes_below_many", call_sum_primes_below_many, 5, 1},
    {"monte_carlo_pi", call_monte_carlo_pi, 10, 1},
    {"markov_chains", call_markov_chains, 10, 1},
    {"closest_pair", call_closest_pair, 10, 1},
    {"mandelbrot", call_mandelbrot, 10, 1},
    {"map_f64", call_map_f64, 10, 1},
    {"legacy_sum", call_legacy_sum, 3, 1},
    {"legacy_mean", call_legacy_mean, 3, 0},
    {"legacy_std", call_legacy_std, 3, 0},
    {"legacy_second_derivative", call_legacy_second_derivative, 3, 1},
    {"legacy_laplacian", call_legacy_laplacian, 3, 1},
    {"legacy_comb_forward", call_legacy_comb_forward, 3, 1},
    {"legacy_comb_backward", call_legacy_comb_backward, 3, 1},
    {"legacy_is_prime", call_legacy_is_prime, 3, 1},
    {"legacy_is_prime_many", call_legacy_is_prime_many, 3, 1},
    {"legacy_sum_primes_below", call_legacy_sum_primes_below, 2, 1},
    {"legacy_sum_primes_below_many", call_legacy_sum_primes_below_many, 2, 1},
    {"legacy_closest_pair", call_legacy_closest_pair, 3, 1},
    {"legacy_mandelbrot", call_legacy_mandelbrot, 3, 1},
};
enum { NK = sizeof K / sizeof K[0], SUM_BIG = 1 };

static unsigned char *ref[NK];
static size_t ref_len[NK];
static long calls_of[NK], wrong_of[NK];
static double time_of[NK];
static char first_wrong[NK][120];

static bool same_result(size_t k, const unsigned char *out, size_t len)
{
    if (len != ref_len[k])
        return false;
    if (K[k].exact)
        return memcmp(out, ref[k], len) == 0;
    double a, b;
    memcpy(&a, out, sizeof a);
    memcpy(&b, ref[k], sizeof b);
    return fabs(a - b) <= 1e-12 * fabs(b);
}

/* ------------------------------------------------------------------------------------------ */
/* Bad calls: each must give its status and a message, and leave its output as it was. */

static double scratch_in[16], scratch_out[16];

static speedup_status bad_std(double *o) { return speedup_std(x, 10, 10, o); }
static speedup_status bad_mean_empty(double *o) { return speedup_mean(x, 0, o); }
static speedup_status bad_sum_null(double *o) { return speedup_sum(NULL, 5, o); }
static speedup_status bad_d2_short(double *o) { return speedup_second_derivative(x, 2, 1.0, o, 0); }
static speedup_status bad_d2_len(double *o) { return speedup_second_derivative(x, 10, 1.0, o, 9); }
static speedup_status bad_d2_dx(double *o) { return speedup_second_derivative(x, 10, 0.0, o, 8); }
static speedup_status bad_d2_overlap(double *o)
{
    (void)o;
    for (int i = 0; i < 16; i++)
        scratch_in[i] = i;
    return speedup_second_derivative(scratch_in, 10, 1.0, scratch_in + 4, 8);
}
static speedup_status bad_lap_dy(double *o) { return speedup_laplacian(grid, 3, 4, 0.1, NAN, o, 2); }
static speedup_status bad_comb_tau(double *o) { return speedup_comb_forward(sig, 4, 1, 0, 0.5, o, 4); }
static speedup_status bad_primes_overflow(double *o) { return speedup_sum_primes_below(UINT64_MAX, (uint64_t *)o); }
static speedup_status bad_pi_zero(double *o) { return speedup_monte_carlo_pi(0, 1, o); }
static speedup_status bad_markov_rows(double *o) { return speedup_markov_chains(P_BAD, KM, 0, 10, 1, 0, (uint64_t *)o, KM); }
static speedup_status bad_closest_nan(double *o)
{
    double p[6] = {0.0, 0.0, NAN, 1.0, 2.0, 2.0};
    size_t i, j;
    return speedup_closest_pair(p, 3, &i, &j, o);
}
static speedup_status bad_mandel_iter(double *o) { return speedup_mandelbrot(cgrid, 4, -1, (int32_t *)o, 4); }
static speedup_status bad_map_len(double *o) { return speedup_map_f64(square_plus_one, NULL, x, 8, o, 7); }
static speedup_status bad_knob(double *o) { (void)o; return speedup_set_num_threads(5000); }
static speedup_status bad_legacy_std(double *o) { return speedup_legacy_std(x, 3, 7, o); }
static speedup_status bad_legacy_d2(double *o) { return speedup_legacy_second_derivative(x, 2, 1.0, o, 0); }
static speedup_status bad_legacy_primes(double *o) { return speedup_legacy_sum_primes_below(UINT64_MAX, (uint64_t *)o); }
static speedup_status bad_legacy_closest(double *o)
{
    size_t i, j;
    return speedup_legacy_closest_pair(pts, 1, &i, &j, o);
}

static const struct {
    const char *name;
    speedup_status (*fn)(double *out);
    speedup_status want;
} BAD[] = {
    {"std ddof >= n", bad_std, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"mean of nothing", bad_mean_empty, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"sum of NULL", bad_sum_null, SPEEDUP_ERR_NULL_POINTER},
    {"second_derivative n = 2", bad_d2_short, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"second_derivative out_len", bad_d2_len, SPEEDUP_ERR_LENGTH},
    {"second_derivative dx = 0", bad_d2_dx, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"second_derivative overlap", bad_d2_overlap, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"laplacian dy = NaN", bad_lap_dy, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"comb_forward tau = 0", bad_comb_tau, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"sum_primes_below overflow", bad_primes_overflow, SPEEDUP_ERR_OVERFLOW},
    {"monte_carlo_pi 0 points", bad_pi_zero, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"markov_chains row sum", bad_markov_rows, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"closest_pair NaN", bad_closest_nan, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"mandelbrot max_iter < 0", bad_mandel_iter, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"map_f64 out_len", bad_map_len, SPEEDUP_ERR_LENGTH},
    {"set_num_threads 5000", bad_knob, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"legacy_std ddof >= n", bad_legacy_std, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"legacy_second_derivative n = 2", bad_legacy_d2, SPEEDUP_ERR_INVALID_ARGUMENT},
    {"legacy_sum_primes_below overflow", bad_legacy_primes, SPEEDUP_ERR_OVERFLOW},
    {"legacy_closest_pair n = 1", bad_legacy_closest, SPEEDUP_ERR_INVALID_ARGUMENT},
};
enum { NBAD = sizeof BAD / sizeof BAD[0] };
static long bad_calls_of[NBAD], bad_wrong_of[NBAD];
static char bad_first_wrong[NBAD][200];

static void bad_call(size_t b)
{
    for (int i = 0; i < 16; i++)
        scratch_out[i] = 7.0;
    for (int i = 0; i < 16; i++)
        scratch_in[i] = i;
    speedup_status s = BAD[b].fn(scratch_out);
    char msg[256];
    size_t mlen = speedup_last_error(msg, sizeof msg);
    bool untouched = true;
    for (int i = 0; i < 16; i++)
        untouched &= scratch_out[i] == 7.0 && scratch_in[i] == (double)i;
    bad_calls_of[b]++;
    if (s != BAD[b].want || mlen == 0 || !untouched) {
        if (!bad_wrong_of[b]++)
            snprintf(bad_first_wrong[b], sizeof bad_first_wrong[b],
                     "status %d (want %d), message '%.120s', output %s", s, BAD[b].want, msg,
                     untouched ? "untouched" : "WRITTEN");
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Interrupts: a helper thread asks every running call to stop, again and again, while the main
 * thread runs one long interruptible call. The lock makes "disarmed" final: once the main
 * thread has taken and released it after disarming, no request is in flight or will come. */

static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t irq_cond = PTHREAD_COND_INITIALIZER;
static int irq_armed, irq_quit;
static long irq_requests;

static void *interrupter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&irq_lock);
    while (!irq_quit) {
        if (!irq_armed) {
            pthread_cond_wait(&irq_cond, &irq_lock);
            continue;
        }
        speedup_request_interrupt();
        irq_requests++;
        pthread_mutex_unlock(&irq_lock);
        struct timespec ts = {0, 300000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&irq_lock);
    }
    pthread_mutex_unlock(&irq_lock);
    return NULL;
}

static void arm(int on)
{
    pthread_mutex_lock(&irq_lock);
    irq_armed = on;
    pthread_cond_signal(&irq_cond);
    pthread_mutex_unlock(&irq_lock);
}

/* Long calls (hundreds of ms to seconds uninterrupted); reference bits computed on demand. */
CALL_FN(long_pi) { CALL_SCALAR(double, speedup_monte_carlo_pi(200000000, 7, R)); }
CALL_FN(long_markov)
{
    CALL_ARRAY(uint64_t, 2 * KM,
               speedup_markov_chains(P, KM, 1, 100000000, 2, 5, (uint64_t *)out, 2 * KM));
}
CALL_FN(long_primes) { CALL_SCALAR(uint64_t, speedup_sum_primes_below(UINT64_C(20000000000), R)); }

static const struct {
    const char *name;
    call_fn fn;
} LONG[] = {{"monte_carlo_pi", long_pi}, {"markov_chains", long_markov}, {"sum_primes_below", long_primes}};
enum { NLONG = 3 };
static long long_interrupted[NLONG], long_ok[NLONG], long_wrong[NLONG], long_after_wrong[NLONG];
static unsigned char long_ref[NLONG][64];
static size_t long_ref_len[NLONG];

static void interrupted_call(size_t l, unsigned char *out)
{
    size_t len = 0;
    for (size_t i = 0; i < 64; i++)
        out[i] = 0xA5;
    arm(1);
    speedup_status s = LONG[l].fn(out, &len);
    arm(0);
    if (s == SPEEDUP_ERR_INTERRUPTED) {
        bool untouched = true;
        for (size_t i = 0; i < 64; i++)
            untouched &= out[i] == 0xA5;
        long_interrupted[l]++;
        long_wrong[l] += !untouched;
    } else if (s == SPEEDUP_OK) {
        long_ok[l]++;
        if (!long_ref_len[l]) { /* the uninterrupted bits, once */
            speedup_status r = LONG[l].fn(long_ref[l], &long_ref_len[l]);
            long_wrong[l] += r != SPEEDUP_OK;
        }
        long_wrong[l] += len != long_ref_len[l] || memcmp(out, long_ref[l], len) != 0;
    } else {
        long_wrong[l]++;
    }
    /* The next call works: the small call of the same kernel, against its first bits. */
    size_t k = l == 0 ? 14 : l == 1 ? 15 : 12;
    s = K[k].fn(out, &len);
    long_after_wrong[l] += s != SPEEDUP_OK || !same_result(k, out, len);
}

/* ------------------------------------------------------------------------------------------ */
/* /proc/self/status */

static void proc_status(long *rss_kib, long *threads)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    *rss_kib = *threads = -1;
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            *rss_kib = strtol(line + 6, NULL, 10);
        else if (strncmp(line, "Threads:", 8) == 0)
            *threads = strtol(line + 8, NULL, 10);
    }
    fclose(f);
}

/* ------------------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    long calls = 1000000, rss_mib = 8, thread_slack = 4, knob_every = 97;
    for (int a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--calls") == 0)
            calls = strtol(argv[a + 1], NULL, 10);
        else if (strcmp(argv[a], "--rss-mib") == 0)
            rss_mib = strtol(argv[a + 1], NULL, 10);
        else if (strcmp(argv[a], "--thread-slack") == 0)
            thread_slack = strtol(argv[a + 1], NULL, 10);
        else if (strcmp(argv[a], "--knob-every") == 0)
            knob_every = strtol(argv[a + 1], NULL, 10);
        else if (strcmp(argv[a], "--seed") == 0)
            rng_state = strtoull(argv[a + 1], NULL, 10);
        else {
            fprintf(stderr, "usage: soak [--calls N] [--rss-mib M] [--thread-slack T] [--knob-every K] [--seed S]\n");
            return 2;
        }
    }
    if (calls < 1000) {
        fprintf(stderr, "soak: --calls must be at least 1000\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_begin_section("soak-c");
    double t0 = now();
    long rss0, thr0;
    proc_status(&rss0, &thr0);

    make_inputs();
    unsigned char *out = xmalloc(OUT_MAX);
    /* The first call of every kernel gives its reference bits (at the default thread count). */
    for (size_t k = 0; k < NK; k++) {
        speedup_status s = K[k].fn(out, &ref_len[k]);
        ref[k] = xmalloc(ref_len[k]);
        memcpy(ref[k], out, ref_len[k]);
        if (s != SPEEDUP_OK) {
            fprintf(stderr, "soak: the first call of %s failed: status %d\n", K[k].name, s);
            return 2;
        }
    }
    /* The schedule: kernel k with probability weight / total. */
    int total = 0;
    for (size_t k = 0; k < NK; k++)
        total += K[k].weight;
    size_t *pick = xmalloc((size_t)total * sizeof *pick);
    for (size_t k = 0, p = 0; k < NK; k++)
        for (int w = 0; w < K[k].weight; w++)
            pick[p++] = k;

    pthread_t irq_thread;
    pthread_create(&irq_thread, NULL, interrupter, NULL);

    const long irq_every = calls / 10 < 5000 ? calls / 10 : 5000;
    const long warmup = calls / 10, sample_every = calls / 100 > 100 ? calls / 100 : 100;
    const size_t knobs[] = {1, 2, 3, 4, 0};
    long rss_warm = -1, thr_warm_max = 0, rss_peak = 0, thr_peak = 0, thr_peak_after = 0;
    long rss_peak_after = 0, rss_warm_peak = 0, thr_raw_peak = 0, knob_changes = 0, bad_calls = 0, ref_rechecks = 0;
    long ref_recheck_wrong = 0, interrupts = 0;
    long curve_rss[11], curve_thr[11];
    int ncurve = 0;
    double t_warm = 0;

    for (long i = 0; i < calls; i++) {
        if (knob_every > 0 && i % knob_every == knob_every - 1) {
            speedup_set_num_threads(knobs[knob_changes % 5]);
            knob_changes++;
        }
        if (i % 50 == 25) {
            bad_call((size_t)(bad_calls % NBAD));
            bad_calls++;
        }
        if (i % irq_every == irq_every / 2) {
            interrupted_call((size_t)(interrupts % NLONG), out);
            interrupts++;
        }
        if (i % 1000 == 999) {
            size_t len = 0;
            speedup_status s = K[SUM_BIG].fn(out, &len);
            ref_rechecks++;
            ref_recheck_wrong += s != SPEEDUP_OK || !same_result(SUM_BIG, out, len);
        }
        size_t k = pick[rng_next() % (uint64_t)total], len = 0;
        double tc = now();
        speedup_status s = K[k].fn(out, &len);
        time_of[k] += now() - tc;
        calls_of[k]++;
        if (s != SPEEDUP_OK || !same_result(k, out, len)) {
            if (!wrong_of[k]++)
                snprintf(first_wrong[k], sizeof first_wrong[k], "call %ld, status %d, %zu threads",
                         i, s, speedup_get_num_threads());
        }
        if (i == warmup - 1) {
            /* The most threads the process holds for good: a pool of 4 and an OpenMP team of 4
             * (the largest knob), counted into the warm-up's maximum. */
            long unused, thr;
            speedup_set_num_threads(4);
            K[SUM_BIG].fn(out, &len);
            call_legacy_std(out, &len);
            thr = settled_threads(&unused);
            thr_warm_max = thr > thr_warm_max ? thr : thr_warm_max;
            speedup_set_num_threads(knobs[(knob_changes + 4) % 5]);
        }
        if (i % sample_every == 0 || i == warmup || i == calls - 1) {
            long rss, thr, thr_raw;
            proc_status(&rss, &thr);
            thr = settled_threads(&thr_raw);
            /* Above the bound after the warm-up: give retiring threads up to 2 s more (a
             * loaded machine may not run them soon); a leak stays. */
            for (int w = 0; i >= warmup && thr > thr_warm_max + thread_slack && w < 1000; w++) {
                struct timespec ts = {0, 2000000};
                nanosleep(&ts, NULL);
                proc_status(&rss, &thr);
            }
            thr_raw_peak = thr_raw > thr_raw_peak ? thr_raw : thr_raw_peak;
            if (i < warmup) {
                thr_warm_max = thr > thr_warm_max ? thr : thr_warm_max;
                rss_warm_peak = rss > rss_warm_peak ? rss : rss_warm_peak;
            } else {
                if (rss_warm < 0) {
                    rss_warm = rss;
                    t_warm = now();
                    thr_warm_max = thr > thr_warm_max ? thr : thr_warm_max;
                }
                rss_peak_after = rss > rss_peak_after ? rss : rss_peak_after;
                thr_peak_after = thr > thr_peak_after ? thr : thr_peak_after;
            }
            rss_peak = rss > rss_peak ? rss : rss_peak;
            thr_peak = thr > thr_peak ? thr : thr_peak;
            if (i >= (long)((double)ncurve * (double)(calls - 1) / 10.0) && ncurve < 11) {
                curve_rss[ncurve] = rss;
                curve_thr[ncurve] = thr;
                ncurve++;
            }
        }
    }
    speedup_set_num_threads(0);
    pthread_mutex_lock(&irq_lock);
    irq_quit = 1;
    pthread_cond_signal(&irq_cond);
    pthread_mutex_unlock(&irq_lock);
    pthread_join(irq_thread, NULL);
    long rss_end, thr_end, thr_end_raw;
    proc_status(&rss_end, &thr_end);
    thr_end = settled_threads(&thr_end_raw);
    double t1 = now();

    long total_calls = calls + bad_calls + ref_rechecks + knob_changes;
    for (size_t k = 0; k < NK; k++) {
        CHECK(calls_of[k] > 0, "%s was never called", K[k].name);
        CHECK(wrong_of[k] == 0, "%s: %ld of %ld calls wrong (first: %s)", K[k].name, wrong_of[k],
              calls_of[k], first_wrong[k]);
    }
    for (size_t b = 0; b < NBAD; b++)
        CHECK(bad_calls_of[b] > 0 && bad_wrong_of[b] == 0, "bad call %s: %ld of %ld wrong (first: %s)",
              BAD[b].name, bad_wrong_of[b], bad_calls_of[b], bad_first_wrong[b]);
    long irq_total = 0, irq_ok = 0;
    for (size_t l = 0; l < NLONG; l++) {
        irq_total += long_interrupted[l];
        irq_ok += long_ok[l];
        CHECK(long_wrong[l] == 0 && long_after_wrong[l] == 0,
              "interrupted %s: %ld wrong outcomes, %ld wrong calls after", LONG[l].name,
              long_wrong[l], long_after_wrong[l]);
    }
    CHECK(irq_total > 0, "no call was ever interrupted (%ld requests)", irq_requests);
    CHECK(ref_recheck_wrong == 0, "%ld of %ld reference re-checks differ", ref_recheck_wrong,
          ref_rechecks);
    CHECK(rss_peak_after - rss_warm < rss_mib * 1024,
          "RSS grew after the warm-up: %ld KiB then, peak %ld KiB (bound +%ld MiB)", rss_warm,
          rss_peak_after, rss_mib);
    CHECK(rss_end - rss_warm < rss_mib * 1024,
          "RSS grew after the warm-up: %ld KiB then, %ld KiB at the end (bound +%ld MiB)", rss_warm,
          rss_end, rss_mib);
    CHECK(thr_peak_after <= thr_warm_max + thread_slack,
          "settled threads after the warm-up: up to %ld, warm-up max %ld (slack %ld)", thr_peak_after,
          thr_warm_max, thread_slack);
    CHECK(thr_end <= thr_warm_max + thread_slack, "threads at the end: %ld, warm-up max %ld",
          thr_end, thr_warm_max);

    printf("soak-c: %ld calls (%ld kernel calls over %d kernels and legacy routines, %ld bad "
           "calls, %ld knob changes, %ld reference re-checks) + %ld long calls: %ld interrupted, "
           "%ld finished; %.1f s (%.1f s after the warm-up)\n",
           total_calls, calls, (int)NK, bad_calls, knob_changes, ref_rechecks, interrupts,
           irq_total, irq_ok, t1 - t0, t1 - t_warm);
    printf("soak-c: rss_kib start %ld warmup %ld peak %ld end %ld (after warm-up: peak +%ld, end "
           "%+ld; bound +%ld MiB)\n",
           rss0, rss_warm, rss_peak, rss_end, rss_peak_after - rss_warm, rss_end - rss_warm,
           rss_mib);
    printf("soak-c: threads start %ld warmup %ld peak %ld end %ld (settled; after the warm-up up "
           "to %ld, slack %ld; unsettled peak %ld)\n",
           thr0, thr_warm_max, thr_peak, thr_end, thr_peak_after, thread_slack, thr_raw_peak);
    /* Where the time went: the five kernels that took longest in all. */
    printf("soak-c: most time:");
    for (int top = 0; top < 5; top++) {
        size_t best = 0;
        for (size_t k = 1; k < NK; k++)
            best = time_of[k] > time_of[best] ? k : best;
        printf(" %s %.1f s (%ld calls)%s", K[best].name, time_of[best], calls_of[best], top < 4 ? "," : "\n");
        time_of[best] = -1.0;
    }
    printf("soak-c: curve (every 10%%) rss_kib");
    for (int c = 0; c < ncurve; c++)
        printf(" %ld", curve_rss[c]);
    printf(" | threads");
    for (int c = 0; c < ncurve; c++)
        printf(" %ld", curve_thr[c]);
    printf("\n");
    (void)rss_warm_peak;
    (void)check_same_bits_at; /* check.h's, unused here */
    free(out);
    free(pick);
    return check_report();
}
