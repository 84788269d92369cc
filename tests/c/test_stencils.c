/*
 * test_stencils.c: the C door's float twins, boundary modes and strided variants of the
 * stencils and comb filters (include/speedup.h, "stencils.rs" functions).
 *
 * Each result is compared bit for bit with a reference written here from docs/contract.md (the
 * input padded by one cell as the mode says, then the formula, in the data's precision; built
 * with -ffp-contract=off), and every strided layout (Fortran order, reversed rows, every other
 * element) with the C-order call. Bad input: each refusal leaves the output untouched.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speedup.h"
#include "check.h"

static uint64_t rng = 88172645463325252ull;
static double next_value(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    if (rng % 101 == 0)
        return INFINITY;
    return ((double)(rng >> 11) / 9007199254740992.0 - 0.5) * 8.0;
}

/* The cell that stands for index i (-1 <= i <= n) of an axis of n cells; -1 means cval. */
static long source(int mode, long i, long n)
{
    if (i >= 0 && i < n)
        return i;
    switch (mode) {
    case SPEEDUP_MODE_REFLECT:
    case SPEEDUP_MODE_NEAREST:
        return i < 0 ? 0 : n - 1;
    case SPEEDUP_MODE_MIRROR:
        return n < 2 ? 0 : (i < 0 ? 1 : n - 2);
    case SPEEDUP_MODE_WRAP:
        return i < 0 ? n - 1 : 0;
    default:
        return -1;
    }
}

