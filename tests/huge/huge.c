/*
 * huge.c: sum and second_derivative on arrays of more than 2^31 elements through the C door,
 * and the legacy twins (Fortran), checked against results known in closed form.
 *
 *  sum-alias     x[i] = [0, 1, 2][i % 3] over n = 2^31 + 1026 and n = 2^32 + 3001 elements whose
 *                pages are one 3 MiB block mapped again and again (memfd, MAP_FIXED): the
 *                library sees an ordinary read-only array of that length, the machine holds
 *                3 MiB. speedup_sum, speedup_mean, speedup_legacy_sum. Runs whatever the memory;
 *                reaches past 2^32, where a 32-bit unsigned index wraps. Every partial sum is an
 *                integer below 2^53, so the exact sum is known and even the plain loop gets it.
 *  real          one real buffer of 2^31 + 1024 doubles (16 GiB), used twice:
 *                sum-real: filled with the same pattern; the exact sum is n (n % 3 == 0);
 *                d2: the output of speedup_second_derivative of f = [0, 1, 3][i % 3] over
 *                2^31 + 1026 elements (aliased as above; dx = 1: out = [1, -5, 4][i % 3]), then
 *                of speedup_legacy_second_derivative (dx = 0.5: [4, -20, 16]), every element
 *                checked both times (an element left unwritten holds the previous pattern,
 *                which differs from the expected value at every phase).
 *
 * Parts that need real memory check MemAvailable (/proc/meminfo) first and are skipped with a
 * line naming what they need and what is available. Every part frees its memory before the next.
 * Prints one line per part and "huge-c: N passed, M failed, K skipped" last.
 * Usage: huge [sum-alias] [real]   (default: both)
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <speedup.h>
#include <speedup_legacy.h>

static long passed, failed, skipped;

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (cond) {                                                                              \
            passed++;                                                                            \
        } else {                                                                                 \
            failed++;                                                                            \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                      \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
        }                                                                                        \
    } while (0)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const double GIB = 1024.0 * 1024.0 * 1024.0;

/* MemAvailable in bytes (0 when unknown). */
static size_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    size_t kib = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "MemAvailable:", 13) == 0)
            kib = strtoull(line + 13, NULL, 10);
    fclose(f);
    return kib * 1024;
}

/* True when `need` bytes (plus a margin of 1 GiB for everything else) are available; otherwise
 * prints the skip line. */
static bool have_memory(const char *part, size_t need)
{
    size_t avail = mem_available();
    if (avail >= need + (size_t)GIB)
        return true;
    printf("huge-c: SKIP %s: needs %.1f GiB of memory (+1 GiB margin), MemAvailable is %.1f GiB\n",
           part, (double)need / GIB, (double)avail / GIB);
    skipped++;
    return false;
}

/* Real memory: anonymous pages (zero until written), huge pages where the kernel offers them. */
static double *big_alloc(size_t n)
{
    void *p = mmap(NULL, n * sizeof(double), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) {
        perror("huge: mmap");
        exit(2);
    }
    madvise(p, n * sizeof(double), MADV_HUGEPAGE);
    return p;
}

static void big_free(double *p, size_t n)
{
    munmap(p, n * sizeof(double));
}

/* An array of n doubles (read-only) whose element i is pattern[i % 3]: one block of BLOCK
 * doubles (a multiple of 3 and of the page size) holding the pattern, mapped over and over. */
enum { BLOCK = 3 * 131072 }; /* 3 MiB */
struct alias {
    double *x;
    size_t bytes;
};

