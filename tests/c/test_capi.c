/*
 * test_capi.c: the C door of speedup (include/speedup.h, libspeedup.so) against docs/contract.md.
 *
 * Every function of speedup.h is called. Each result is compared with an independent
 * reference written here from docs/contract.md (plain serial C loops; a Philox4x64-10 written from
 * the Random123 paper and checked against its published known-answer vectors), every kernel
 * is run at 1, 2, 3 and 8 threads on inputs large enough to go parallel (same bits required),
 * and every bad input of the contract and of the C door is tried: the status code, a
 * last-error message naming the kernel and the argument, and an output left untouched.
 *
 * Build (tests/c/run.sh does this):
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -I include \
 *       -DEXPECTED_VERSION='"0.1.0"' tests/c/test_capi.c -L target/release -lspeedup -lm \
 *       -Wl,-rpath,$PWD/target/release
 * Run:  ./test_capi [--list] [section ...]     (no section: all of them)
 *
 * Known random values: besides the Philox reference, the numpy vectors of the random kernels
 * (crates/speedup-core/tests/data/philox_{words,pi,markov}.txt, written by
 * tools/gen_philox_vectors.py; SPEEDUP_VECTORS_DIR overrides the folder) are compared when
 * present: they check the test's own Philox reference and the kernels against numpy.
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speedup.h"
#include "inputs.h"
#include "check.h"

/* ------------------------------------------------------------------------------------------ */
/* Small utilities                                                                            */

static const size_t THREAD_COUNTS[] = {1, 2, 3, 8};
#define N_THREAD_COUNTS (sizeof THREAD_COUNTS / sizeof THREAD_COUNTS[0])
#define SENTINEL_BYTE 0xA5


static bool all_bytes(const void *p, size_t bytes, unsigned char value)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < bytes; i++)
        if (b[i] != value)
            return false;
    return true;
}

/* A pointer one byte past an aligned one (misaligned for any type wider than a byte). */
static void *misaligned(void *p) { return (void *)((uintptr_t)p + 1); }

/* ------------------------------------------------------------------------------------------ */
/* Bad-input checks                                                                           */

static char last_msg[1024];

static const char *last_error(void)
{
    size_t n = speedup_last_error(last_msg, sizeof last_msg);
    (void)n;
    return last_msg;
}

/* Leaves a recognisable message behind, so a stale message cannot pass for a new one. */
static void prime_last_error(void)
{
    speedup_status s = speedup_set_num_threads((size_t)1000000);
    (void)s;
}

/* True when `word` occurs in `msg` not glued to other identifier characters. */
static bool mentions_word(const char *msg, const char *word)
{
    size_t w = strlen(word);
    for (const char *p = strstr(msg, word); p; p = strstr(p + 1, word)) {
        bool left = p == msg || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                                  (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
        char r = p[w];
        bool right = !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
                       (r >= '0' && r <= '9'));
        if (left && right)
            return true;
    }
    return false;
}

/* `words` is a '|'-separated list of acceptable argument names (NULL: only the kernel). */
static bool mentions_any(const char *msg, const char *words)
{
    if (!words)
        return true;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", words);
    for (char *save = NULL, *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save))
        if (mentions_word(msg, w))
            return true;
    return false;
}

/* Checks one refused call: the status, and a fresh message naming the kernel and argument. */
#define EXPECT_FAIL(call, want, kernel, args)                                                    \
    do {                                                                                         \
        prime_last_error();                                                                      \
        speedup_status got_ = (call);                                                            \
        const char *msg_ = last_error();                                                         \
        CHECK(got_ == (want), "%s: status %d (%s), want %d; message: %s", #call, got_,          \
              speedup_status_message(got_), (int)(want), msg_);                                  \
        CHECK(msg_[0] != '\0' && strstr(msg_, kernel) == msg_ && mentions_any(msg_, args),       \
              "%s: message should start with '%s' and name '%s', got: %s", #call, kernel,      \
              (args) ? (const char *)(args) : "-", msg_);                                        \
    } while (0)

#define EXPECT_UNTOUCHED(buf, bytes)                                                             \
    CHECK(all_bytes((buf), (bytes), SENTINEL_BYTE), "output %s written by a refused call", #buf)

#define EXPECT_OK(call)                                                                          \
    expect_ok_at((call), #call, __FILE__, __LINE__)

static bool expect_ok_at(speedup_status s, const char *call, const char *file, int line)
{
    if (s == SPEEDUP_OK)
        return check_at(true, file, line, call, "%s", "");
    return check_at(false, file, line, call, "status %d (%s): %s", s, speedup_status_message(s),
                    last_error());
}

/* ------------------------------------------------------------------------------------------ */
/* Thread identity: a kernel run at 1, 2, 3 and 8 threads gives the same bits.                */

typedef speedup_status (*run_fn)(void *ctx, void *out);

static void check_threads(const char *what, run_fn run, void *ctx, size_t out_bytes)
{
    unsigned char *first = xmalloc(out_bytes), *other = xmalloc(out_bytes);
    bool ok = true;
    for (size_t t = 0; t < N_THREAD_COUNTS && ok; t++) {
        speedup_status s = speedup_set_num_threads(THREAD_COUNTS[t]);
        CHECK(s == SPEEDUP_OK, "set_num_threads(%zu) gave %d", THREAD_COUNTS[t], s);
        unsigned char *dst = t == 0 ? first : other;
        memset(dst, 0, out_bytes);
        s = run(ctx, dst);
        ok = CHECK(s == SPEEDUP_OK, "%s at %zu threads: status %d (%s): %s", what, THREAD_COUNTS[t],
                   s, speedup_status_message(s), last_error());
        if (ok && t > 0)
            ok = CHECK(memcmp(first, other, out_bytes) == 0,
                       "%s: %zu threads differ from 1 thread", what, THREAD_COUNTS[t]);
    }
    speedup_status s = speedup_set_num_threads(0);
    (void)s;
    free(first);
    free(other);
}

/* ------------------------------------------------------------------------------------------ */
/* References written from docs/contract.md                                                  */

/* Neumaier-compensated sum in long double; and the sum of |x| for error bounds. */
static long double ref_sum(const double *x, size_t n, long double *abs_sum)
{
    long double s = 0.0L, c = 0.0L, a = 0.0L;
    for (size_t i = 0; i < n; i++) {
        long double v = x[i], t = s + v;
        if (fabsl(s) >= fabsl(v))
            c += (s - t) + v;
        else
            c += (v - t) + s;
        s = t;
        a += fabsl(v);
    }
    if (abs_sum)
        *abs_sum = a;
    return s + c;
}

static void ref_second_derivative(const double *f, size_t n, double dx, double *out)
{
    for (size_t i = 0; i + 2 < n; i++)
        out[i] = ((f[i] - 2.0 * f[i + 1]) + f[i + 2]) * (1.0 / (dx * dx));
}

static void ref_laplacian(const double *f, size_t rows, size_t cols, double dx, double dy,
                          double *out)
{
    double ax = 1.0 / (dx * dx), ay = 1.0 / (dy * dy), c = 2.0 * ax + 2.0 * ay;
    for (size_t i = 1; i + 1 < rows; i++)
        for (size_t j = 1; j + 1 < cols; j++)
            out[(i - 1) * (cols - 2) + (j - 1)] =
                ((f[(i - 1) * cols + j] + f[(i + 1) * cols + j]) * ax +
                 (f[i * cols + j - 1] + f[i * cols + j + 1]) * ay) -
                f[i * cols + j] * c;
}

static void ref_comb(bool backward, const double *x, size_t n, size_t k, size_t tau, double alpha,
                     double *y)
{
    for (size_t col = 0; col < k; col++)
        for (size_t t = 0; t < n; t++) {
            size_t at = t * k + col;
            if (t < tau)
                y[at] = x[at];
            else if (backward)
                y[at] = x[at] + alpha * y[(t - tau) * k + col];
            else
                y[at] = x[at] + alpha * x[(t - tau) * k + col];
        }
}

static int32_t ref_escape(double c_re, double c_im, int32_t max_iter)
{
    double re = c_re, im = c_im;
    for (int32_t it = 0; it < max_iter; it++) {
        if (re * re + im * im >= 16.0)
            return it;
        double new_re = (re * re - im * im) + c_re;
        im = (2.0 * re) * im + c_im;
        re = new_re;
    }
    return -1;
}

static bool ref_is_prime_trial(uint64_t n)
{
    if (n < 2)
        return false;
    if (n % 2 == 0)
        return n == 2;
    for (uint64_t d = 3; d <= n / d; d += 2)
        if (n % d == 0)
            return false;
    return true;
}

/* Sieve of Eratosthenes: prime[i] for i < n. */
static unsigned char *ref_sieve(size_t n)
{
    unsigned char *p = xmalloc(n);
    memset(p, 1, n);
    for (size_t i = 0; i < n && i < 2; i++)
        p[i] = 0;
    for (size_t i = 2; i * i < n; i++)
        if (p[i])
            for (size_t j = i * i; j < n; j += i)
                p[j] = 0;
    return p;
}

/* Philox4x64-10 (Salmon et al., SC'11), as docs/contract.md defines the stream. */
static void mulhilo64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *lo = (mid << 32) | (p00 & 0xffffffffu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static void philox4x64_10(const uint64_t ctr_in[4], const uint64_t key_in[2], uint64_t out[4])
{
    uint64_t c[4] = {ctr_in[0], ctr_in[1], ctr_in[2], ctr_in[3]};
    uint64_t k[2] = {key_in[0], key_in[1]};
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k[0] += 0x9E3779B97F4A7C15u;
            k[1] += 0xBB67AE8584CAA73Bu;
        }
        uint64_t hi0, lo0, hi1, lo1;
        mulhilo64(0xD2E7470EE14C6C93u, c[0], &hi0, &lo0);
        mulhilo64(0xCA5A826395121157u, c[2], &hi1, &lo1);
        uint64_t n0 = hi1 ^ c[1] ^ k[0], n2 = hi0 ^ c[3] ^ k[1];
        c[0] = n0;
        c[1] = lo1;
        c[2] = n2;
        c[3] = lo0;
    }
    memcpy(out, c, sizeof c);
}

/* Word `i` of the stream with key (k0, k1), with a one-block cache. */
typedef struct {
    uint64_t key[2], block, words[4];
    bool valid;
} stream;

static uint64_t stream_word(stream *s, uint64_t i)
{
    uint64_t b = i / 4;
    if (!s->valid || s->block != b) {
        uint64_t ctr[4] = {b + 1, 0, 0, 0};
        philox4x64_10(ctr, s->key, s->words);
        s->block = b;
        s->valid = true;
    }
    return s->words[i % 4];
}
static double stream_uniform(stream *s, uint64_t i)
{
    return (double)(stream_word(s, i) >> 11) * 0x1p-53;
}

static double ref_monte_carlo_pi(uint64_t n_points, uint64_t seed)
{
    stream s = {{seed, 0}, 0, {0}, false};
    uint64_t inside = 0;
    for (uint64_t i = 0; i < n_points; i++) {
        double x = stream_uniform(&s, 2 * i), y = stream_uniform(&s, 2 * i + 1);
        if (x * x + y * y < 1.0)
            inside++;
    }
    return (4.0 * (double)inside) / (double)n_points;
}

static void ref_markov(const double *p, size_t k, size_t start, uint64_t n_steps,
                       size_t n_chains, uint64_t seed, uint64_t *counts)
{
    memset(counts, 0, n_chains * k * sizeof *counts);
    for (size_t c = 0; c < n_chains; c++) {
        stream s = {{seed, (uint64_t)c}, 0, {0}, false};
        size_t state = start;
        for (uint64_t t = 0; t < n_steps; t++) {
            double u = stream_uniform(&s, t), cum = 0.0;
            size_t next = k - 1;
            for (size_t j = 0; j < k; j++) {
                cum += p[state * k + j];
                if (u < cum) {
                    next = j;
                    break;
                }
            }
            state = next;
            counts[c * k + state] += 1;
        }
    }
}

static void ref_closest(const double *pts, size_t n, size_t *bi, size_t *bj, double *bd)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double dx = pts[2 * i] - pts[2 * j], dy = pts[2 * i + 1] - pts[2 * j + 1];
            double d2 = dx * dx + dy * dy;
            if (d2 < best) {
                best = d2;
                *bi = i;
                *bj = j;
            }
        }
    *bd = sqrt(best);
}

