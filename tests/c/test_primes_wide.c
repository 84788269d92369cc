/* The C door of the 128-bit prime sum (speedup_sum_primes_below_u128) and the u64 limit of
 * speedup_sum_primes_below: a byte-sieve reference, published values (OEIS A046731), the
 * exact boundary n = 29505444491 through both functions, bad arguments, thread identity. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speedup.h"
#include "check.h"

#define U64_MAX_N 29505444491u /* the largest n whose sum fits uint64 */
#define SUM_AT_MAX_N 18446744057541225032u

static char msg[1024];

static const char *last_error(void)
{
    (void)speedup_last_error(msg, sizeof msg);
    return msg;
}

static void expect_pair(uint64_t n, uint64_t want_hi, uint64_t want_lo)
{
    uint64_t lo = 0, hi = 0;
    speedup_status s = speedup_sum_primes_below_u128(n, &lo, &hi);
    CHECK(s == SPEEDUP_OK, "sum_primes_below_u128(%" PRIu64 "): status %d: %s", n, s, last_error());
    CHECK(hi == want_hi && lo == want_lo,
          "sum_primes_below_u128(%" PRIu64 ") = (%" PRIu64 ", %" PRIu64 "), want (%" PRIu64
          ", %" PRIu64 ")",
          n, hi, lo, want_hi, want_lo);
}

/* Every n below 5000 and the cut-off region against a byte sieve (the high word is 0). */
static void test_small(void)
{
    const size_t N = 70000;
    unsigned char *composite = calloc(N + 1, 1);
    uint64_t below = 0;
    for (size_t i = 0; i <= N; i++) {
        if (i < 5000 || i > 64000)
            expect_pair(i, 0, below);
        if (i >= 2 && !composite[i]) {
            below += i;
            for (size_t j = i * i; j <= N; j += i)
                composite[j] = 1;
        }
    }
    free(composite);
}

static void test_known(void)
{
    expect_pair(10000000000u, 0, 2220822432581729238u);          /* 1e10 */
    expect_pair(1000000000000u, 999, 7291222914863846993u);      /* 1e12 */
    uint64_t s = 0;
    CHECK(speedup_sum_primes_below(10000000000u, &s) == SPEEDUP_OK && s == 2220822432581729238u,
          "sum_primes_below(1e10) = %" PRIu64, s);
}

/* n = U64_MAX_N fits uint64; from n + 1 on speedup_sum_primes_below refuses (nothing
 * written) and the 128-bit twin carries on with the prime U64_MAX_N added. */
static void test_boundary(void)
{
    uint64_t s = 0;
    CHECK(speedup_sum_primes_below(U64_MAX_N, &s) == SPEEDUP_OK && s == SUM_AT_MAX_N,
          "sum_primes_below(limit) = %" PRIu64 ": %s", s, last_error());
    expect_pair(U64_MAX_N, 0, SUM_AT_MAX_N);
    for (uint64_t n = U64_MAX_N + 1; n <= U64_MAX_N + 2; n++) {
        s = 7;
        speedup_status st = speedup_sum_primes_below(n, &s);
        CHECK(st == SPEEDUP_ERR_OVERFLOW && s == 7, "sum_primes_below(%" PRIu64 "): status %d",
              n, st);
        CHECK(strstr(last_error(), "sum_primes_below") == msg, "message: %s", msg);
        expect_pair(n, 1, 13337117907u); /* SUM_AT_MAX_N + U64_MAX_N - 2^64 */
    }
}

static void test_bad_input(void)
{
    uint64_t lo = 7, hi = 9;
    const uint64_t bad[] = {10000000000000001u, UINT64_MAX};
    for (size_t i = 0; i < 2; i++) {
        speedup_status st = speedup_sum_primes_below_u128(bad[i], &lo, &hi);
        CHECK(st == SPEEDUP_ERR_INVALID_ARGUMENT, "n = %" PRIu64 ": status %d", bad[i], st);
        CHECK(strstr(last_error(), "sum_primes_below_u128: n must be at most") == msg,
              "message names the kernel and n: %s", msg);
        CHECK(lo == 7 && hi == 9, "outputs written by a refused call");
    }
    CHECK(speedup_sum_primes_below_u128(10, NULL, &hi) == SPEEDUP_ERR_NULL_POINTER &&
              strstr(last_error(), "lo") != NULL && hi == 9,
          "NULL lo: %s", msg);
    CHECK(speedup_sum_primes_below_u128(10, &lo, NULL) == SPEEDUP_ERR_NULL_POINTER &&
              strstr(last_error(), "hi") != NULL && lo == 7,
          "NULL hi: %s", msg);
}

static void test_threads(void)
{
    size_t before = speedup_get_num_threads();
    uint64_t lo[3], hi[3];
    const size_t counts[3] = {1, 2, 3};
    for (size_t t = 0; t < 3; t++) {
        CHECK(speedup_set_num_threads(counts[t]) == SPEEDUP_OK, "set_num_threads");
        CHECK(speedup_sum_primes_below_u128(1000000000000u, &lo[t], &hi[t]) == SPEEDUP_OK, "%s",
              last_error());
    }
    CHECK(lo[0] == lo[1] && lo[1] == lo[2] && hi[0] == hi[1] && hi[1] == hi[2],
          "sum_primes_below_u128(1e12) differs across thread counts");
    (void)speedup_set_num_threads(before);
}

int main(void)
{
    (void)check_same_bits_at; /* check.h's bit comparison is not needed here */
    const struct {
        const char *name;
        void (*run)(void);
    } sections[] = {{"small", test_small},         {"known", test_known},
                    {"boundary", test_boundary},   {"bad_input", test_bad_input},
                    {"threads", test_threads}};
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        check_begin_section(sections[s].name);
        sections[s].run();
        printf("primes_wide %-10s %s\n", sections[s].name, check_section_failed ? "FAIL" : "ok");
    }
    return check_report();
}
