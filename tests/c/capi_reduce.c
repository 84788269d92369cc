/*
 * capi_reduce.c: the C door test (test_capi.c) for the reductions (sum, mean, std)
 * and the stencils (second derivative, Laplacian).
 */
#include "capi.h"

/* References written from docs/contract.md */

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

/* Sections */

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

void test_sum(void)
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

void test_mean(void)
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

void test_std(void)
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

static speedup_status run_d2(void *ctx, void *out)
{
    const arr_ctx *c = ctx;
    return speedup_second_derivative(c->x, c->n, c->a, out, c->n - 2);
}

void test_second_derivative(void)
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

void test_laplacian(void)
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
