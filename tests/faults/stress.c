/*
 * stress.c: speedup inside a busy host process, through the C door (libspeedup.so).
 *
 *  threads   16 pthreads x 1000 mixed calls (every kernel, two legacy routines, one bad call
 *            per thread and round checking that speedup_last_error is per thread), results
 *            compared bit for bit with references computed serially first, while another
 *            thread keeps changing speedup_set_num_threads underneath.
 *  nested    a speedup_map_f64 callback that itself calls speedup_sum (small and large
 *            inputs): runs serially on the worker (no nested pool, no new threads).
 *  openmp    speedup kernels and legacy routines called from the threads of an OpenMP
 *            parallel region: right results, threads bounded (OpenMP team + speedup's pool).
 *  fork      after the parent ran rayon and OpenMP (3 threads), a forked child runs Rust
 *            kernels and legacy routines (OpenMP with one thread there) and gets the parent's
 *            bits; a child that hangs is killed by alarm() and fails.
 *
 *  host-openmp-fork (run alone, before any speedup call): the host's own OpenMP team ran,
 *            then it forked; the child's legacy routines use one OpenMP thread.
 *
 * Prints "N passed, M failed" last (check.h). Usage: stress [section ...]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <speedup.h>
#include <speedup_legacy.h>

#include "../c/calls.h"
#include "../c/check.h"
#include "../c/inputs.h"

enum { N_THREADS = 16, N_CALLS = 1000 };

/* ------------------------------------------------------------------------------------------ */
/* Inputs (some above the kernels' parallel cut-offs, so that the pool is really used) and the
 * serial references. */

enum { NX = 1100000, ROWS = 200, COLS = 300, NSIGNAL = 2000, KSIG = 3, NPTS = 20000, NC = 4096,
       NQ = 64, NPI = 100000, KM = 3, NCHAINS = 8, NSTEPS = 3000 };

static double *x, *grid, *sig, *pts, *cgrid;
static uint64_t q[NQ];
static const double P[KM * KM] = {0.9, 0.1, 0.0, 0.2, 0.5, 0.3, 0.0, 0.4, 0.6};

static const struct {
    const char *name;
    call_fn fn;
} KERNELS[] = {
    {"sum", call_sum},
    {"mean", call_mean},
    {"std", call_std},
    {"second_derivative", call_second_derivative},
    {"laplacian", call_laplacian},
    {"comb_forward", call_comb_forward},
    {"comb_backward", call_comb_backward},
    {"is_prime_many", call_is_prime_many},
    {"is_prime", call_is_prime},
    {"sum_primes_below_many", call_sum_primes_below_many},
    {"sum_primes_below", call_sum_primes_below},
    {"monte_carlo_pi", call_monte_carlo_pi},
    {"markov_chains", call_markov_chains},
    {"closest_pair", call_closest_pair},
    {"mandelbrot", call_mandelbrot},
    {"map_f64", call_map_f64},
    {"legacy_laplacian", call_legacy_laplacian},
    {"legacy_mandelbrot", call_legacy_mandelbrot},
};
enum { NK = sizeof KERNELS / sizeof KERNELS[0] };
enum { OUT_BYTES = NSIGNAL * KSIG * sizeof(double) > NC * 8 ? NSIGNAL * KSIG * sizeof(double) : NC * 8 };

static unsigned char *ref[NK];
static size_t ref_len[NK];

static void make_inputs(void)
{
    draw_call_arrays(&x, NX, &grid, ROWS * COLS, &sig, NSIGNAL * KSIG, &pts, NPTS, &cgrid, NC);
    for (size_t i = 0; i < NQ; i++)
        q[i] = rng_next() % 300000;
    call_in = (struct call_inputs){
        .x = x, .n_sum = NX, .n_mean = 5000, .n_std = NX, .n_d2 = 5000,
        .grid = grid, .rows = ROWS, .cols = COLS,
        .sig = sig, .n_sig = NSIGNAL, .k_sig = KSIG,
        .q = q, .n_q = NQ, .n_sums = NQ, .prime = UINT64_C(18446744073709551557), .below = 200000,
        .pts = pts, .n_pts = NPTS, .cgrid = cgrid, .n_c = NC, .max_iter = 100,
        .n_pi = NPI, .p = P, .k_m = KM, .n_chains = NCHAINS, .n_steps = NSTEPS, .n_map = 8192};
    call_legacy_in = call_in;
    speedup_set_num_threads(1);
    for (size_t k = 0; k < NK; k++) {
        ref[k] = xmalloc((ROWS - 2) * (COLS - 2) * sizeof(double) + OUT_BYTES);
        speedup_status s = KERNELS[k].fn(ref[k], &ref_len[k]);
        if (s != SPEEDUP_OK) {
            fprintf(stderr, "reference %s failed: %d\n", KERNELS[k].name, s);
            exit(2);
        }
    }
    speedup_set_num_threads(0);
}

