/*
 * capi_filters.c: the C door test (test_capi.c) for the comb filters, the Mandelbrot escape counts and map_f64.
 */
#include "capi.h"

/* References written from docs/contract.md */

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

/* The contract's iteration in type T: ref_escape in double, ref_escape_f32 in float
 * (FLT_EVAL_METHOD 0 on x86-64 and AArch64: every operation rounds to T; -ffp-contract=off: no
 * FMA). */
#define REF_ESCAPE(name, T)                                                                      \
    static int32_t name(T c_re, T c_im, int32_t max_iter)                                        \
    {                                                                                            \
        T re = c_re, im = c_im;                                                                  \
        for (int32_t it = 0; it < max_iter; it++) {                                              \
            if (re * re + im * im >= (T)16.0)                                                    \
                return it;                                                                       \
            T new_re = (re * re - im * im) + c_re;                                               \
            im = ((T)2.0 * re) * im + c_im;                                                      \
            re = new_re;                                                                         \
        }                                                                                        \
        return -1;                                                                               \
    }
REF_ESCAPE(ref_escape, double)
REF_ESCAPE(ref_escape_f32, float)

/* Sections */

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
void test_comb_forward(void) { test_comb(false); }
void test_comb_backward(void) { test_comb(true); }

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

/* speedup_mandelbrot, or speedup_mandelbrot_f32 when `single` (then `c` holds float pairs). */
static speedup_status mandel(bool single, void *c, size_t n, int32_t max_iter, int32_t *out,
                             size_t out_len)
{
    return single ? speedup_mandelbrot_f32(c, n, max_iter, out, out_len)
                  : speedup_mandelbrot(c, n, max_iter, out, out_len);
}

typedef struct {
    void *c;
    size_t n;
    int32_t max_iter;
    bool single;
} mandel_ctx;

static speedup_status run_mandel(void *ctx, void *out)
{
    const mandel_ctx *m = ctx;
    return mandel(m->single, m->c, m->n, m->max_iter, out, m->n);
}

/* The checks both precisions share, over the `n` points `c` and the output `got`: each bad
 * input fails with its status and argument and writes nothing; then the same bits at every
 * thread count (`what` names the run). */
static void mandel_shared(bool single, void *c, size_t n, int32_t *got, const char *what)
{
    const char *K = single ? "mandelbrot_f32" : "mandelbrot";
    size_t elem = single ? sizeof(float) : sizeof(double);
    int32_t *overlap = (int32_t *)(void *)((char *)c + 10 * elem); /* inside c's first 100 points */
    memset(got, SENTINEL_BYTE, n * sizeof *got);
    EXPECT_FAIL(mandel(single, c, n, -1, got, n), SPEEDUP_ERR_INVALID_ARGUMENT, K, "max_iter");
    EXPECT_FAIL(mandel(single, NULL, n, 20, got, n), SPEEDUP_ERR_NULL_POINTER, K, "c");
    EXPECT_FAIL(mandel(single, c, n, 20, NULL, n), SPEEDUP_ERR_NULL_POINTER, K, "out");
    EXPECT_FAIL(mandel(single, c, n, 20, got, n - 1), SPEEDUP_ERR_LENGTH, K, "out_len");
    EXPECT_FAIL(mandel(single, c, SIZE_MAX, 20, got, n), SPEEDUP_ERR_INVALID_ARGUMENT, K, "n|c");
    EXPECT_FAIL(mandel(single, c, 100, 20, overlap, 100), SPEEDUP_ERR_INVALID_ARGUMENT, K, "out");
    EXPECT_FAIL(mandel(single, misaligned(c), 100, 20, got, 100), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "c");
    EXPECT_FAIL(mandel(single, c, n, INT32_MIN, got, n), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "max_iter");
    EXPECT_FAIL(mandel(single, c, 100, 20, misaligned(got), 100), SPEEDUP_ERR_INVALID_ARGUMENT, K,
                "out");
    EXPECT_UNTOUCHED(got, n * sizeof *got);

    mandel_ctx m = {c, n, 20, single};
    check_threads(what, run_mandel, &m, n * sizeof(int32_t));
}

void test_mandelbrot(void)
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

    mandel_shared(false, c, n, got, "mandelbrot 1000x1000, 20 iterations");
    free(c);
    free(got);
    free(want);
}

/* --- mandelbrot_f32 ------------------------------------------------------------------------ */

void test_mandelbrot_f32(void)
{
    const size_t w = 700, h = 500, n = w * h;
    double *cd = mandel_grid(w, h, -2.0, 1.0, -1.5, 1.5);
    float *c = xmalloc(2 * n * sizeof *c);
    for (size_t i = 0; i < 2 * n; i++)
        c[i] = (float)cd[i];
    int32_t *got = xmalloc(n * sizeof *got), *want = xmalloc(n * sizeof *want);
    const int32_t iters[] = {0, 1, 20, 100};
    for (size_t t = 0; t < 4; t++) {
        size_t m = iters[t] == 100 ? 50000 : n;
        for (size_t i = 0; i < m; i++)
            want[i] = ref_escape_f32(c[2 * i], c[2 * i + 1], iters[t]);
        if (EXPECT_OK(speedup_mandelbrot_f32(c, m, iters[t], got, m)))
            CHECK_SAME_BITS(got, want, m, sizeof(int32_t), "mandelbrot_f32 vs reference");
    }
    float special[12] = {0.0f, 0.0f, 4.0f, 0.0f, -2.0f, 0.0f, INFINITY, 0.0f, NAN, 0.0f, 3e38f, 3e38f};
    int32_t sg[6], sw[6];
    for (size_t i = 0; i < 6; i++)
        sw[i] = ref_escape_f32(special[2 * i], special[2 * i + 1], 50);
    if (EXPECT_OK(speedup_mandelbrot_f32(special, 6, 50, sg, 6)))
        CHECK_SAME_BITS(sg, sw, 6, sizeof(int32_t), "mandelbrot_f32 special points");
    EXPECT_OK(speedup_mandelbrot_f32(NULL, 0, 20, NULL, 0));

    mandel_shared(true, c, n, got, "mandelbrot_f32 700x500, 20 iterations");
    free(cd);
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

static speedup_status run_map(void *ctx, void *out)
{
    const arr_ctx *m = ctx;
    return speedup_map_f64(cube_root, NULL, m->x, m->n, out, m->n);
}

void test_map_f64(void)
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

    arr_ctx m = {x, n, 0, 0, 0, 0};
    check_threads("map_f64 cbrt 1e6", run_map, &m, n * sizeof(double));
    free(x);
    free(out);
}