/* ------------------------------------------------------------------------------------------ */
/* Sections                                                                                   */

static void test_version(void)
{
    const char *v = speedup_version();
    CHECK(v != NULL && v[0] != '\0', "speedup_version() is NULL or empty");
#ifdef EXPECTED_VERSION
    CHECK(v && strcmp(v, EXPECTED_VERSION) == 0, "version '%s', Cargo.toml says '%s'",
          v ? v : "(null)", EXPECTED_VERSION);
#else
    printf("  note: built without -DEXPECTED_VERSION; version '%s' not compared\n", v ? v : "");
#endif
}

static void test_status_message(void)
{
    const speedup_status codes[] = {SPEEDUP_OK,
                                    SPEEDUP_ERR_NULL_POINTER,
                                    SPEEDUP_ERR_LENGTH,
                                    SPEEDUP_ERR_INVALID_ARGUMENT,
                                    SPEEDUP_ERR_OVERFLOW,
                                    SPEEDUP_ERR_INTERRUPTED,
                                    SPEEDUP_ERR_PANIC,
                                    SPEEDUP_ERR_ALLOCATION};
    const size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *m = speedup_status_message(codes[i]);
        CHECK(m && m[0], "status_message(%d) is NULL or empty", codes[i]);
        for (size_t j = 0; j < i && m; j++) {
            const char *o = speedup_status_message(codes[j]);
            CHECK(o && strcmp(m, o) != 0, "codes %d and %d share the message '%s'", codes[i],
                  codes[j], m);
        }
    }
    const speedup_status unknown[] = {8, 100, -1, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *m = speedup_status_message(unknown[i]);
        CHECK(m && m[0], "status_message(%d) of an unknown code is NULL or empty", unknown[i]);
        CHECK(m && strcmp(m, speedup_status_message(SPEEDUP_OK)) != 0,
              "unknown code %d reads as success", unknown[i]);
    }
}

static void *thread_last_error_len(void *arg)
{
    *(size_t *)arg = speedup_last_error(NULL, 0);
    return NULL;
}

static void test_last_error(void)
{
    /* A fresh thread has no message. */
    size_t fresh = 12345;
    pthread_t th;
    if (CHECK(pthread_create(&th, NULL, thread_last_error_len, &fresh) == 0, "pthread_create")) {
        pthread_join(th, NULL);
        CHECK(fresh == 0, "a new thread's last error has length %zu, want 0", fresh);
    }

    /* A failure leaves a message; the length is reported like snprintf. */
    speedup_status s = speedup_sum(NULL, 3, NULL);
    CHECK(s == SPEEDUP_ERR_NULL_POINTER, "sum(NULL, 3) gave %d", s);
    size_t full = speedup_last_error(NULL, 0);
    CHECK(full > 0, "last_error(NULL, 0) gave %zu", full);
    char *whole = xmalloc(full + 1);
    memset(whole, 'Z', full + 1);
    CHECK(speedup_last_error(whole, full + 1) == full, "full-length copy returns another length");
    CHECK(whole[full] == '\0' && strlen(whole) == full, "full copy not NUL-terminated at %zu", full);

    /* Truncation: len - 1 bytes and a NUL, same return value. */
    char small[6];
    memset(small, 'Z', sizeof small);
    CHECK(speedup_last_error(small, sizeof small) == full, "truncated copy returns another length");
    CHECK(small[5] == '\0' && strlen(small) == 5 && strncmp(small, whole, 5) == 0,
          "truncated copy is '%.6s', want the first 5 bytes of '%s'", small, whole);
    char one[1] = {'Z'};
    CHECK(speedup_last_error(one, 1) == full && one[0] == '\0', "len 1 must give just a NUL");
    char untouched[4] = {'Z', 'Z', 'Z', 'Z'};
    CHECK(speedup_last_error(untouched, 0) == full && untouched[0] == 'Z',
          "len 0 must write nothing");

    /* A success does not erase the message of the last failure. */
    double out = 0.0, x = 1.0;
    s = speedup_sum(&x, 1, &out);
    CHECK(s == SPEEDUP_OK && speedup_last_error(NULL, 0) == full,
          "a successful call changed the last error");
    free(whole);
}

/* The value of `key: ` in a speedup_config report (up to the newline), or NULL. */
static const char *config_value(const char *report, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    for (const char *line = report; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, key, k) == 0 && line[k] == ':' && line[k + 1] == ' ') {
            const char *v = line + k + 2, *end = strchr(v, '\n');
            size_t n = end ? (size_t)(end - v) : strlen(v);
            if (n >= cap)
                n = cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return out;
        }
    }
    return NULL;
}