static int threads_now(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* ------------------------------------------------------------------------------------------ */

struct worker {
    int id;
    long calls, wrong, errors_wrong;
    char first_wrong[160];
};

static atomic_int workers_done;

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned char *out = xmalloc((ROWS - 2) * (COLS - 2) * sizeof(double) + OUT_BYTES);
    for (int i = 0; i < N_CALLS; i++) {
        size_t k = (size_t)(w->id * 7 + i) % NK, len = 0;
        speedup_status s = KERNELS[k].fn(out, &len);
        w->calls++;
        if (s != SPEEDUP_OK || len != ref_len[k] || memcmp(out, ref[k], len) != 0) {
            if (!w->wrong++)
                snprintf(w->first_wrong, sizeof w->first_wrong, "%s (call %d, status %d)",
                         KERNELS[k].name, i, s);
        }
        if (i % 50 == 0) {
            /* A bad call: its message is this thread's, whatever the others do meanwhile. */
            double r = 7.0;
            char msg[256];
            size_t ddof = 1000 + (size_t)w->id;
            s = speedup_std(x, 1000, ddof, &r);
            speedup_last_error(msg, sizeof msg);
            char want[64];
            snprintf(want, sizeof want, "got %zu", ddof);
            if (s != SPEEDUP_ERR_INVALID_ARGUMENT || r != 7.0 || !strstr(msg, want))
                w->errors_wrong++;
        }
    }
    free(out);
    atomic_fetch_add(&workers_done, 1);
    return NULL;
}

