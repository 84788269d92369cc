/*
 * capi_random.c: the C door test (test_capi.c) for the random kernels (monte_carlo_pi,
 * markov_chains), against a Philox4x64-10 written here from the Random123 paper and against
 * the numpy vectors.
 */
#include "capi.h"

/* References written from docs/contract.md */

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


/* Sections */

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

/* A vectors file read line by line (next_line); vectors_open is false when it is not there. */
typedef struct {
    FILE *fp;
    char *buf;
    size_t cap;
} vectors;

static bool vectors_open(vectors *v, const char *name)
{
    *v = (vectors){open_vectors(name), NULL, 0};
    return v->fp != NULL;
}
static char *vectors_line(vectors *v) { return next_line(v->fp, &v->buf, &v->cap); }
static void vectors_close(vectors *v)
{
    free(v->buf);
    fclose(v->fp);
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
    vectors v;
    if (!vectors_open(&v, "philox_words.txt"))
        return;
    char *p, *end;
    size_t windows = 0, bad = 0;
    while ((p = vectors_line(&v))) {
        uint64_t k0 = strtoull(p, &end, 10), k1 = strtoull(end, &end, 10);
        uint64_t start = strtoull(end, &end, 10), n = strtoull(end, &end, 10);
        stream s = {{k0, k1}, 0, {0}, false};
        for (uint64_t i = 0; i < n && (p = vectors_line(&v)); i++)
            bad += stream_word(&s, start + i) != strtoull(p, NULL, 16);
        windows++;
    }
    CHECK(windows > 0 && bad == 0, "test's Philox reference: %zu words differ from numpy", bad);
    vectors_close(&v);
}

/* philox_pi.txt: "n_points seed inside pi_bits". */
static void check_numpy_pi(void)
{
    vectors v;
    if (!vectors_open(&v, "philox_pi.txt"))
        return;
    char *p, *end;
    while ((p = vectors_line(&v))) {
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
    vectors_close(&v);
}

/* philox_markov.txt: "case name k start n_steps n_chains seed", k rows of P (hex bits),
 * n_chains rows of counts, "path c" and one line of states (ignored here). */
static void check_numpy_markov(void)
{
    vectors v;
    if (!vectors_open(&v, "philox_markov.txt"))
        return;
    char *p, *end, name[128];
    while ((p = vectors_line(&v))) {
        if (strncmp(p, "path", 4) == 0) {
            if (getline(&v.buf, &v.cap, v.fp) < 0) /* the states, maybe none: not skipped as blank */
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
        for (size_t r = 0; r < k && (p = vectors_line(&v)); r++)
            for (size_t c = 0; c < k; c++, p = end)
                pm[r * k + c] = bits_to_double(strtoull(p, &end, 16));
        for (size_t r = 0; r < chains && (p = vectors_line(&v)); r++)
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
    vectors_close(&v);
}

void test_monte_carlo_pi(void)
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

void test_markov_chains(void)
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