static void test_config(void)
{
    size_t full = speedup_config(NULL, 0);
    CHECK(full > 0, "config(NULL, 0) gave %zu", full);
    char *whole = malloc(full + 1);
    if (!CHECK(whole != NULL, "malloc"))
        return;
    CHECK(speedup_config(whole, full + 1) == full, "full copy returns another length");
    CHECK(whole[full] == '\0' && strlen(whole) == full && whole[full - 1] == '\n',
          "full copy not NUL-terminated after its last newline");
    /* Every line is `key: value`. */
    for (const char *line = whole; *line;) {
        const char *end = strchr(line, '\n'), *colon = strstr(line, ": ");
        CHECK(end && colon && colon < end && colon > line, "not a key: value line: %.40s", line);
        if (!end)
            break;
        line = end + 1;
    }
    char v[256];
    const char *version = config_value(whole, "version", v, sizeof v);
    CHECK(version && strcmp(version, speedup_version()) == 0, "version: %s", version ? version : "(missing)");
    static const char *keys[] = {"target", "profile", "opt_level", "debug_assertions", "cpus",
                                 "threads_source", "cpu_features", "simd.sum_mean_std",
                                 "simd.stencils", "simd.philox", "legacy", "openmp"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        CHECK(config_value(whole, keys[i], v, sizeof v) != NULL, "key %s missing:\n%s", keys[i], whole);
    /* EXPECTED_LEGACY: 1 for a library built with the legacy routines (the default), 0 without
     * (CMake passes it from SPEEDUP_LEGACY). */
#ifndef EXPECTED_LEGACY
#define EXPECTED_LEGACY 1
#endif
    const char *legacy = config_value(whole, "legacy", v, sizeof v);
    CHECK(legacy && strcmp(legacy, EXPECTED_LEGACY ? "yes" : "no") == 0, "legacy: %s (expected %s)",
          legacy ? legacy : "", EXPECTED_LEGACY ? "yes" : "no");
    const char *omp = config_value(whole, "openmp", v, sizeof v);
    CHECK(omp && (EXPECTED_LEGACY ? strncmp(omp, "libgomp", 7) == 0 : strcmp(omp, "none") == 0),
          "openmp: %s", omp ? omp : "");
    const char *philox = config_value(whole, "simd.philox", v, sizeof v);
    CHECK(philox && (strcmp(philox, "avx512") == 0 || strcmp(philox, "avx2") == 0 ||
                     strcmp(philox, "scalar") == 0),
          "simd.philox: %s", philox ? philox : "");

    /* threads follows the knob, and says where it came from. */
    size_t initial = speedup_get_num_threads();
    const char *t = config_value(whole, "threads", v, sizeof v);
    CHECK(t && strtoul(t, NULL, 10) == initial, "threads: %s, get_num_threads %zu", t ? t : "", initial);
    const char *src = config_value(whole, "threads_source", v, sizeof v);
    const char *env = getenv("SPEEDUP_NUM_THREADS");
    if (env && atoi(env) >= 1 && atoi(env) <= 1024)
        CHECK(src && strcmp(src, "SPEEDUP_NUM_THREADS") == 0, "threads_source: %s with SPEEDUP_NUM_THREADS=%s", src ? src : "", env);
    CHECK(speedup_set_num_threads(3) == SPEEDUP_OK, "set 3");
    char *now = malloc(full + 64);
    if (CHECK(now != NULL, "malloc")) {
        speedup_config(now, full + 64);
        t = config_value(now, "threads", v, sizeof v);
        CHECK(t && strcmp(t, "3") == 0, "threads after set 3: %s", t ? t : "");
        src = config_value(now, "threads_source", v, sizeof v);
        CHECK(src && strcmp(src, "set_num_threads") == 0, "threads_source after set 3: %s", src ? src : "");
        free(now);
    }
    CHECK(speedup_set_num_threads(0) == SPEEDUP_OK, "set 0");

    /* Truncation, like speedup_last_error: a NUL-terminated prefix, the full length returned. */
    char small[6];
    CHECK(speedup_config(small, sizeof small) == full, "truncated copy returns another length");
    CHECK(small[5] == '\0' && strncmp(small, whole, 5) == 0, "truncated copy '%s'", small);
    char one[1] = {'Z'};
    CHECK(speedup_config(one, 1) == full && one[0] == '\0', "len 1 must give just a NUL");
    char untouched[1] = {'Z'};
    CHECK(speedup_config(untouched, 0) == full && untouched[0] == 'Z', "len 0 wrote to buf");
    /* A NULL buf with len > 0 writes nothing and gives the length (as with len 0). */
    CHECK(speedup_config(NULL, 64) == full, "config(NULL, 64) did not give the length");
    free(whole);
}

static void test_threads(void)
{
    size_t initial = speedup_get_num_threads();
    CHECK(initial >= 1 && initial <= 1024, "default thread count %zu", initial);
    const char *env = getenv("SPEEDUP_NUM_THREADS");
    if (env && atoi(env) >= 1 && atoi(env) <= 1024)
        CHECK(initial == (size_t)atoi(env), "SPEEDUP_NUM_THREADS=%s but get gives %zu", env,
              initial);
    for (size_t n = 1; n <= 8; n++) {
        CHECK(speedup_set_num_threads(n) == SPEEDUP_OK, "set_num_threads(%zu) refused", n);
        CHECK(speedup_get_num_threads() == n, "get after set %zu gives %zu", n,
              speedup_get_num_threads());
    }
    EXPECT_FAIL(speedup_set_num_threads((size_t)1000000), SPEEDUP_ERR_INVALID_ARGUMENT,
                "set_num_threads", "n");
    CHECK(speedup_get_num_threads() == 8, "a refused set changed the count to %zu",
          speedup_get_num_threads());
    EXPECT_FAIL(speedup_set_num_threads(SIZE_MAX), SPEEDUP_ERR_INVALID_ARGUMENT,
                "set_num_threads", "n");
    CHECK(speedup_set_num_threads(0) == SPEEDUP_OK, "set_num_threads(0) refused");
    CHECK(speedup_get_num_threads() == initial, "set 0 gives %zu, default was %zu",
          speedup_get_num_threads(), initial);
}

static void test_interrupt(void)
{
    /* A request made before a call does not affect that call (nor any later one). */
    const size_t n = 1000000;
    double *x = random_array(n, -1.0, 1.0);
    double want, got = 0.0;
    CHECK(speedup_set_num_threads(2) == SPEEDUP_OK, "set 2");
    EXPECT_OK(speedup_sum(x, n, &want));
    speedup_request_interrupt();
    speedup_request_interrupt();
    EXPECT_OK(speedup_sum(x, n, &got));
    CHECK(memcmp(&want, &got, sizeof got) == 0, "sum after an interrupt request differs");
    double *out = xmalloc(n * sizeof *out);
    EXPECT_OK(speedup_second_derivative(x, n, 0.5, out, n - 2));
    CHECK(speedup_set_num_threads(0) == SPEEDUP_OK, "set 0");
    free(x);
    free(out);
}

/* --- sum / mean / std ---------------------------------------------------------------------- */

static speedup_status run_sum(void *ctx, void *out) { return speedup_sum(ctx, 1000000, out); }
static speedup_status run_mean(void *ctx, void *out) { return speedup_mean(ctx, 1000000, out); }
static speedup_status run_std(void *ctx, void *out) { return speedup_std(ctx, 1000000, 1, out); }

static void check_sum_accuracy(const double *x, size_t n, const char *what)
{
    double got = NAN;
    if (!EXPECT_OK(speedup_sum(x, n, &got)))
        return;
    long double abs_sum, want = ref_sum(x, n, &abs_sum);
    long double bound = (log2((double)n + 1.0) + 2.0) * DBL_EPSILON * abs_sum;
    CHECK(fabsl((long double)got - want) <= bound, "%s (n=%zu): sum %.17g, reference %.20Lg, "
          "error %Lg > bound %Lg", what, n, got, want, fabsl((long double)got - want), bound);
}

static void test_sum(void)
{
    double out;
    /* Empty (NULL allowed) gives +0.0. */
    out = 1.0;
    EXPECT_OK(speedup_sum(NULL, 0, &out));
    CHECK(out == 0.0 && !signbit(out), "empty sum gave %g", out);

    /* Exactly representable cases must be exact. */
    const size_t sizes[] = {1, 7, 8, 127, 128, 129, 1000, 131071, 131072, 131073, 1000003};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *x = xmalloc(n * sizeof *x);
        int64_t exact = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t v = (int64_t)(rng_next() % 2001) - 1000; /* small integers and halves */
            x[i] = (double)v * 0.5;
            exact += v;
        }
        if (EXPECT_OK(speedup_sum(x, n, &out)))
            CHECK(out == (double)exact * 0.5, "sum of %zu halves: %.17g, want %.17g", n, out,
                  (double)exact * 0.5);
        free(x);
    }

    /* Accuracy against a compensated long double reference. */
    for (size_t n = 1; n <= 1000000; n *= 10) {
        double *x = random_array(n, -1.0, 1.0);
        check_sum_accuracy(x, n, "uniform(-1,1)");
        for (size_t i = 0; i < n; i++)
            x[i] = ldexp(rng_uniform(0.5, 1.0), (int)(rng_next() % 80) - 40);
        check_sum_accuracy(x, n, "positive, 80 binades");
        free(x);
    }

    /* NaN propagates. */
    double nanx[5] = {1.0, 2.0, NAN, 3.0, 4.0};
    EXPECT_OK(speedup_sum(nanx, 5, &out));
    CHECK(isnan(out), "NaN did not propagate: %g", out);
    double *big = random_array(1000000, 0.0, 1.0);
    big[777777] = NAN;
    EXPECT_OK(speedup_sum(big, 1000000, &out));
    CHECK(isnan(out), "NaN in 1e6 elements did not propagate: %g", out);

    /* Bad input. */
    memset(&out, SENTINEL_BYTE, sizeof out);
    EXPECT_FAIL(speedup_sum(NULL, 3, &out), SPEEDUP_ERR_NULL_POINTER, "sum", "x");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_sum(nanx, 2, NULL), SPEEDUP_ERR_NULL_POINTER, "sum", "out");
    EXPECT_FAIL(speedup_sum(misaligned(big), 4, &out), SPEEDUP_ERR_INVALID_ARGUMENT, "sum", "x");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_sum(big, 4, misaligned(big)), SPEEDUP_ERR_INVALID_ARGUMENT, "sum", "out");
    EXPECT_FAIL(speedup_sum(big, SIZE_MAX, &out), SPEEDUP_ERR_LENGTH, "sum", "x");
    EXPECT_UNTOUCHED(&out, sizeof out);

    /* Thread identity. */
    for (size_t i = 0; i < 1000000; i++)
        big[i] = rng_uniform(-1.0, 1.0);
    check_threads("sum 1e6", run_sum, big, sizeof(double));
    free(big);
}

static void test_mean(void)
{
    double out;
    double small[8] = {2, 4, 4, 4, 5, 5, 7, 9};
    if (EXPECT_OK(speedup_mean(small, 8, &out)))
        CHECK(out == 5.0, "mean of the textbook 8 values: %.17g, want 5", out);
    const size_t n = 1000000;
    double *x = random_array(n, 1.0, 3.0);
    long double want = ref_sum(x, n, NULL) / (long double)n;
    if (EXPECT_OK(speedup_mean(x, n, &out)))
        CHECK(fabsl((long double)out - want) <= (log2((double)n) + 3.0) * DBL_EPSILON * want,
              "mean %.17g vs reference %.20Lg", out, want);

    memset(&out, SENTINEL_BYTE, sizeof out);
    EXPECT_FAIL(speedup_mean(NULL, 0, &out), SPEEDUP_ERR_INVALID_ARGUMENT, "mean", "x|n");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_mean(x, 0, &out), SPEEDUP_ERR_INVALID_ARGUMENT, "mean", "x|n");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_mean(NULL, 5, &out), SPEEDUP_ERR_NULL_POINTER, "mean", "x");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_mean(x, 5, NULL), SPEEDUP_ERR_NULL_POINTER, "mean", "out");

    check_threads("mean 1e6", run_mean, x, sizeof(double));
    free(x);
}

static void test_std(void)
{
    double out;
    double small[8] = {2, 4, 4, 4, 5, 5, 7, 9};
    if (EXPECT_OK(speedup_std(small, 8, 0, &out)))
        CHECK(out == 2.0, "std of the textbook 8 values: %.17g, want 2", out);
    if (EXPECT_OK(speedup_std(small, 8, 1, &out)))
        CHECK(out == sqrt(32.0 / 7.0), "std ddof=1: %.17g, want %.17g", out, sqrt(32.0 / 7.0));
    double one = 3.5;
    if (EXPECT_OK(speedup_std(&one, 1, 0, &out)))
        CHECK(out == 0.0, "std of one value: %g", out);

    const size_t n = 1000000;
    double *x = random_array(n, 1000.0, 1001.0); /* large mean: two passes matter */
    long double m = ref_sum(x, n, NULL) / (long double)n, ss = 0.0L;
    for (size_t i = 0; i < n; i++)
        ss += ((long double)x[i] - m) * ((long double)x[i] - m);
    for (size_t ddof = 0; ddof <= 2; ddof++) {
        long double want = sqrtl(ss / (long double)(n - ddof));
        if (EXPECT_OK(speedup_std(x, n, ddof, &out)))
            CHECK(fabsl((long double)out - want) <= 1e-10L * want,
                  "std ddof=%zu: %.17g vs reference %.20Lg", ddof, out, want);
    }

    memset(&out, SENTINEL_BYTE, sizeof out);
    EXPECT_FAIL(speedup_std(NULL, 0, 0, &out), SPEEDUP_ERR_INVALID_ARGUMENT, "std", "x|n");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_std(x, 5, 5, &out), SPEEDUP_ERR_INVALID_ARGUMENT, "std", "ddof");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_std(x, 5, 9, &out), SPEEDUP_ERR_INVALID_ARGUMENT, "std", "ddof");
    EXPECT_FAIL(speedup_std(&one, 1, 1, &out), SPEEDUP_ERR_INVALID_ARGUMENT, "std", "ddof");
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_std(NULL, 5, 0, &out), SPEEDUP_ERR_NULL_POINTER, "std", "x");
    EXPECT_FAIL(speedup_std(x, 5, 0, NULL), SPEEDUP_ERR_NULL_POINTER, "std", "out");
    EXPECT_UNTOUCHED(&out, sizeof out);

    check_threads("std 1e6 ddof=1", run_std, x, sizeof(double));
    free(x);
}

/* --- stencils ------------------------------------------------------------------------------ */

typedef struct {
    const double *x;
    size_t n, k, tau;
    double a, b;
} arr_ctx;

static speedup_status run_d2(void *ctx, void *out)
{
    const arr_ctx *c = ctx;
    return speedup_second_derivative(c->x, c->n, c->a, out, c->n - 2);
}