static void *knob_changer(void *arg)
{
    long *changes = arg;
    for (size_t n = 1; atomic_load(&workers_done) < N_THREADS; n = n % 5 + 1) {
        speedup_set_num_threads(n);
        (*changes)++;
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    speedup_set_num_threads(0);
    return NULL;
}

static void test_threads(void)
{
    check_begin_section("threads");
    struct worker w[N_THREADS];
    pthread_t t[N_THREADS], changer;
    long changes = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    atomic_store(&workers_done, 0);
    pthread_create(&changer, NULL, knob_changer, &changes);
    for (int i = 0; i < N_THREADS; i++) {
        w[i] = (struct worker){.id = i};
        pthread_create(&t[i], NULL, worker_main, &w[i]);
    }
    long calls = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(t[i], NULL);
        calls += w[i].calls;
        CHECK(w[i].wrong == 0, "thread %d: %ld of %ld calls wrong, first: %s", i, w[i].wrong,
              w[i].calls, w[i].first_wrong);
        CHECK(w[i].errors_wrong == 0, "thread %d: %ld bad calls gave the wrong status/message",
              i, w[i].errors_wrong);
    }
    pthread_join(changer, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* And every kernel once more from this thread at 5 threads. */
    speedup_set_num_threads(5);
    unsigned char *out = xmalloc((ROWS - 2) * (COLS - 2) * sizeof(double) + OUT_BYTES);
    for (size_t k = 0; k < NK; k++) {
        size_t len = 0;
        CHECK(KERNELS[k].fn(out, &len) == SPEEDUP_OK && len == ref_len[k], "%s at 5 threads",
              KERNELS[k].name);
        CHECK_SAME_BITS(out, ref[k], len, 1, KERNELS[k].name);
    }
    free(out);
    speedup_set_num_threads(0);
    CHECK(calls == N_THREADS * N_CALLS, "%ld calls", calls);
    CHECK(changes > 0, "the knob never changed during the run");
    printf("threads: %d threads x %d calls (%d kernels) = %ld calls, all bitwise equal to the "
           "serial references; knob changed %ld times underneath; %.2f s\n",
           N_THREADS, N_CALLS, NK, calls, changes,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
}

/* ------------------------------------------------------------------------------------------ */

static atomic_int max_threads_seen;
static atomic_long nested_bad;

static void note_threads(void)
{
    int n = threads_now();
    int seen = atomic_load(&max_threads_seen);
    while (n > seen && !atomic_compare_exchange_weak(&max_threads_seen, &seen, n)) {
    }
}

/* f(v) = v + sum(x[0..m]) where the inner speedup_sum runs on a speedup worker. */
static double nested_small(double v, void *ctx)
{
    (void)ctx;
    double s;
    if (speedup_sum(x, 100, &s) != SPEEDUP_OK)
        atomic_fetch_add(&nested_bad, 1);
    note_threads();
    return v + s;
}

static double nested_large(double v, void *ctx)
{
    (void)ctx;
    double s;
    if (speedup_sum(x, NX, &s) != SPEEDUP_OK) /* above the cut-off: still serial here */
        atomic_fetch_add(&nested_bad, 1);
    note_threads();
    return v + s;
}

/* About a microsecond per element: a map_f64 of many elements always goes parallel. */
static double costly(double v, void *ctx)
{
    (void)ctx;
    volatile double acc = v;
    for (int i = 0; i < 200; i++)
        acc = acc * 0.999 + 1e-3;
    return acc;
}

static void test_nested(void)
{
    check_begin_section("nested");
    double s100, sall;
    speedup_sum(x, 100, &s100);
    speedup_sum(x, NX, &sall);
    speedup_set_num_threads(4);
    double *out = xmalloc(NX * sizeof *out);
    /* Warm the pool up so that its threads exist before counting: a callback costly enough
     * that the map goes parallel whatever the calibrated cut-off (a cheap one may stay serial
     * and leave the pool unbuilt). */
    speedup_map_f64(costly, NULL, x, NX, out, NX);
    int before = threads_now();
    atomic_store(&max_threads_seen, 0);
    speedup_status s = speedup_map_f64(nested_small, NULL, x, NX, out, NX);
    int bad = 0;
    for (size_t i = 0; i < NX; i++)
        bad += out[i] != x[i] + s100;
    CHECK(s == SPEEDUP_OK && bad == 0 && atomic_load(&nested_bad) == 0,
          "map_f64 with a callback calling speedup_sum: status %d, %d wrong", s, bad);
    s = speedup_map_f64(nested_large, NULL, x, 64 * 64, out, 64 * 64);
    bad = 0;
    for (size_t i = 0; i < 64 * 64; i++)
        bad += out[i] != x[i] + sall;
    CHECK(s == SPEEDUP_OK && bad == 0 && atomic_load(&nested_bad) == 0,
          "callback calling a large speedup_sum: status %d, %d wrong", s, bad);
    if (!CHECK(atomic_load(&max_threads_seen) <= before,
               "nested calls changed the thread count: %d before, up to %d during", before,
               atomic_load(&max_threads_seen))) {
        /* What decided the warm-up's way: the calibration line of the report. */
        char report[4096];
        speedup_config(report, sizeof report);
        char *line = strstr(report, "calibration:");
        if (line)
            fprintf(stderr, "      %.*s\n", (int)strcspn(line, "\n"), line);
    }
    printf("nested: map_f64 callbacks calling speedup_sum ran serially on the workers; "
           "threads %d before, at most %d during\n",
           before, atomic_load(&max_threads_seen));
    speedup_set_num_threads(0);
    free(out);
}

/* ------------------------------------------------------------------------------------------ */

static void test_openmp(void)
{
    check_begin_section("openmp");
    enum { TEAM = 4, KNOB = 2 };
    speedup_set_num_threads(KNOB);
    int before = threads_now();
    long wrong = 0;
    int max_seen = 0, team = 0;
    size_t nl = (ROWS - 2) * (COLS - 2);
#pragma omp parallel num_threads(TEAM) reduction(+ : wrong) reduction(max : max_seen)
    {
#pragma omp single
        team = omp_get_num_threads();
        unsigned char *out = xmalloc(nl * sizeof(double) + OUT_BYTES);
        for (int i = 0; i < 40; i++) {
            size_t k = (size_t)(omp_get_thread_num() * 5 + i) % NK, len = 0;
            speedup_status s = KERNELS[k].fn(out, &len);
            wrong += s != SPEEDUP_OK || len != ref_len[k] || memcmp(out, ref[k], len) != 0;
            int n = threads_now();
            max_seen = n > max_seen ? n : max_seen;
        }
        /* Legacy routines from inside the region: their own OpenMP region is nested, which
         * OpenMP runs with one thread unless the program enabled nesting. */
        size_t tsz = 0, distinct = 0;
        speedup_legacy_omp_team_size(&tsz, &distinct);
        wrong += tsz != 1;
        free(out);
    }
    /* Bound: the OpenMP team, plus speedup's pool (KNOB workers, or the previous pool being
     * retired: 2 * the largest knob used), plus the threads that were there before. */
    int bound = before + TEAM + 2 * 5;
    CHECK(team == TEAM, "OpenMP team of %d", team);
    CHECK(wrong == 0, "%ld wrong results from OpenMP threads", wrong);
    CHECK(max_seen <= bound, "threads: %d before, up to %d during (bound %d)", before, max_seen,
          bound);
    printf("openmp: %d OpenMP threads x 40 calls, right bits; threads %d before, at most %d "
           "during (team %d + pool %d)\n",
           TEAM, before, max_seen, TEAM, KNOB);
    speedup_set_num_threads(0);
}

/* ------------------------------------------------------------------------------------------ */

static void test_fork(void)
{
    check_begin_section("fork");
    speedup_set_num_threads(3);
    size_t team = 0, distinct = 0;
    speedup_legacy_omp_team_size(&team, &distinct);
    CHECK(team == 3 && distinct == 3, "parent: OpenMP team %zu, distinct %zu", team, distinct);
    /* Both pools are running in the parent now. */
    /* Where the child is, shared with the parent, so that a hang says where it hung: -2 until the
     * child starts, -1 during its OpenMP team check, k while kernel k runs, NK when it is done. */
    _Atomic int *where = mmap(NULL, sizeof *where, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                              -1, 0);
    CHECK(where != MAP_FAILED, "mmap of the child's progress word failed");
    if (where == MAP_FAILED) {
        speedup_set_num_threads(0);
        return;
    }
    atomic_store(where, -2);
    unsigned char *out = xmalloc((ROWS - 2) * (COLS - 2) * sizeof(double) + OUT_BYTES);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* A hang kills the child (SIGALRM) and fails the check below; the default disposition
         * first, in case this program was started with SIGALRM ignored (inherited). */
        signal(SIGALRM, SIG_DFL);
        alarm(60);
        int code = 0;
        atomic_store(where, -1);
        speedup_legacy_omp_team_size(&team, &distinct);
        if (team != 1)
            code = 1;
        for (size_t k = 0; k < NK && !code; k++) {
            size_t len = 0;
            atomic_store(where, (int)k);
            speedup_status s = KERNELS[k].fn(out, &len);
            if (s != SPEEDUP_OK || len != ref_len[k] || memcmp(out, ref[k], len) != 0) {
                fprintf(stderr, "forked child: %s differs\n", KERNELS[k].name);
                code = 10 + (int)k;
            }
        }
        atomic_store(where, (int)NK);
        _exit(code);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    int at = atomic_load(where);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "forked child: %s %d (1: OpenMP team not 1; 10+k: kernel k wrong; SIGALRM: hung), last "
          "at %s",
          WIFEXITED(status) ? "exit code" : "killed by signal",
          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
          at == -2   ? "the fork"
          : at == -1 ? "the OpenMP team check"
          : at >= 0 && at < (int)NK ? KERNELS[at].name
                                    : "the end");
    munmap((void *)where, sizeof *where);
    /* The parent still has its pools. */
    speedup_legacy_omp_team_size(&team, &distinct);
    CHECK(team == 3, "parent after fork: OpenMP team %zu", team);
    printf("fork: the forked child ran all %d calls (Rust kernels and legacy routines) with "
           "the parent's bits, legacy OpenMP with one thread\n",
           (int)NK);
    speedup_set_num_threads(0);
    free(out);
}

/* ------------------------------------------------------------------------------------------ */

/* Run alone (`stress host-openmp-fork`), before any speedup call: the host program's own OpenMP
 * team ran, then it forks. speedup's fork handler was registered when the library was loaded,
 * so the child knows it is one and runs the legacy OpenMP routines with one thread instead of
 * waiting for the parent's OpenMP threads. */
static void test_host_openmp_fork(void)
{
    check_begin_section("host-openmp-fork");
    int team = 0;
#pragma omp parallel num_threads(3)
    {
#pragma omp single
        team = omp_get_num_threads();
    }
    CHECK(team == 3, "the host's own OpenMP team: %d", team);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL); /* as in test_fork */
        alarm(60);
        speedup_set_num_threads(3);
        size_t t = 0, distinct = 0;
        speedup_legacy_omp_team_size(&t, &distinct);
        double f[4 * 5], out[2 * 3], want[2 * 3];
        for (int i = 0; i < 20; i++)
            f[i] = (double)(i * i % 7);
        speedup_legacy_laplacian(f, 4, 5, 0.5, 0.25, out, 6);
        speedup_laplacian(f, 4, 5, 0.5, 0.25, want, 6);
        _exit(t != 1 ? 1 : memcmp(out, want, sizeof out) != 0 ? 2 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "forked child of an OpenMP host: %s %d (1: OpenMP team not 1; 2: wrong result; "
          "SIGALRM: hung)",
          WIFEXITED(status) ? "exit code" : "killed by signal",
          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    printf("host-openmp-fork: after the host's own OpenMP team ran, a forked child ran the "
           "legacy routines with one thread\n");
}

/* ------------------------------------------------------------------------------------------ */

static const struct {
    const char *name;
    void (*fn)(void);
} SECTIONS[] = {
    {"threads", test_threads},
    {"nested", test_nested},
    {"openmp", test_openmp},
    {"fork", test_fork},
};

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "host-openmp-fork") == 0) {
        test_host_openmp_fork();
        return check_report();
    }
    make_inputs();
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
        if (check_wanted(argc, argv, SECTIONS[i].name))
            SECTIONS[i].fn();
    return check_report();
}
