/*
 * capi_closest.c: the C door test (test_capi.c) for closest_pair.
 */
#include "capi.h"

/* References written from docs/contract.md */

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

/* Sections */

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

void test_closest_pair(void)
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