static void test_second_derivative(void)
{
    const size_t sizes[] = {3, 4, 10, 1000, 65537, 1000000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *f = random_array(n, -10.0, 10.0);
        double *got = xmalloc((n - 2) * sizeof *got), *want = xmalloc((n - 2) * sizeof *want);
        const double dxs[] = {0.1, 1.0, 3e-5, -0.25};
        for (size_t d = 0; d < 4; d++) {
            ref_second_derivative(f, n, dxs[d], want);
            if (EXPECT_OK(speedup_second_derivative(f, n, dxs[d], got, n - 2)))
                CHECK_SAME_BITS(got, want, n - 2, sizeof(double), "second_derivative vs reference");
        }
        free(f);
        free(got);
        free(want);
    }

    const size_t n = 1000000;
    double *f = random_array(n, -1.0, 1.0);
    double *out = xmalloc(n * sizeof *out);
    const size_t ob = (n - 2) * sizeof *out;
    memset(out, SENTINEL_BYTE, n * sizeof *out);
    EXPECT_FAIL(speedup_second_derivative(NULL, n, 0.1, out, n - 2), SPEEDUP_ERR_NULL_POINTER,
                "second_derivative", "f");
    EXPECT_FAIL(speedup_second_derivative(f, n, 0.1, NULL, n - 2), SPEEDUP_ERR_NULL_POINTER,
                "second_derivative", "out");
    EXPECT_FAIL(speedup_second_derivative(f, n, 0.1, out, n - 3), SPEEDUP_ERR_LENGTH,
                "second_derivative", "out_len");
    EXPECT_FAIL(speedup_second_derivative(f, n, 0.1, out, n), SPEEDUP_ERR_LENGTH,
                "second_derivative", "out_len");
    EXPECT_FAIL(speedup_second_derivative(f, 2, 0.1, out, 0), SPEEDUP_ERR_INVALID_ARGUMENT,
                "second_derivative", "f|n");
    EXPECT_FAIL(speedup_second_derivative(NULL, 0, 0.1, NULL, 0), SPEEDUP_ERR_INVALID_ARGUMENT,
                "second_derivative", "f|n");
    const double bad_dx[] = {0.0, -0.0, INFINITY, -INFINITY, NAN};
    for (size_t d = 0; d < 5; d++)
        EXPECT_FAIL(speedup_second_derivative(f, n, bad_dx[d], out, n - 2),
                    SPEEDUP_ERR_INVALID_ARGUMENT, "second_derivative", "dx");
    EXPECT_FAIL(speedup_second_derivative(f, 100, 0.1, (double *)f + 1, 98),
                SPEEDUP_ERR_INVALID_ARGUMENT, "second_derivative", "out");
    EXPECT_FAIL(speedup_second_derivative(misaligned(f), 100, 0.1, out, 98),
                SPEEDUP_ERR_INVALID_ARGUMENT, "second_derivative", "f");
    EXPECT_FAIL(speedup_second_derivative(f, 100, 0.1, misaligned(out), 98),
                SPEEDUP_ERR_INVALID_ARGUMENT, "second_derivative", "out");
    EXPECT_UNTOUCHED(out, ob);

    arr_ctx c = {f, n, 0, 0, 0.01, 0};
    check_threads("second_derivative 1e6", run_d2, &c, ob);
    free(f);
    free(out);
}

static speedup_status run_lap(void *ctx, void *out)
{
    const arr_ctx *c = ctx;
    return speedup_laplacian(c->x, c->n, c->k, c->a, c->b, out, (c->n - 2) * (c->k - 2));
}