static struct alias alias_array(size_t n, const double pattern[3])
{
    size_t block_bytes = BLOCK * sizeof(double);
    size_t blocks = (n * sizeof(double) + block_bytes - 1) / block_bytes;
    struct alias a = {NULL, blocks * block_bytes};
    int fd = memfd_create("huge-pattern", 0);
    if (fd < 0 || ftruncate(fd, (off_t)block_bytes) != 0) {
        perror("huge: memfd");
        exit(2);
    }
    double *block = mmap(NULL, block_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (block == MAP_FAILED) {
        perror("huge: mmap block");
        exit(2);
    }
    for (size_t i = 0; i < BLOCK; i++)
        block[i] = pattern[i % 3];
    munmap(block, block_bytes);
    /* Reserve the address range, then map the block over every piece of it. */
    char *base = mmap(NULL, a.bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        perror("huge: reserve");
        exit(2);
    }
    for (size_t b = 0; b < blocks; b++) {
        void *p = mmap(base + b * block_bytes, block_bytes, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
        if (p == MAP_FAILED) {
            perror("huge: mmap alias");
            exit(2);
        }
    }
    close(fd);
    a.x = (double *)base;
    return a;
}

/* ------------------------------------------------------------------------------------------ */
/* Parallel helpers (fill, check): the machine has few cores, but two beat one on 16 GiB. */

enum { HELPERS = 4 };
struct span {
    double *x;
    size_t lo, hi;
    const double *pattern;
    size_t bad, first_bad;
};

static void *fill_span(void *arg)
{
    struct span *s = arg;
    size_t i = s->lo;
    int j = (int)(i % 3);
    for (; i < s->hi; i++) {
        s->x[i] = s->pattern[j];
        j = j == 2 ? 0 : j + 1;
    }
    return NULL;
}

static void *check_span(void *arg)
{
    struct span *s = arg;
    size_t i = s->lo;
    int j = (int)(i % 3);
    s->bad = 0;
    s->first_bad = SIZE_MAX;
    for (; i < s->hi; i++) {
        if (s->x[i] != s->pattern[j]) {
            if (!s->bad++)
                s->first_bad = i;
        }
        j = j == 2 ? 0 : j + 1;
    }
    return NULL;
}

/* Runs fn over x[0..n] in HELPERS pieces; returns the number of bad elements (check), the first
 * in *first_bad. */
static size_t over(void *(*fn)(void *), double *x, size_t n, const double pattern[3], size_t *first_bad)
{
    pthread_t t[HELPERS];
    struct span s[HELPERS];
    for (int h = 0; h < HELPERS; h++) {
        s[h] = (struct span){x, n / HELPERS * (size_t)h, h == HELPERS - 1 ? n : n / HELPERS * (size_t)(h + 1),
                             pattern, 0, SIZE_MAX};
        pthread_create(&t[h], NULL, fn, &s[h]);
    }
    size_t bad = 0, first = SIZE_MAX;
    for (int h = 0; h < HELPERS; h++) {
        pthread_join(t[h], NULL);
        bad += s[h].bad;
        first = s[h].first_bad < first ? s[h].first_bad : first;
    }
    if (first_bad)
        *first_bad = first;
    return bad;
}

/* ------------------------------------------------------------------------------------------ */

static const double P012[3] = {0.0, 1.0, 2.0};
static const double P013[3] = {0.0, 1.0, 3.0};

/* For tests/huge/huge_fortran.f90 (built with -DHUGE_NO_MAIN): n doubles 0, 1, 2, 0, 1, 2, ...
 * with no memory behind them but one block (never unmapped: the program ends soon after). */
double *huge_alias_p012(size_t n);
double *huge_alias_p012(size_t n)
{
    return alias_array(n, P012).x;
}

/* The exact sum of n elements of the pattern (a small integer: exact in double). */
static double pattern_sum(size_t n, const double pattern[3])
{
    double period = pattern[0] + pattern[1] + pattern[2], s = (double)(n / 3) * period;
    for (size_t r = 0; r < n % 3; r++)
        s += pattern[r];
    return s;
}

/* "2^31 + 1024" */
static const char *pow2_plus(size_t n)
{
    static char buf[64];
    int e = 63;
    while (e > 0 && !(n >> e))
        e--;
    snprintf(buf, sizeof buf, "2^%d + %zu", e, n - ((size_t)1 << e));
    return buf;
}

static void sums(const char *part, const double *x, size_t n, const double pattern[3])
{
    double want = pattern_sum(n, pattern), got = -1.0, mean = -1.0, legacy = -1.0;
    double t0 = now();
    speedup_status s = speedup_sum(x, n, &got);
    double t1 = now();
    CHECK(s == SPEEDUP_OK && got == want, "%s: speedup_sum of %zu elements: status %d, %.17g, want %.17g",
          part, n, s, got, want);
    s = speedup_mean(x, n, &mean);
    double t2 = now();
    CHECK(s == SPEEDUP_OK && mean == want / (double)n,
          "%s: speedup_mean of %zu elements: status %d, %.17g, want %.17g", part, n, s, mean,
          want / (double)n);
    s = speedup_legacy_sum(x, n, &legacy);
    double t3 = now();
    CHECK(s == SPEEDUP_OK && legacy == want,
          "%s: speedup_legacy_sum of %zu elements: status %d, %.17g, want %.17g", part, n, s, legacy,
          want);
    printf("huge-c: %s: n = %zu (%s): sum %.1f s, mean %.1f s, legacy_sum %.1f s; exact (%.17g)\n",
           part, n, pow2_plus(n), t1 - t0, t2 - t1, t3 - t2, want);
}

static void part_sum_alias(void)
{
    const size_t ns[2] = {((size_t)1 << 31) + 1026, ((size_t)1 << 32) + 3001};
    for (int k = 0; k < 2; k++) {
        struct alias a = alias_array(ns[k], P012);
        sums(k == 0 ? "sum-alias" : "sum-alias", a.x, ns[k], P012);
        munmap(a.x, a.bytes);
    }
}

/* One real buffer of 2^31 + 1024 doubles (16 GiB): first the input of the sums, then the output
 * of the stencils (first-touching 16 GiB is the slow part on a VM: done once). */
static void part_real(void)
{
    const size_t n = ((size_t)1 << 31) + 1024;
    if (!have_memory("real (sum-real, d2)", n * sizeof(double)))
        return;
    double t0 = now();
    double *x = big_alloc(n);
    over(fill_span, x, n, P012, NULL);
    printf("huge-c: sum-real: 16 GiB allocated and filled in %.1f s\n", now() - t0);
    sums("sum-real", x, n, P012);

    /* d2: f = [0, 1, 3][i % 3] (aliased) over n + 2 elements into x, n elements. x holds
     * [0, 1, 2] now, and ((f0 - 2 f1) + f2) over the phases of [0, 1, 3] is 1, -5, 4 (times
     * 1/dx^2): an element left unwritten differs from what is expected, in both calls. */
    const size_t nf = n + 2, m = n;
    struct alias f = alias_array(nf, P013);
    const double want1[3] = {1.0, -5.0, 4.0}, want4[3] = {4.0, -20.0, 16.0};
    size_t first = 0;
    t0 = now();
    speedup_status s = speedup_second_derivative(f.x, nf, 1.0, x, m);
    double t1 = now();
    size_t bad = over(check_span, x, m, want1, &first);
    double t2 = now();
    CHECK(s == SPEEDUP_OK && bad == 0,
          "d2: speedup_second_derivative of %zu elements: status %d, %zu of %zu elements wrong "
          "(first at %zu)",
          nf, s, bad, m, first);
    s = speedup_legacy_second_derivative(f.x, nf, 0.5, x, m);
    double t3 = now();
    bad = over(check_span, x, m, want4, &first);
    double t4 = now();
    CHECK(s == SPEEDUP_OK && bad == 0,
          "d2: speedup_legacy_second_derivative of %zu elements: status %d, %zu of %zu elements "
          "wrong (first at %zu)",
          nf, s, bad, m, first);
    printf("huge-c: d2: n = %zu (%s), every element checked: second_derivative %.1f s (check "
           "%.1f s), legacy_second_derivative %.1f s (check %.1f s)\n",
           nf, pow2_plus(nf), t1 - t0, t2 - t1, t3 - t2, t4 - t3);
    munmap(f.x, f.bytes);
    big_free(x, n);
}

#ifndef HUGE_NO_MAIN
static const struct {
    const char *name;
    void (*fn)(void);
} PARTS[] = {{"sum-alias", part_sum_alias}, {"real", part_real}};

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t p = 0; p < sizeof PARTS / sizeof PARTS[0]; p++) {
        bool wanted = argc < 2;
        for (int a = 1; a < argc; a++)
            wanted |= strcmp(argv[a], PARTS[p].name) == 0;
        if (wanted)
            PARTS[p].fn();
    }
    printf("huge-c: %ld passed, %ld failed, %ld skipped\n", passed, failed, skipped);
    return failed == 0 ? 0 : 1;
}
#endif