#define DEFINE_REFS(T, SFX)                                                                     \
    static T at_##SFX(const T *f, long r, long c, int mode, T cval, long i, long j)             \
    {                                                                                           \
        long a = source(mode, i, r), b = source(mode, j, c);                                    \
        return (a < 0 || b < 0) ? cval : f[a * c + b];                                          \
    }                                                                                           \
    /* out of the mode's shape; valid mode reads (i + 1, j + 1) */                              \
    static void lap_ref_##SFX(const T *f, long r, long c, double dx, double dy, int mode,       \
                              double cval, T *out)                                              \
    {                                                                                           \
        T hx = (T)dx, hy = (T)dy, cv = (T)cval;                                                 \
        T ax = (T)1 / (hx * hx), ay = (T)1 / (hy * hy), k = (T)2 * ax + (T)2 * ay;             \
        long o = mode == SPEEDUP_MODE_VALID ? 1 : 0;                                            \
        long orows = r - 2 * o, ocols = c - 2 * o;                                              \
        for (long i = 0; i < orows; i++)                                                        \
            for (long j = 0; j < ocols; j++) {                                                  \
                long y = i + o, x = j + o;                                                      \
                T v = ((at_##SFX(f, r, c, mode, cv, y - 1, x) + at_##SFX(f, r, c, mode, cv, y + 1, x)) * ax \
                       + (at_##SFX(f, r, c, mode, cv, y, x - 1) + at_##SFX(f, r, c, mode, cv, y, x + 1)) * ay) \
                      - f[y * c + x] * k;                                                       \
                out[i * ocols + j] = v != v ? (T)NAN : v; /* the canonical NaN */               \
            }                                                                                   \
    }

DEFINE_REFS(double, d)
DEFINE_REFS(float, s)

static const int MODES[] = {SPEEDUP_MODE_VALID,  SPEEDUP_MODE_REFLECT, SPEEDUP_MODE_NEAREST,
                            SPEEDUP_MODE_MIRROR, SPEEDUP_MODE_WRAP,    SPEEDUP_MODE_CONSTANT};

static void laplacian_modes_and_layouts(void)
{
    const long shapes[][2] = {{1, 1}, {2, 3}, {3, 3}, {5, 8}, {17, 4}, {64, 129}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        long r = shapes[s][0], c = shapes[s][1];
        size_t n = (size_t)(r * c);
        double *f = malloc(n * sizeof *f), *ft = malloc(n * sizeof *ft);
        float *g = malloc(n * sizeof *g), *gt = malloc(n * sizeof *gt);
        double *want = malloc(n * sizeof *want), *got = malloc(2 * n * sizeof *got);
        float *wants = malloc(n * sizeof *wants), *gots = malloc(2 * n * sizeof *gots);
        for (size_t i = 0; i < n; i++) {
            f[i] = next_value();
            g[i] = (float)f[i];
        }
        for (long i = 0; i < r; i++)
            for (long j = 0; j < c; j++) {
                ft[j * r + i] = f[i * c + j]; /* Fortran order */
                gt[j * r + i] = g[i * c + j];
            }
        for (size_t m = 0; m < 6; m++) {
            int mode = MODES[m];
            if (mode == SPEEDUP_MODE_VALID && (r < 3 || c < 3))
                continue;
            long orows = mode == SPEEDUP_MODE_VALID ? r - 2 : r;
            long ocols = mode == SPEEDUP_MODE_VALID ? c - 2 : c;
            size_t on = (size_t)(orows * ocols);
            lap_ref_d(f, r, c, 0.3, 1.9, mode, -1.5, want);
            lap_ref_s(g, r, c, 0.3, 1.9, mode, -1.5, wants);
            CHECK(speedup_laplacian_mode(f, r, c, 0.3, 1.9, mode, -1.5, got, on) == SPEEDUP_OK, "mode %d", mode);
            CHECK_SAME_BITS(got, want, on, sizeof *got, "laplacian_mode vs reference");
            CHECK(speedup_laplacian_mode_f32(g, r, c, 0.3, 1.9, mode, -1.5, gots, on) == SPEEDUP_OK, "f32 mode %d", mode);
            CHECK_SAME_BITS(gots, wants, on, sizeof *gots, "laplacian_mode_f32 vs reference");
            if (mode == SPEEDUP_MODE_VALID) {
                CHECK(speedup_laplacian_f32(g, r, c, 0.3, 1.9, gots, on) == SPEEDUP_OK, "f32");
                CHECK_SAME_BITS(gots, wants, on, sizeof *gots, "laplacian_f32 vs reference");
            }
            /* Fortran-order input, output every other element of a C-order buffer. */
            memset(got, 0, 2 * on * sizeof *got);
            CHECK(speedup_laplacian_strided(ft, r, c, 1, r, 0.3, 1.9, mode, -1.5, got, orows, ocols,
                                            2 * ocols, 2) == SPEEDUP_OK, "F order");
            for (size_t i = 0; i < on; i++)
                got[i] = got[2 * i];
            CHECK_SAME_BITS(got, want, on, sizeof *got, "laplacian_strided (F order) vs reference");
            /* Reversed rows in, Fortran-order out, float. */
            CHECK(speedup_laplacian_strided_f32(g + (r - 1) * c, r, c, -c, 1, 0.3, 1.9, mode, -1.5,
                                                gots + on * 0, orows, ocols, 1, orows) == SPEEDUP_OK, "reversed");
            float *back = malloc(on * sizeof *back);
            for (long i = 0; i < orows; i++)
                for (long j = 0; j < ocols; j++)
                    back[i * ocols + j] = gots[j * orows + i];
            float *flip = malloc(n * sizeof *flip);
            for (long i = 0; i < r; i++)
                memcpy(flip + i * c, g + (r - 1 - i) * c, (size_t)c * sizeof *flip);
            lap_ref_s(flip, r, c, 0.3, 1.9, mode, -1.5, wants);
            CHECK_SAME_BITS(back, wants, on, sizeof *back, "laplacian_strided_f32 (reversed rows) vs reference");
            free(back);
            free(flip);
        }
        free(f), free(ft), free(g), free(gt), free(want), free(got), free(wants), free(gots);
    }
}

static void second_derivative_modes(void)
{
    enum { N = 50 };
    double f[2 * N], want[N], got[2 * N];
    float g[N], wants[N], gots[N];
    for (int i = 0; i < 2 * N; i++)
        f[i] = next_value();
    for (int i = 0; i < N; i++)
        g[i] = (float)f[2 * i];
    for (size_t m = 0; m < 6; m++) {
        int mode = MODES[m];
        long o = mode == SPEEDUP_MODE_VALID ? 1 : 0, len = N - 2 * o;
        double s = 1.0 / (0.7 * 0.7);
        float ss = 1.0f / (0.7f * 0.7f);
        for (long i = 0; i < len; i++) {
            long y = i + o;
            long a = source(mode, y - 1, N), b = source(mode, y + 1, N);
            double l = a < 0 ? 2.5 : f[2 * a], r = b < 0 ? 2.5 : f[2 * b];
            want[i] = ((l - 2.0 * f[2 * y]) + r) * s;
            want[i] = want[i] != want[i] ? NAN : want[i];
            float ls = a < 0 ? 2.5f : g[a], rs = b < 0 ? 2.5f : g[b];
            wants[i] = ((ls - 2.0f * g[y]) + rs) * ss;
            wants[i] = wants[i] != wants[i] ? NAN : wants[i];
        }
        CHECK(speedup_second_derivative_strided(f, N, 2, 0.7, mode, 2.5, got, (size_t)len, 1) == SPEEDUP_OK, "mode %d", mode);
        CHECK_SAME_BITS(got, want, (size_t)len, sizeof *got, "second_derivative_strided vs reference");
        CHECK(speedup_second_derivative_mode_f32(g, N, 0.7, mode, 2.5, gots, (size_t)len) == SPEEDUP_OK, "f32");
        CHECK_SAME_BITS(gots, wants, (size_t)len, sizeof *gots, "second_derivative_mode_f32 vs reference");
        if (mode == SPEEDUP_MODE_VALID) {
            CHECK(speedup_second_derivative_f32(g, N, 0.7, gots, (size_t)len) == SPEEDUP_OK, "f32");
            CHECK_SAME_BITS(gots, wants, (size_t)len, sizeof *gots, "second_derivative_f32 vs reference");
        }
    }
}

static void comb_filters(void)
{
    enum { N = 300, K = 3 };
    static double x[N * K], xt[N * K], y[N * K], yt[N * K];
    static float xs[N * K], ys[N * K], want[N * K];
    for (int i = 0; i < N * K; i++) {
        x[i] = next_value();
        xs[i] = (float)x[i];
    }
    for (int t = 0; t < N; t++)
        for (int c = 0; c < K; c++)
            xt[c * N + t] = x[t * K + c];
    for (int backward = 0; backward < 2; backward++) {
        size_t tau = 4;
        float a = -0.75f;
        for (int t = 0; t < N; t++)
            for (int c = 0; c < K; c++) {
                float prev = t < (int)tau ? 0.0f : (backward ? want : xs)[(t - (int)tau) * K + c];
                float v = t < (int)tau ? xs[t * K + c] : xs[t * K + c] + a * prev;
                want[t * K + c] = v != v ? NAN : v;
            }
        speedup_status st = backward ? speedup_comb_backward_f32(xs, N, K, tau, -0.75, ys, N * K)
                                     : speedup_comb_forward_f32(xs, N, K, tau, -0.75, ys, N * K);
        CHECK(st == SPEEDUP_OK, "comb f32");
        CHECK_SAME_BITS(ys, want, N * K, sizeof *ys, "comb f32 vs reference");
        st = backward ? speedup_comb_backward(x, N, K, tau, -0.75, y, N * K)
                      : speedup_comb_forward(x, N, K, tau, -0.75, y, N * K);
        CHECK(st == SPEEDUP_OK, "comb");
        st = backward ? speedup_comb_backward_strided(xt, N, K, 1, N, tau, -0.75, yt, 1, N)
                      : speedup_comb_forward_strided(xt, N, K, 1, N, tau, -0.75, yt, 1, N);
        CHECK(st == SPEEDUP_OK, "comb strided");
        for (int t = 0; t < N; t++)
            for (int c = 0; c < K; c++)
                CHECK(memcmp(&yt[c * N + t], &y[t * K + c], sizeof(double)) == 0, "F order (%d, %d)", t, c);
    }
}

static void bad_input(void)
{
    double f[16], out[16];
    char msg[256];
    for (int i = 0; i < 16; i++)
        f[i] = i, out[i] = -7.0;
    speedup_status st = speedup_laplacian_mode(f, 4, 4, 1.0, 1.0, 9, 0.0, out, 16);
    speedup_last_error(msg, sizeof msg);
    CHECK(st == SPEEDUP_ERR_INVALID_ARGUMENT && strstr(msg, "mode"), "unknown mode: %d %s", st, msg);
    st = speedup_laplacian_mode(f, 4, 4, 1.0, 1.0, SPEEDUP_MODE_WRAP, 0.0, out, 4);
    speedup_last_error(msg, sizeof msg);
    CHECK(st == SPEEDUP_ERR_LENGTH && strstr(msg, "out_len"), "out_len: %d %s", st, msg);
    st = speedup_laplacian_strided(f, 4, 4, 4, 1, 1.0, 1.0, SPEEDUP_MODE_WRAP, 0.0, out, 4, 4, 1, 1);
    speedup_last_error(msg, sizeof msg);
    CHECK(st == SPEEDUP_ERR_INVALID_ARGUMENT && strstr(msg, "overlap"), "aliased out: %d %s", st, msg);
    st = speedup_laplacian_strided(f, 4, 4, 4, 1, 1.0, 1.0, SPEEDUP_MODE_WRAP, 0.0, f, 4, 4, 4, 1);
    speedup_last_error(msg, sizeof msg);
    CHECK(st == SPEEDUP_ERR_INVALID_ARGUMENT && strstr(msg, "must not overlap f"), "out on f: %d %s", st, msg);
    st = speedup_laplacian_strided(f, 4, 4, 4, 1, 1.0, 1.0, SPEEDUP_MODE_VALID, 0.0, out, 3, 2, 2, 1);
    speedup_last_error(msg, sizeof msg);
    CHECK(st == SPEEDUP_ERR_LENGTH && strstr(msg, "out must have shape 2x2"), "out shape: %d %s", st, msg);
    st = speedup_second_derivative_mode(f, 2, 1.0, SPEEDUP_MODE_VALID, 0.0, out, 0);
    speedup_last_error(msg, sizeof msg);
    CHECK(st == SPEEDUP_ERR_INVALID_ARGUMENT && strstr(msg, "at least 3"), "valid n=2: %d %s", st, msg);
    st = speedup_second_derivative_strided(NULL, 5, 1, 1.0, SPEEDUP_MODE_NEAREST, 0.0, out, 5, 1);
    CHECK(st == SPEEDUP_ERR_NULL_POINTER, "NULL f: %d", st);
    float fs[9] = {0}, os[9] = {-7, -7, -7, -7, -7, -7, -7, -7, -7};
    st = speedup_laplacian_f32(fs, 3, 3, 1e-50, 1.0, os, 1);
    speedup_last_error(msg, sizeof msg);
    CHECK(st == SPEEDUP_ERR_INVALID_ARGUMENT && strstr(msg, "float32"), "dx rounds to 0: %d %s", st, msg);
    st = speedup_comb_forward_strided_f32(fs, 3, 3, 3, 1, 0, 1.0, os, 3, 1);
    CHECK(st == SPEEDUP_ERR_INVALID_ARGUMENT, "tau 0: %d", st);
    for (int i = 0; i < 16; i++)
        CHECK(out[i] == -7.0, "out[%d] untouched", i);
    for (int i = 0; i < 9; i++)
        CHECK(os[i] == -7.0f, "os[%d] untouched", i);
}

int main(void)
{
    struct { const char *name; void (*run)(void); } sections[] = {
        {"laplacian_modes", laplacian_modes_and_layouts},
        {"d2_modes", second_derivative_modes},
        {"comb_f32_strided", comb_filters},
        {"stencil_bad_input", bad_input},
    };
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        check_begin_section(sections[s].name);
        long before = check_passed + check_failed;
        sections[s].run();
        printf("%-18s (%ld checks, %ld failed)\n", sections[s].name, check_passed + check_failed - before,
               check_section_failed);
    }
    return check_report();
}