static void test_laplacian(void)
{
    const size_t shapes[][2] = {{3, 3}, {3, 7}, {9, 3}, {17, 33}, {300, 257}, {1000, 1000}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t r = shapes[s][0], c = shapes[s][1], on = (r - 2) * (c - 2);
        double *f = random_array(r * c, -5.0, 5.0);
        double *got = xmalloc(on * sizeof *got), *want = xmalloc(on * sizeof *want);
        ref_laplacian(f, r, c, 0.1, 0.3, want);
        if (EXPECT_OK(speedup_laplacian(f, r, c, 0.1, 0.3, got, on)))
            CHECK_SAME_BITS(got, want, on, sizeof(double), "laplacian vs reference");
        free(f);
        free(got);
        free(want);
    }

    const size_t r = 1000, c = 1000, on = 998 * 998;
    double *f = random_array(r * c, -1.0, 1.0);
    double *out = xmalloc(r * c * sizeof *out);
    memset(out, SENTINEL_BYTE, r * c * sizeof *out);
    const char *K = "laplacian";
    EXPECT_FAIL(speedup_laplacian(NULL, r, c, 1, 1, out, on), SPEEDUP_ERR_NULL_POINTER, K, "f");
    EXPECT_FAIL(speedup_laplacian(f, r, c, 1, 1, NULL, on), SPEEDUP_ERR_NULL_POINTER, K, "out");
    EXPECT_FAIL(speedup_laplacian(f, r, c, 1, 1, out, on + 1), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(speedup_laplacian(f, r, c, 1, 1, out, r * c), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(speedup_laplacian(f, 2, c, 1, 1, out, 0), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "f|rows");
    EXPECT_FAIL(speedup_laplacian(f, r, 2, 1, 1, out, 0), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "f|cols");
    EXPECT_FAIL(speedup_laplacian(NULL, 0, 0, 1, 1, NULL, 0), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "f|rows");
    EXPECT_FAIL(speedup_laplacian(f, SIZE_MAX, 2, 1, 1, out, 0), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "rows|cols");
    EXPECT_FAIL(speedup_laplacian(f, SIZE_MAX, SIZE_MAX, 1, 1, out, on),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "rows|cols");
    EXPECT_FAIL(speedup_laplacian(f, (size_t)1 << 32, (size_t)1 << 32, 1, 1, out, on),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "rows|cols");
    const double bad[] = {0.0, -0.0, INFINITY, -INFINITY, NAN};
    for (size_t d = 0; d < 5; d++) {
        EXPECT_FAIL(speedup_laplacian(f, r, c, bad[d], 1, out, on), SPEEDUP_ERR_INVALID_ARGUMENT,
                    K, "dx");
        EXPECT_FAIL(speedup_laplacian(f, r, c, 1, bad[d], out, on), SPEEDUP_ERR_INVALID_ARGUMENT,
                    K, "dy");
    }
    EXPECT_FAIL(speedup_laplacian(f, 10, 10, 1, 1, f + 50, 64), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "out");
    EXPECT_FAIL(speedup_laplacian(misaligned(f), 10, 10, 1, 1, out, 64),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "f");
    EXPECT_UNTOUCHED(out, r * c * sizeof *out);

    arr_ctx ctx = {f, r, c, 0, 0.001, 0.002};
    check_threads("laplacian 1000x1000", run_lap, &ctx, on * sizeof(double));
    free(f);
    free(out);
}

/* --- comb filters -------------------------------------------------------------------------- */

static speedup_status run_comb_f(void *ctx, void *out)
{
    const arr_ctx *c = ctx;
    return speedup_comb_forward(c->x, c->n, c->k, c->tau, c->a, out, c->n * c->k);
}
static speedup_status run_comb_b(void *ctx, void *out)
{
    const arr_ctx *c = ctx;
    return speedup_comb_backward(c->x, c->n, c->k, c->tau, c->a, out, c->n * c->k);
}

static void test_comb(bool backward)
{
    const char *K = backward ? "comb_backward" : "comb_forward";
    speedup_status (*fn)(const double *, size_t, size_t, size_t, double, double *, size_t) =
        backward ? speedup_comb_backward : speedup_comb_forward;

    const size_t shapes[][2] = {{1, 1}, {5, 1}, {100, 1}, {100, 3}, {70000, 1}, {40000, 5},
                                {1000000, 1}};
    const size_t taus[] = {1, 2, 4, 7, 100, 2000000};
    const double alphas[] = {0.5, -0.9, 1.0};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t n = shapes[s][0], k = shapes[s][1], len = n * k;
        double *x = random_array(len, -1.0, 1.0);
        double *got = xmalloc(len * sizeof *got), *want = xmalloc(len * sizeof *want);
        for (size_t t = 0; t < sizeof taus / sizeof taus[0]; t++)
            for (size_t a = 0; a < 3; a++) {
                if (len >= 1000000 && (t % 2 || a))
                    continue; /* keep the big case cheap */
                ref_comb(backward, x, n, k, taus[t], alphas[a], want);
                if (EXPECT_OK(fn(x, n, k, taus[t], alphas[a], got, len)))
                    CHECK_SAME_BITS(got, want, len, sizeof(double), K);
            }
        free(x);
        free(got);
        free(want);
    }
    /* Empty signals: NULL accepted. */
    EXPECT_OK(fn(NULL, 0, 1, 4, 0.5, NULL, 0));
    EXPECT_OK(fn(NULL, 5, 0, 4, 0.5, NULL, 0));

    const size_t n = 1000000;
    double *x = random_array(n, -1.0, 1.0);
    double *out = xmalloc(n * sizeof *out);
    memset(out, SENTINEL_BYTE, n * sizeof *out);
    EXPECT_FAIL(fn(NULL, n, 1, 4, 0.5, out, n), SPEEDUP_ERR_NULL_POINTER, K, "x");
    EXPECT_FAIL(fn(x, n, 1, 4, 0.5, NULL, n), SPEEDUP_ERR_NULL_POINTER, K, "out");
    EXPECT_FAIL(fn(x, n, 1, 4, 0.5, out, n - 1), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(fn(x, n / 2, 2, 4, 0.5, out, n / 2), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(fn(x, n, 1, 0, 0.5, out, n), SPEEDUP_ERR_INVALID_ARGUMENT, K, "tau");
    EXPECT_FAIL(fn(x, 1, 1, 0, 0.5, out, 1), SPEEDUP_ERR_INVALID_ARGUMENT, K, "tau");
    EXPECT_FAIL(fn(x, SIZE_MAX, 2, 4, 0.5, out, n), SPEEDUP_ERR_INVALID_ARGUMENT, K, "n|k");
    EXPECT_FAIL(fn(x, 1000, 1, 4, 0.5, x, 1000), SPEEDUP_ERR_INVALID_ARGUMENT, K, "out");
    EXPECT_FAIL(fn(x, 1000, 1, 4, 0.5, x + 999, 1000), SPEEDUP_ERR_INVALID_ARGUMENT, K, "out");
    EXPECT_FAIL(fn(misaligned(x), 1000, 1, 4, 0.5, out, 1000), SPEEDUP_ERR_INVALID_ARGUMENT, K, "x");
    EXPECT_FAIL(fn(x, 1000, 1, 4, 0.5, misaligned(out), 1000), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "out");
    EXPECT_UNTOUCHED(out, n * sizeof *out);
    /* Adjacent but not overlapping is fine. */
    EXPECT_OK(fn(x, 500, 1, 4, 0.5, x + 500, 500));

    for (size_t i = 0; i < n; i++)
        x[i] = rng_uniform(-1.0, 1.0);
    arr_ctx c1 = {x, n, 1, 4, 0.7, 0};
    check_threads(backward ? "comb_backward 1e6 tau 4" : "comb_forward 1e6 tau 4",
                  backward ? run_comb_b : run_comb_f, &c1, n * sizeof(double));
    arr_ctx c2 = {x, n / 8, 8, 3, -0.6, 0};
    check_threads(backward ? "comb_backward 125000x8" : "comb_forward 125000x8",
                  backward ? run_comb_b : run_comb_f, &c2, n * sizeof(double));
    free(x);
    free(out);
}
static void test_comb_forward(void) { test_comb(false); }
static void test_comb_backward(void) { test_comb(true); }

/* --- mandelbrot ---------------------------------------------------------------------------- */

static double *mandel_grid(size_t w, size_t h, double x0, double x1, double y0, double y1)
{
    double *c = xmalloc(2 * w * h * sizeof *c);
    for (size_t i = 0; i < h; i++)
        for (size_t j = 0; j < w; j++) {
            c[2 * (i * w + j)] = x0 + (x1 - x0) * (double)j / (double)(w - 1);
            c[2 * (i * w + j) + 1] = y0 + (y1 - y0) * (double)i / (double)(h - 1);
        }
    return c;
}

typedef struct {
    const double *c;
    size_t n;
    int32_t max_iter;
} mandel_ctx;

static speedup_status run_mandel(void *ctx, void *out)
{
    const mandel_ctx *m = ctx;
    return speedup_mandelbrot(m->c, m->n, m->max_iter, out, m->n);
}

static void test_mandelbrot(void)
{
    const size_t w = 1000, h = 1000, n = w * h;
    double *c = mandel_grid(w, h, -2.0, 1.0, -1.5, 1.5);
    int32_t *got = xmalloc(n * sizeof *got), *want = xmalloc(n * sizeof *want);
    const int32_t iters[] = {0, 1, 20, 100};
    for (size_t t = 0; t < 4; t++) {
        size_t m = iters[t] == 100 ? 100000 : n; /* keep 100 iterations cheap */
        for (size_t i = 0; i < m; i++)
            want[i] = ref_escape(c[2 * i], c[2 * i + 1], iters[t]);
        if (EXPECT_OK(speedup_mandelbrot(c, m, iters[t], got, m)))
            CHECK_SAME_BITS(got, want, m, sizeof(int32_t), "mandelbrot vs reference");
    }
    /* Special points: 0 never escapes; 4 (|c| = 4) escapes at 0; inf and NaN. */
    double special[10] = {0.0, 0.0, 4.0, 0.0, -2.0, 0.0, INFINITY, 0.0, NAN, 0.0};
    int32_t sg[5], sw[5];
    for (size_t i = 0; i < 5; i++)
        sw[i] = ref_escape(special[2 * i], special[2 * i + 1], 50);
    if (EXPECT_OK(speedup_mandelbrot(special, 5, 50, sg, 5)))
        CHECK_SAME_BITS(sg, sw, 5, sizeof(int32_t), "mandelbrot special points");
    CHECK(sw[0] == -1 && sw[1] == 0 && sw[2] == -1 && sw[3] == 0 && sw[4] == -1,
          "reference special points %d %d %d %d %d", sw[0], sw[1], sw[2], sw[3], sw[4]);
    EXPECT_OK(speedup_mandelbrot(NULL, 0, 20, NULL, 0));

    const char *K = "mandelbrot";
    memset(got, SENTINEL_BYTE, n * sizeof *got);
    EXPECT_FAIL(speedup_mandelbrot(c, n, -1, got, n), SPEEDUP_ERR_INVALID_ARGUMENT, K, "max_iter");
    EXPECT_FAIL(speedup_mandelbrot(c, n, INT32_MIN, got, n), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "max_iter");
    EXPECT_FAIL(speedup_mandelbrot(NULL, n, 20, got, n), SPEEDUP_ERR_NULL_POINTER, K, "c");
    EXPECT_FAIL(speedup_mandelbrot(c, n, 20, NULL, n), SPEEDUP_ERR_NULL_POINTER, K, "out");
    EXPECT_FAIL(speedup_mandelbrot(c, n, 20, got, n - 1), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(speedup_mandelbrot(c, SIZE_MAX, 20, got, n), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "n|c");
    EXPECT_FAIL(speedup_mandelbrot(c, 100, 20, (int32_t *)(void *)(c + 10), 100),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "out");
    EXPECT_FAIL(speedup_mandelbrot(misaligned(c), 100, 20, got, 100),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "c");
    EXPECT_FAIL(speedup_mandelbrot(c, 100, 20, misaligned(got), 100),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "out");
    EXPECT_UNTOUCHED(got, n * sizeof *got);

    mandel_ctx m = {c, n, 20};
    check_threads("mandelbrot 1000x1000, 20 iterations", run_mandel, &m, n * sizeof(int32_t));
    free(c);
    free(got);
    free(want);
}

/* --- map_f64 ------------------------------------------------------------------------------- */

typedef struct {
    double scale, offset;
    atomic_ulong calls;
} map_ctx;

static double affine(double x, void *ctx)
{
    map_ctx *m = ctx;
    atomic_fetch_add_explicit(&m->calls, 1, memory_order_relaxed);
    return x * m->scale + m->offset;
}

static double cube_root(double x, void *ctx)
{
    (void)ctx;
    return cbrt(x);
}

typedef struct {
    const double *x;
    size_t n;
} map_run_ctx;

static speedup_status run_map(void *ctx, void *out)
{
    const map_run_ctx *m = ctx;
    return speedup_map_f64(cube_root, NULL, m->x, m->n, out, m->n);
}

static void test_map_f64(void)
{
    const size_t sizes[] = {1, 100, 4096, 1000000};
    for (size_t s = 0; s < 4; s++) {
        size_t n = sizes[s];
        double *x = random_array(n, -100.0, 100.0);
        double *got = xmalloc(n * sizeof *got), *want = xmalloc(n * sizeof *want);
        map_ctx ctx = {2.5, -1.0, 0};
        map_ctx plain = {2.5, -1.0, 0};
        for (size_t i = 0; i < n; i++)
            want[i] = affine(x[i], &plain);
        CHECK(speedup_set_num_threads(4) == SPEEDUP_OK, "set 4");
        if (EXPECT_OK(speedup_map_f64(affine, &ctx, x, n, got, n))) {
            CHECK_SAME_BITS(got, want, n, sizeof(double), "map_f64 vs serial loop");
            CHECK(atomic_load(&ctx.calls) == n, "callback called %lu times for %zu elements",
                  (unsigned long)atomic_load(&ctx.calls), n);
        }
        CHECK(speedup_set_num_threads(0) == SPEEDUP_OK, "set 0");
        free(x);
        free(got);
        free(want);
    }
    EXPECT_OK(speedup_map_f64(cube_root, NULL, NULL, 0, NULL, 0));

    const size_t n = 1000000;
    double *x = random_array(n, -1e6, 1e6);
    double *out = xmalloc(n * sizeof *out);
    map_ctx ctx = {1.0, 0.0, 0};
    const char *K = "map_f64";
    memset(out, SENTINEL_BYTE, n * sizeof *out);
    EXPECT_FAIL(speedup_map_f64(NULL, &ctx, x, n, out, n), SPEEDUP_ERR_NULL_POINTER, K, "f");
    EXPECT_FAIL(speedup_map_f64(affine, &ctx, NULL, n, out, n), SPEEDUP_ERR_NULL_POINTER, K, "x");
    EXPECT_FAIL(speedup_map_f64(affine, &ctx, x, n, NULL, n), SPEEDUP_ERR_NULL_POINTER, K, "out");
    EXPECT_FAIL(speedup_map_f64(affine, &ctx, x, n, out, n + 1), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(speedup_map_f64(affine, &ctx, x, 100, x, 100), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "out");
    EXPECT_FAIL(speedup_map_f64(affine, &ctx, misaligned(x), 100, out, 100),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "x");
    EXPECT_UNTOUCHED(out, n * sizeof *out);
    CHECK(atomic_load(&ctx.calls) == 0, "a refused map called f %lu times",
          (unsigned long)atomic_load(&ctx.calls));

    map_run_ctx m = {x, n};
    check_threads("map_f64 cbrt 1e6", run_map, &m, n * sizeof(double));
    free(x);
    free(out);
}

/* --- primes -------------------------------------------------------------------------------- */

/* a * b * c without overflow, or 0 when it overflows. */
static uint64_t mul3(uint64_t a, uint64_t b, uint64_t c)
{
    if (b && a > UINT64_MAX / b)
        return 0;
    uint64_t ab = a * b;
    if (c && ab > UINT64_MAX / c)
        return 0;
    return ab * c;
}

typedef struct {
    const uint64_t *n;
    size_t len;
} u64_ctx;

static speedup_status run_is_prime_many(void *ctx, void *out)
{
    const u64_ctx *c = ctx;
    return speedup_is_prime_many(c->n, c->len, out, c->len);
}

static void test_is_prime(void)
{
    /* Every n below 2^20 against a sieve, through is_prime_many and (sampled) is_prime. */
    const size_t N = (size_t)1 << 20;
    unsigned char *sieve = ref_sieve(N);
    uint64_t *ns = xmalloc(N * sizeof *ns);
    bool *got = xmalloc(N * sizeof *got);
    for (size_t i = 0; i < N; i++)
        ns[i] = i;
    if (EXPECT_OK(speedup_is_prime_many(ns, N, got, N))) {
        size_t bad = N;
        for (size_t i = 0; i < N && bad == N; i++)
            if (got[i] != (sieve[i] != 0))
                bad = i;
        CHECK(bad == N, "is_prime_many(%zu) = %d, sieve says %d", bad, bad < N ? got[bad] : 0,
              bad < N ? sieve[bad] : 0);
    }
    bool one;
    for (uint64_t i = 0; i < 2000; i++) {
        if (!EXPECT_OK(speedup_is_prime(i, &one)))
            break;
        if (!CHECK(one == (sieve[i] != 0), "is_prime(%" PRIu64 ") = %d", i, one))
            break;
    }

    /* Numbers near 1e12 against trial division. */
    const size_t M = 2000;
    uint64_t *big = xmalloc(M * sizeof *big);
    bool *bg = xmalloc(M * sizeof *bg);
    for (size_t i = 0; i < M; i++)
        big[i] = 1000000000000u + 2 * i + 1;
    if (EXPECT_OK(speedup_is_prime_many(big, M, bg, M))) {
        size_t bad = M;
        for (size_t i = 0; i < M && bad == M; i++)
            if (bg[i] != ref_is_prime_trial(big[i]))
                bad = i;
        CHECK(bad == M, "is_prime(%" PRIu64 ") = %d, trial division disagrees",
              bad < M ? big[bad] : 0, bad < M ? bg[bad] : 0);
    }

    /* Hard cases: known primes, and composites whose factors are checked here. */
    const uint64_t primes[] = {2, 3, 1000000007u, 2147483647u, 4294967291u, 4294967311u,
                               2305843009213693951u /* 2^61-1 */, 18446744073709551557u /* 2^64-59 */,
                               18446744073709551533u /* 2^64-83 */};
    for (size_t i = 0; i < sizeof primes / sizeof primes[0]; i++) {
        if (primes[i] < (uint64_t)1 << 40)
            CHECK(ref_is_prime_trial(primes[i]), "reference: %" PRIu64 " not prime", primes[i]);
        if (EXPECT_OK(speedup_is_prime(primes[i], &one)))
            CHECK(one, "is_prime(%" PRIu64 ") = false, it is prime", primes[i]);
    }
    const uint64_t composites[][3] = {
        {3, 11, 17},                    /* 561, Carmichael */
        {7, 13, 19},                    /* 1729, Carmichael */
        {151, 751, 28351},              /* 3215031751: strong pseudoprime to 2, 3, 5, 7 */
        {149491, 747451, 34233211},     /* 3825123056546413051: strong psp to bases 2..23 */
        {4294967291u, 4294967291u, 1},  /* a square of a 32-bit prime */
        {4294967291u, 4294967279u, 1},
        {3, 6148914691236517205u, 1},   /* 2^64 - 1 */
        {2, 9223372036854775807u, 1},   /* 2^64 - 2 */
    };
    for (size_t i = 0; i < sizeof composites / sizeof composites[0]; i++) {
        uint64_t v = mul3(composites[i][0], composites[i][1], composites[i][2]);
        CHECK(v > 1, "reference product %zu overflows", i);
        if (EXPECT_OK(speedup_is_prime(v, &one)))
            CHECK(!one, "is_prime(%" PRIu64 ") = true, it is composite", v);
    }
    EXPECT_OK(speedup_is_prime_many(NULL, 0, NULL, 0));

    const char *K = "is_prime_many";
    memset(got, SENTINEL_BYTE, N * sizeof *got);
    EXPECT_FAIL(speedup_is_prime(7, NULL), SPEEDUP_ERR_NULL_POINTER, "is_prime", "out");
    EXPECT_FAIL(speedup_is_prime_many(NULL, 10, got, 10), SPEEDUP_ERR_NULL_POINTER, K, "n");
    EXPECT_FAIL(speedup_is_prime_many(ns, 10, NULL, 10), SPEEDUP_ERR_NULL_POINTER, K, "out");
    EXPECT_FAIL(speedup_is_prime_many(ns, 10, got, 9), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(speedup_is_prime_many(ns, 10, got, 11), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(speedup_is_prime_many(ns, 10, (bool *)(void *)(ns + 3), 10),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "out");
    EXPECT_FAIL(speedup_is_prime_many(misaligned(ns), 10, got, 10), SPEEDUP_ERR_INVALID_ARGUMENT,
                K, "n");
    EXPECT_UNTOUCHED(got, N * sizeof *got);

    /* Thread identity on 1e5 odd numbers near 1e12 and 1e5 near 2^63. */
    const size_t T = 100000;
    uint64_t *tn = xmalloc(2 * T * sizeof *tn);
    for (size_t i = 0; i < T; i++) {
        tn[i] = 1000000000000u + 2 * i + 1;
        tn[T + i] = ((uint64_t)1 << 63) + 2 * i + 1;
    }
    u64_ctx c = {tn, 2 * T};
    check_threads("is_prime_many 2e5", run_is_prime_many, &c, 2 * T * sizeof(bool));
    free(sieve);
    free(ns);
    free(got);
    free(big);
    free(bg);
    free(tn);
}

static speedup_status run_spb_many(void *ctx, void *out)
{
    const u64_ctx *c = ctx;
    return speedup_sum_primes_below_many(c->n, c->len, out, c->len);
}

static speedup_status run_spb(void *ctx, void *out)
{
    return speedup_sum_primes_below(*(const uint64_t *)ctx, out);
}

static void test_sum_primes_below(void)
{
    const size_t N = 2000001;
    unsigned char *sieve = ref_sieve(N);
    uint64_t *prefix = xmalloc((N + 1) * sizeof *prefix); /* prefix[n] = sum of primes < n */
    prefix[0] = 0;
    for (size_t i = 0; i < N; i++)
        prefix[i + 1] = prefix[i] + (sieve[i] ? i : 0);
    CHECK(prefix[2000000] == 142913828922u, "reference sieve: sum below 2e6 = %" PRIu64,
          prefix[2000000]);

    uint64_t out;
    const uint64_t singles[] = {0, 1, 2, 3, 4, 5, 10, 11, 12, 100, 1000, 65536, 999983, 999984,
                                2000000};
    for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++)
        if (EXPECT_OK(speedup_sum_primes_below(singles[i], &out)))
            CHECK(out == prefix[singles[i]], "sum_primes_below(%" PRIu64 ") = %" PRIu64
                  ", want %" PRIu64, singles[i], out, prefix[singles[i]]);

    /* Every n < 10000 in one call, unsorted, and a few large ones mixed in. */
    const size_t Q = 10000 + 3;
    uint64_t *q = xmalloc(Q * sizeof *q), *ans = xmalloc(Q * sizeof *ans);
    for (size_t i = 0; i < 10000; i++)
        q[i] = 9999 - i;
    q[10000] = 2000000;
    q[10001] = 7;
    q[10002] = 1999993;
    if (EXPECT_OK(speedup_sum_primes_below_many(q, Q, ans, Q))) {
        size_t bad = Q;
        for (size_t i = 0; i < Q && bad == Q; i++)
            if (ans[i] != prefix[q[i]])
                bad = i;
        CHECK(bad == Q, "sum_primes_below_many: query %" PRIu64 " gave %" PRIu64 ", want %" PRIu64,
              bad < Q ? q[bad] : 0, bad < Q ? ans[bad] : 0, bad < Q ? prefix[q[bad]] : 0);
    }
    EXPECT_OK(speedup_sum_primes_below_many(NULL, 0, NULL, 0));

    /* Overflow is an error, never a wrapped value. */
    const char *K = "sum_primes_below";
    memset(&out, SENTINEL_BYTE, sizeof out);
    EXPECT_FAIL(speedup_sum_primes_below(UINT64_MAX, &out), SPEEDUP_ERR_OVERFLOW, K, NULL);
    EXPECT_UNTOUCHED(&out, sizeof out);
    EXPECT_FAIL(speedup_sum_primes_below(10, NULL), SPEEDUP_ERR_NULL_POINTER, K,
                "out");
    const char *KM = "sum_primes_below_many";
    uint64_t mq[3] = {10, UINT64_MAX, 100};
    memset(ans, SENTINEL_BYTE, Q * sizeof *ans);
    EXPECT_FAIL(speedup_sum_primes_below_many(mq, 3, ans, 3), SPEEDUP_ERR_OVERFLOW, KM, NULL);
    EXPECT_FAIL(speedup_sum_primes_below_many(NULL, 3, ans, 3), SPEEDUP_ERR_NULL_POINTER, KM, "n");
    EXPECT_FAIL(speedup_sum_primes_below_many(mq, 3, NULL, 3), SPEEDUP_ERR_NULL_POINTER, KM, "out");
    EXPECT_FAIL(speedup_sum_primes_below_many(mq, 3, ans, 2), SPEEDUP_ERR_LENGTH, KM, "out_len");
    EXPECT_FAIL(speedup_sum_primes_below_many(mq, 3, mq, 3), SPEEDUP_ERR_INVALID_ARGUMENT, KM,
                "out");
    EXPECT_FAIL(speedup_sum_primes_below_many(misaligned(q), 3, ans, 3),
                SPEEDUP_ERR_INVALID_ARGUMENT, KM, "n");
    EXPECT_UNTOUCHED(ans, Q * sizeof *ans);

    /* Thread identity: 1e5 queries up to 2e7 (one sieve). */
    const size_t T = 100000;
    uint64_t *tq = xmalloc(T * sizeof *tq);
    for (size_t i = 0; i < T; i++)
        tq[i] = rng_next() % 20000000u;
    u64_ctx c = {tq, T};
    check_threads("sum_primes_below_many 1e5 queries < 2e7", run_spb_many, &c, T * sizeof(uint64_t));
    uint64_t below = 30000001;
    check_threads("sum_primes_below(30000001)", run_spb, &below, sizeof(uint64_t));
    free(sieve);
    free(prefix);
    free(q);
    free(ans);
    free(tq);
}

/* --- random -------------------------------------------------------------------------------- */

static void test_philox_reference(void)
{
    /* Random123 known-answer vectors for philox4x64-10 (kat_vectors): ctr, key, output. */
    static const uint64_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0,
         0x16554d9eca36314cu, 0xdb20fe9d672d0fdcu, 0xd7e772cee186176bu, 0x7e68b68aec7ba23bu},
        {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
         0x87b092c3013fe90bu, 0x438c3c67be8d0224u, 0x9cc7d7c69cd777b6u, 0xa09caebf594f0ba0u},
        {0x243f6a8885a308d3u, 0x13198a2e03707344u, 0xa4093822299f31d0u, 0x082efa98ec4e6c89u,
         0x452821e638d01377u, 0xbe5466cf34e90c6cu,
         0xa528f45403e61d95u, 0x38c72dbd566e9788u, 0xa5a1610e72fd18b5u, 0x57bd43b5e52b7fe6u}};
    for (size_t i = 0; i < 3; i++) {
        uint64_t out[4];
        philox4x64_10(kat[i], kat[i] + 4, out);
        CHECK(memcmp(out, kat[i] + 6, sizeof out) == 0,
              "test's own Philox reference fails Random123 KAT %zu: %016" PRIx64 " ...", i, out[0]);
    }
}

typedef struct {
    uint64_t n_points, seed;
} mc_ctx;

static speedup_status run_mc(void *ctx, void *out)
{
    const mc_ctx *m = ctx;
    return speedup_monte_carlo_pi(m->n_points, m->seed, out);
}

/* The numpy reference vectors of the random stream (written by tools/gen_philox_vectors.py
 * into crates/speedup-core/tests/data; SPEEDUP_VECTORS_DIR overrides the folder). NULL when
 * the file is not there: then only the Philox reference and structural checks run. */
static FILE *open_vectors(const char *name)
{
    const char *dir = getenv("SPEEDUP_VECTORS_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "crates/speedup-core/tests/data",
             name);
    FILE *fp = fopen(path, "r");
    if (!fp)
        printf("  note: %s not found; numpy vectors not compared\n", path);
    else if (dir && *dir)
        printf("  numpy vectors from %s\n", path);
    return fp;
}

/* Next line that is not a comment or blank; NULL at the end. */
static char *next_line(FILE *fp, char **buf, size_t *cap)
{
    while (getline(buf, cap, fp) >= 0) {
        char *p = *buf;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '#' && *p != '\n' && *p != '\0')
            return p;
    }
    return NULL;
}

static double bits_to_double(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* philox_words.txt: the test's own Philox reference against numpy's raw words. */
static void check_numpy_words(void)
{
    FILE *fp = open_vectors("philox_words.txt");
    if (!fp)
        return;
    char *buf = NULL, *p, *end;
    size_t cap = 0, windows = 0, bad = 0;
    while ((p = next_line(fp, &buf, &cap))) {
        uint64_t k0 = strtoull(p, &end, 10), k1 = strtoull(end, &end, 10);
        uint64_t start = strtoull(end, &end, 10), n = strtoull(end, &end, 10);
        stream s = {{k0, k1}, 0, {0}, false};
        for (uint64_t i = 0; i < n && (p = next_line(fp, &buf, &cap)); i++)
            bad += stream_word(&s, start + i) != strtoull(p, NULL, 16);
        windows++;
    }
    CHECK(windows > 0 && bad == 0, "test's Philox reference: %zu words differ from numpy", bad);
    free(buf);
    fclose(fp);
}

/* philox_pi.txt: "n_points seed inside pi_bits". */
static void check_numpy_pi(void)
{
    FILE *fp = open_vectors("philox_pi.txt");
    if (!fp)
        return;
    char *buf = NULL, *p, *end;
    size_t cap = 0;
    while ((p = next_line(fp, &buf, &cap))) {
        uint64_t n = strtoull(p, &end, 10), seed = strtoull(end, &end, 10);
        (void)strtoull(end, &end, 10); /* inside */
        double want = bits_to_double(strtoull(end, &end, 16)), got = NAN;
        double mine = ref_monte_carlo_pi(n, seed);
        CHECK(memcmp(&mine, &want, sizeof want) == 0, "test's reference pi(%" PRIu64 ", %" PRIu64
              ") = %a, numpy %a", n, seed, mine, want);
        if (EXPECT_OK(speedup_monte_carlo_pi(n, seed, &got)))
            CHECK(memcmp(&got, &want, sizeof got) == 0,
                  "monte_carlo_pi(%" PRIu64 ", %" PRIu64 ") = %a, numpy %a", n, seed, got, want);
    }
    free(buf);
    fclose(fp);
}

/* philox_markov.txt: "case name k start n_steps n_chains seed", k rows of P (hex bits),
 * n_chains rows of counts, "path c" and one line of states (ignored here). */
static void check_numpy_markov(void)
{
    FILE *fp = open_vectors("philox_markov.txt");
    if (!fp)
        return;
    char *buf = NULL, *p, *end, name[128];
    size_t cap = 0;
    while ((p = next_line(fp, &buf, &cap))) {
        if (strncmp(p, "path", 4) == 0) {
            if (getline(&buf, &cap, fp) < 0) /* the states, maybe none: not skipped as blank */
                break;
            continue;
        }
        size_t k, start, chains;
        uint64_t steps, seed;
        if (sscanf(p, "case %127s %zu %zu %" SCNu64 " %zu %" SCNu64, name, &k, &start, &steps,
                   &chains, &seed) != 6 ||
            !CHECK(k > 0 && k < 1000 && chains < 1000, "bad case line: %s", p))
            break;
        double *pm = xmalloc(k * k * sizeof *pm);
        uint64_t *want = xmalloc(chains * k * sizeof *want), *got = xmalloc(chains * k * 8);
        uint64_t *mine = xmalloc(chains * k * sizeof *mine);
        for (size_t r = 0; r < k && (p = next_line(fp, &buf, &cap)); r++)
            for (size_t c = 0; c < k; c++, p = end)
                pm[r * k + c] = bits_to_double(strtoull(p, &end, 16));
        for (size_t r = 0; r < chains && (p = next_line(fp, &buf, &cap)); r++)
            for (size_t c = 0; c < k; c++, p = end)
                want[r * k + c] = strtoull(p, &end, 10);
        ref_markov(pm, k, start, steps, chains, seed, mine);
        CHECK_SAME_BITS(mine, want, chains * k, sizeof(uint64_t), "test's markov reference vs numpy");
        if (EXPECT_OK(speedup_markov_chains(pm, k, start, steps, chains, seed, got, chains * k)))
            CHECK_SAME_BITS(got, want, chains * k, sizeof(uint64_t), "markov_chains vs numpy");
        free(pm);
        free(want);
        free(got);
        free(mine);
    }
    free(buf);
    fclose(fp);
}

static void test_monte_carlo_pi(void)
{
    test_philox_reference();
    double a = NAN, b = NAN;
    /* Exact values from the test's Philox reference. */
    const uint64_t ns[] = {1, 2, 3, 10, 1000, 1000001};
    const uint64_t seeds[] = {0, 1, 42, UINT64_MAX};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (size_t s = 0; s < 4; s++) {
            if (ns[i] > 1000 && s > 1)
                continue;
            double want = ref_monte_carlo_pi(ns[i], seeds[s]);
            if (EXPECT_OK(speedup_monte_carlo_pi(ns[i], seeds[s], &a)))
                CHECK(memcmp(&a, &want, sizeof a) == 0,
                      "monte_carlo_pi(%" PRIu64 ", seed %" PRIu64 ") = %.17g, reference %.17g",
                      ns[i], seeds[s], a, want);
        }
    check_numpy_words();
    check_numpy_pi();

    /* Structure: statistical bounds, reproducible, seeds differ. */
    const uint64_t n = 10000000;
    if (EXPECT_OK(speedup_monte_carlo_pi(n, 7, &a))) {
        const double pi = 3.14159265358979323846;
        double p = pi / 4.0, sigma = 4.0 * sqrt(p * (1.0 - p) / (double)n);
        CHECK(fabs(a - pi) < 6.0 * sigma, "pi estimate %.10f off by more than 6 sigma (%g)", a,
              sigma);
    }
    if (EXPECT_OK(speedup_monte_carlo_pi(n, 7, &b)))
        CHECK(memcmp(&a, &b, sizeof a) == 0, "same seed gave %.17g then %.17g", a, b);
    if (EXPECT_OK(speedup_monte_carlo_pi(n, 8, &b)))
        CHECK(a != b, "seeds 7 and 8 both gave %.17g", a);
    if (EXPECT_OK(speedup_monte_carlo_pi(1, 3, &b)))
        CHECK(b == 0.0 || b == 4.0, "one point gave %g", b);

    memset(&a, SENTINEL_BYTE, sizeof a);
    EXPECT_FAIL(speedup_monte_carlo_pi(0, 1, &a), SPEEDUP_ERR_INVALID_ARGUMENT, "monte_carlo_pi",
                "n_points");
    EXPECT_UNTOUCHED(&a, sizeof a);
    EXPECT_FAIL(speedup_monte_carlo_pi(10, 1, NULL), SPEEDUP_ERR_NULL_POINTER, "monte_carlo_pi",
                "out");

    mc_ctx m = {n, 12345};
    check_threads("monte_carlo_pi 1e7", run_mc, &m, sizeof(double));
}

typedef struct {
    const double *p;
    size_t k, start, n_chains;
    uint64_t n_steps, seed;
} markov_ctx;

static speedup_status run_markov(void *ctx, void *out)
{
    const markov_ctx *m = ctx;
    return speedup_markov_chains(m->p, m->k, m->start, m->n_steps, m->n_chains, m->seed, out,
                                 m->n_chains * m->k);
}

static void test_markov_chains(void)
{
    const double P4[16] = {0.5, 0.25, 0.125, 0.125,  0.1, 0.2, 0.3, 0.4,
                           0.0, 0.0, 1.0, 0.0,       0.25, 0.25, 0.25, 0.25};
    const double P3[9] = {0.2, 0.3, 0.5, 0.6, 0.4, 0.0, 0.3333333333, 0.3333333333, 0.3333333334};
    uint64_t got[64], want[64];

    /* Exact values from the Philox reference. */
    struct {
        const double *p;
        size_t k, start;
        uint64_t steps;
        size_t chains;
        uint64_t seed;
    } cases[] = {{P4, 4, 0, 1, 1, 0},     {P4, 4, 3, 1000, 3, 1}, {P3, 3, 2, 12345, 5, 99},
                 {P3, 3, 0, 7, 16, UINT64_MAX}, {P4, 4, 1, 0, 2, 5}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_markov(cases[i].p, cases[i].k, cases[i].start, cases[i].steps, cases[i].chains,
                   cases[i].seed, want);
        size_t len = cases[i].chains * cases[i].k;
        if (EXPECT_OK(speedup_markov_chains(cases[i].p, cases[i].k, cases[i].start, cases[i].steps,
                                            cases[i].chains, cases[i].seed, got, len)))
            CHECK_SAME_BITS(got, want, len, sizeof(uint64_t), "markov_chains vs Philox reference");
    }
    check_numpy_markov();

    /* Deterministic chains: a cycle and the identity. */
    const double cyc[9] = {0, 1, 0, 0, 0, 1, 1, 0, 0}, id[4] = {1, 0, 0, 1};
    if (EXPECT_OK(speedup_markov_chains(cyc, 3, 0, 10, 2, 1, got, 6)))
        CHECK(got[0] == 3 && got[1] == 4 && got[2] == 3 && got[3] == 3 && got[4] == 4 &&
                  got[5] == 3,
              "cycle counts %" PRIu64 " %" PRIu64 " %" PRIu64, got[0], got[1], got[2]);
    if (EXPECT_OK(speedup_markov_chains(id, 2, 1, 1000, 1, 1, got, 2)))
        CHECK(got[0] == 0 && got[1] == 1000, "identity counts %" PRIu64 " %" PRIu64, got[0],
              got[1]);

    /* Structure on 16 chains x 1e5 steps: rows sum to n_steps, reproducible, seeds differ. */
    const size_t C = 16;
    const uint64_t S = 100000;
    uint64_t a[64], b[64];
    if (EXPECT_OK(speedup_markov_chains(P4, 4, 0, S, C, 2024, a, C * 4))) {
        bool rows = true, differ = false;
        for (size_t c = 0; c < C; c++) {
            rows = rows && a[c * 4] + a[c * 4 + 1] + a[c * 4 + 2] + a[c * 4 + 3] == S;
            differ = differ || (c > 0 && memcmp(a, a + 4 * c, 4 * sizeof *a) != 0);
        }
        CHECK(rows, "a row of counts does not sum to n_steps");
        CHECK(differ, "all 16 chains gave the same counts");
        /* State 2 is absorbing: nearly every step ends there. */
        CHECK(a[2] > S - 1000, "absorbing state visited %" PRIu64 " of %" PRIu64, a[2], S);
    }
    if (EXPECT_OK(speedup_markov_chains(P4, 4, 0, S, C, 2024, b, C * 4)))
        CHECK(memcmp(a, b, sizeof a[0] * C * 4) == 0, "same seed, different counts");
    if (EXPECT_OK(speedup_markov_chains(P3, 3, 0, S, C, 2024, a, C * 3)) &&
        EXPECT_OK(speedup_markov_chains(P3, 3, 0, S, C, 2025, b, C * 3)))
        CHECK(memcmp(a, b, sizeof a[0] * C * 3) != 0, "seeds 2024 and 2025 gave the same counts");
    EXPECT_OK(speedup_markov_chains(P3, 3, 0, S, 0, 1, NULL, 0));

    /* Bad input. */
    const char *K = "markov_chains";
    double bad[16];
    memset(got, SENTINEL_BYTE, sizeof got);
    EXPECT_FAIL(speedup_markov_chains(NULL, 4, 0, 10, 2, 1, got, 8), SPEEDUP_ERR_NULL_POINTER, K,
                "p");
    EXPECT_FAIL(speedup_markov_chains(P4, 4, 0, 10, 2, 1, NULL, 8), SPEEDUP_ERR_NULL_POINTER, K,
                "counts");
    EXPECT_FAIL(speedup_markov_chains(P4, 4, 0, 10, 2, 1, got, 7), SPEEDUP_ERR_LENGTH, K,
                "counts_len");
    EXPECT_FAIL(speedup_markov_chains(P4, 4, 0, 10, 2, 1, got, 9), SPEEDUP_ERR_LENGTH, K,
                "counts_len");
    EXPECT_FAIL(speedup_markov_chains(NULL, 0, 0, 10, 2, 1, got, 0), SPEEDUP_ERR_INVALID_ARGUMENT,
                K, "k|p|P");
    memcpy(bad, P4, sizeof bad);
    bad[5] = -0.1;
    bad[6] = 0.6; /* row 1 still sums to 1 */
    EXPECT_FAIL(speedup_markov_chains(bad, 4, 0, 10, 2, 1, got, 8), SPEEDUP_ERR_INVALID_ARGUMENT,
                K, "p|P");
    memcpy(bad, P4, sizeof bad);
    bad[15] += 1e-6;
    EXPECT_FAIL(speedup_markov_chains(bad, 4, 0, 10, 2, 1, got, 8), SPEEDUP_ERR_INVALID_ARGUMENT,
                K, "p|P");
    memcpy(bad, P4, sizeof bad);
    bad[0] -= 1e-6;
    EXPECT_FAIL(speedup_markov_chains(bad, 4, 0, 10, 2, 1, got, 8), SPEEDUP_ERR_INVALID_ARGUMENT,
                K, "p|P");
    memcpy(bad, P4, sizeof bad);
    bad[4] = NAN;
    EXPECT_FAIL(speedup_markov_chains(bad, 4, 0, 10, 2, 1, got, 8), SPEEDUP_ERR_INVALID_ARGUMENT,
                K, "p|P");
    EXPECT_FAIL(speedup_markov_chains(P4, 4, 4, 10, 2, 1, got, 8), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "start");
    EXPECT_FAIL(speedup_markov_chains(P4, 4, SIZE_MAX, 10, 2, 1, got, 8),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "start");
    EXPECT_FAIL(speedup_markov_chains(P4, SIZE_MAX, 0, 10, 2, 1, got, 8),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "k");
    EXPECT_FAIL(speedup_markov_chains(P4, 4, 0, 10, SIZE_MAX, 1, got, 8),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "n_chains|k");
    EXPECT_FAIL(speedup_markov_chains(P4, 4, 0, 10, 2, 1, (uint64_t *)(void *)P4, 8),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "counts");
    EXPECT_FAIL(speedup_markov_chains(misaligned(bad), 4, 0, 10, 2, 1, got, 8),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "p");
    EXPECT_UNTOUCHED(got, sizeof got);

    markov_ctx m = {P4, 4, 1, 16, 200000, 77};
    check_threads("markov_chains 16 x 2e5", run_markov, &m, 16 * 4 * sizeof(uint64_t));
}

/* --- closest pair -------------------------------------------------------------------------- */

typedef struct {
    size_t i, j;
    double d;
} pair_out;

static speedup_status run_closest(void *ctx, void *out)
{
    const arr_ctx *c = ctx;
    pair_out *p = out;
    return speedup_closest_pair(c->x, c->n, &p->i, &p->j, &p->d);
}

static void check_closest(const double *pts, size_t n, const char *what)
{
    pair_out got = {0, 0, NAN}, want = {0, 0, NAN};
    ref_closest(pts, n, &want.i, &want.j, &want.d);
    if (EXPECT_OK(speedup_closest_pair(pts, n, &got.i, &got.j, &got.d)))
        CHECK(got.i == want.i && got.j == want.j && memcmp(&got.d, &want.d, sizeof got.d) == 0,
              "%s (n=%zu): (%zu, %zu, %.17g), brute force (%zu, %zu, %.17g)", what, n, got.i,
              got.j, got.d, want.i, want.j, want.d);
}

static void test_closest_pair(void)
{
    double two[4] = {0, 0, 3, 4};
    check_closest(two, 2, "two points");
    const size_t sizes[] = {3, 4, 10, 31, 94, 283, 850, 2000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *p = random_array(2 * n, -1.0, 1.0);
        check_closest(p, n, "uniform");
        free(p);
    }
    /* Ties: an integer lattice (every neighbour at distance 1), shuffled rows. */
    const size_t side = 30, L = side * side;
    double *lat = xmalloc(2 * L * sizeof *lat);
    for (size_t i = 0; i < L; i++) {
        lat[2 * i] = (double)(i % side);
        lat[2 * i + 1] = (double)(i / side);
    }
    check_closest(lat, L, "lattice");
    for (size_t i = L - 1; i > 0; i--) {
        size_t j = rng_next() % (i + 1);
        double tx = lat[2 * i], ty = lat[2 * i + 1];
        lat[2 * i] = lat[2 * j];
        lat[2 * i + 1] = lat[2 * j + 1];
        lat[2 * j] = tx;
        lat[2 * j + 1] = ty;
    }
    check_closest(lat, L, "shuffled lattice");
    /* Duplicates (distance 0, several tied pairs), collinear points, a vertical line. */
    double dup[12] = {5, 5, 1, 1, 2, 2, 1, 1, 5, 5, 3, 3};
    check_closest(dup, 6, "duplicates");
    double *line = xmalloc(2 * 1000 * sizeof *line);
    for (size_t i = 0; i < 1000; i++) {
        line[2 * i] = 7.0;
        line[2 * i + 1] = (double)((i * 7919) % 1000) * 0.5;
    }
    check_closest(line, 1000, "vertical line");
    for (size_t i = 0; i < 1000; i++) {
        line[2 * i] = (double)((i * 7919) % 1000) * 0.25;
        line[2 * i + 1] = 1e9;
    }
    check_closest(line, 1000, "horizontal line");
    double *clus = random_array(2 * 1500, 0.0, 1e-3);
    for (size_t i = 0; i < 300; i++)
        clus[2 * i] += 1e6;
    check_closest(clus, 1500, "two clusters");

    const char *K = "closest_pair";
    pair_out o;
    memset(&o, SENTINEL_BYTE, sizeof o);
    EXPECT_FAIL(speedup_closest_pair(two, 1, &o.i, &o.j, &o.d), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "points|n");
    EXPECT_FAIL(speedup_closest_pair(NULL, 0, &o.i, &o.j, &o.d), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "points|n");
    EXPECT_FAIL(speedup_closest_pair(NULL, 5, &o.i, &o.j, &o.d), SPEEDUP_ERR_NULL_POINTER, K,
                "points");
    EXPECT_FAIL(speedup_closest_pair(dup, 6, NULL, &o.j, &o.d), SPEEDUP_ERR_NULL_POINTER, K, "i");
    EXPECT_FAIL(speedup_closest_pair(dup, 6, &o.i, NULL, &o.d), SPEEDUP_ERR_NULL_POINTER, K, "j");
    EXPECT_FAIL(speedup_closest_pair(dup, 6, &o.i, &o.j, NULL), SPEEDUP_ERR_NULL_POINTER, K,
                "dist");
    const double nonfinite[] = {NAN, INFINITY, -INFINITY};
    for (size_t v = 0; v < 3; v++)
        for (size_t at = 0; at < 12; at += 5) {
            double bad[12];
            memcpy(bad, dup, sizeof bad);
            bad[at] = nonfinite[v];
            EXPECT_FAIL(speedup_closest_pair(bad, 6, &o.i, &o.j, &o.d),
                        SPEEDUP_ERR_INVALID_ARGUMENT, K, "points");
        }
    EXPECT_FAIL(speedup_closest_pair(misaligned(clus), 10, &o.i, &o.j, &o.d),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "points");
    EXPECT_FAIL(speedup_closest_pair(clus, SIZE_MAX, &o.i, &o.j, &o.d),
                SPEEDUP_ERR_INVALID_ARGUMENT, K, "n|points");
    EXPECT_UNTOUCHED(&o, sizeof o);

    const size_t T = 200000;
    double *big = random_array(2 * T, 0.0, 1000.0);
    arr_ctx c = {big, T, 0, 0, 0, 0};
    check_threads("closest_pair 2e5", run_closest, &c, sizeof(pair_out));
    free(big);
    free(lat);
    free(line);
    free(clus);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *name;
    void (*run)(void);
    bool stub_now; /* a kernel that was still a stub when this test was written */
} section;

static const section SECTIONS[] = {
    {"version", test_version, false},
    {"status_message", test_status_message, false},
    {"last_error", test_last_error, false},
    {"threads", test_threads, false},
    {"config", test_config, false},
    {"interrupt", test_interrupt, false},
    {"sum", test_sum, false},
    {"mean", test_mean, false},
    {"std", test_std, false},
    {"second_derivative", test_second_derivative, false},
    {"laplacian", test_laplacian, false},
    {"comb_forward", test_comb_forward, false},
    {"comb_backward", test_comb_backward, false},
    {"mandelbrot", test_mandelbrot, false},
    {"map_f64", test_map_f64, false},
    {"is_prime", test_is_prime, true},
    {"sum_primes_below", test_sum_primes_below, true},
    {"monte_carlo_pi", test_monte_carlo_pi, true},
    {"markov_chains", test_markov_chains, true},
    {"closest_pair", test_closest_pair, true},
};
#define N_SECTIONS (sizeof SECTIONS / sizeof SECTIONS[0])

int main(int argc, char **argv)
{
    bool wanted[N_SECTIONS];
    bool any = false;
    for (size_t s = 0; s < N_SECTIONS; s++)
        wanted[s] = false;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--list") == 0) {
            for (size_t s = 0; s < N_SECTIONS; s++)
                printf("%s\n", SECTIONS[s].name);
            return 0;
        }
        bool found = false;
        for (size_t s = 0; s < N_SECTIONS; s++)
            if (strcmp(argv[a], SECTIONS[s].name) == 0)
                wanted[s] = found = any = true;
        if (!found) {
            fprintf(stderr, "unknown section '%s' (try --list)\n", argv[a]);
            return 2;
        }
    }
    printf("speedup %s, %zu threads by default\n", speedup_version(), speedup_get_num_threads());
    size_t failed_sections = 0;
    for (size_t s = 0; s < N_SECTIONS; s++) {
        if (any && !wanted[s])
            continue;
        check_begin_section(SECTIONS[s].name);
        long before = check_passed + check_failed;
        SECTIONS[s].run();
        long count = check_passed + check_failed - before;
        printf("%-18s %s  (%ld checks, %ld failed)%s\n", SECTIONS[s].name,
               check_section_failed ? "FAIL" : "ok  ", count, check_section_failed,
               check_section_failed && SECTIONS[s].stub_now
                   ? "  [kernel was a stub when this test was written]"
                   : "");
        fflush(stdout);
        failed_sections += check_section_failed != 0;
    }
    if (failed_sections)
        printf("%zu section(s) failed\n", failed_sections);
    return check_report();
}
