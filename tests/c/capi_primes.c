/*
 * capi_primes.c: the C door test (test_capi.c) for is_prime (one and many) and sum_primes_below (one and many).
 */
#include "capi.h"

/* References written from docs/contract.md */

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


/* Sections */

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

void test_is_prime(void)
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

void test_sum_primes_below(void)
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
