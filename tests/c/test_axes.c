/*
 * The C door of the reductions along axes (speedup_{sum,mean,std}_axis and their _f32 and
 * _f32_f64 twins, speedup_{sum,mean,std}_f32): every lane has the bits of the flat kernel on
 * that lane copied out, for C-order, Fortran-order and negative strides, at several thread
 * counts; bad input gives the documented status and message and leaves out untouched.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <speedup.h>

static int failures = 0, checks = 0;
#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        checks++;                                                               \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
        }                                                                       \
    } while (0)

static uint64_t bits(double v) { uint64_t b; memcpy(&b, &v, 8); return b; }
static uint32_t bits32(float v) { uint32_t b; memcpy(&b, &v, 4); return b; }

/* Awkward values: cancellation and magnitudes far apart. */
static double value(size_t i) {
    double u = (double)((i * 2654435761u) % 1000003) / 1000003.0 - 0.5;
    switch (i % 4) {
    case 0: return u * 1e10;
    case 1: return -u * 1e10 + 0.25;
    default: return u;
    }
}

enum { SUM, MEAN, STD };

static double flat(int op, const double *lane, size_t n) {
    double r = 0;
    speedup_status st = op == SUM ? speedup_sum(lane, n, &r) : op == MEAN ? speedup_mean(lane, n, &r) : speedup_std(lane, n, 1, &r);
    CHECK(st == SPEEDUP_OK, "flat kernel status %d", st);
    return r;
}

static speedup_status along(int op, const double *x, size_t nd, const size_t *shape, const ptrdiff_t *strides,
                            const size_t *axes, size_t naxes, double *out, size_t out_len) {
    if (op == SUM) return speedup_sum_axis(x, nd, shape, strides, axes, naxes, out, out_len);
    if (op == MEAN) return speedup_mean_axis(x, nd, shape, strides, axes, naxes, out, out_len);
    return speedup_std_axis(x, nd, shape, strides, axes, naxes, 1, out, out_len);
}

/* A 3-D view (shape, strides in elements, origin offset into buf): every op and every single
 * axis, compared lane by lane with the flat kernel on the lane copied out. */
static void lanes_3d(const double *buf, ptrdiff_t origin, const size_t shape[3], const ptrdiff_t st[3], const char *what) {
    const double *x = buf + origin;
    for (int op = SUM; op <= STD; op++) {
        for (size_t ax = 0; ax < 3; ax++) {
            size_t k1 = ax == 0 ? 1 : 0, k2 = ax == 2 ? 1 : 2;
            size_t lanes = shape[k1] * shape[k2], n = shape[ax];
            double *out = malloc(lanes * sizeof *out), *lane = malloc(n * sizeof *lane);
            CHECK(along(op, x, 3, shape, st, &ax, 1, out, lanes) == SPEEDUP_OK, "%s op %d axis %zu", what, op, ax);
            for (size_t a = 0; a < shape[k1]; a++)
                for (size_t b = 0; b < shape[k2]; b++) {
                    for (size_t i = 0; i < n; i++)
                        lane[i] = x[(ptrdiff_t)a * st[k1] + (ptrdiff_t)b * st[k2] + (ptrdiff_t)i * st[ax]];
                    double want = flat(op, lane, n);
                    CHECK(bits(out[a * shape[k2] + b]) == bits(want), "%s op %d axis %zu lane (%zu,%zu)", what, op, ax, a, b);
                }
            free(out);
            free(lane);
        }
    }
}

static void test_layouts(void) {
    size_t shape[3] = {7, 1300, 9};
    size_t n = shape[0] * shape[1] * shape[2];
    double *buf = malloc(n * sizeof *buf);
    for (size_t i = 0; i < n; i++) buf[i] = value(i);
    ptrdiff_t c[3] = {1300 * 9, 9, 1};
    ptrdiff_t f[3] = {1, 7, 7 * 1300};
    ptrdiff_t rev[3] = {-1300 * 9, 9, -1};
    lanes_3d(buf, 0, shape, c, "C order");
    lanes_3d(buf, 0, shape, f, "Fortran order");
    lanes_3d(buf, (ptrdiff_t)(6 * 1300 * 9 + 8), shape, rev, "negative strides");
    /* Every axis (NULL axes), strides NULL (C order): the flat kernel's bits. */
    double all = 0, want = 0;
    CHECK(speedup_sum_axis(buf, 3, shape, NULL, NULL, 0, &all, 1) == SPEEDUP_OK, "all axes");
    speedup_sum(buf, n, &want);
    CHECK(bits(all) == bits(want), "all axes: flat bits");
    /* A tuple of axes, listed in any order: C order of the axes (0, 2). */
    size_t axes[2] = {2, 0};
    double *out = malloc(1300 * sizeof *out), lane[63];
    CHECK(speedup_sum_axis(buf, 3, shape, c, axes, 2, out, 1300) == SPEEDUP_OK, "axes (2, 0)");
    for (size_t j = 0; j < 1300; j++) {
        for (size_t a = 0; a < 7; a++)
            for (size_t b = 0; b < 9; b++) lane[a * 9 + b] = buf[a * 1300 * 9 + j * 9 + b];
        CHECK(bits(out[j]) == bits(flat(SUM, lane, 63)), "axes (2, 0) lane %zu", j);
    }
    free(out);
    free(buf);
}

static void test_f32(void) {
    size_t shape[2] = {1500, 13}, n = 1500 * 13;
    float *x = malloc(n * sizeof *x);
    double *wide = malloc(n * sizeof *wide), *lane = malloc(1500 * sizeof *lane);
    for (size_t i = 0; i < n; i++) { x[i] = (float)value(i); wide[i] = x[i]; }
    float s32 = 0, o32[13];
    double d, o64[13];
    CHECK(speedup_sum_f32(x, n, &s32) == SPEEDUP_OK, "sum_f32");
    speedup_sum(wide, n, &d);
    CHECK(bits32(s32) == bits32((float)d), "sum_f32 = the f64 sum rounded once");
    CHECK(speedup_std_f32(x, n, 1, &s32) == SPEEDUP_OK, "std_f32");
    speedup_std(wide, n, 1, &d);
    CHECK(bits32(s32) == bits32((float)d), "std_f32 = the f64 std rounded once");
    size_t ax = 0;
    CHECK(speedup_mean_axis_f32(x, 2, shape, NULL, &ax, 1, o32, 13) == SPEEDUP_OK, "mean_axis_f32");
    CHECK(speedup_mean_axis_f32_f64(x, 2, shape, NULL, &ax, 1, o64, 13) == SPEEDUP_OK, "mean_axis_f32_f64");
    for (size_t j = 0; j < 13; j++) {
        for (size_t i = 0; i < 1500; i++) lane[i] = wide[i * 13 + j];
        double m = flat(MEAN, lane, 1500);
        CHECK(bits(o64[j]) == bits(m), "mean_axis_f32_f64 lane %zu", j);
        CHECK(bits32(o32[j]) == bits32((float)m), "mean_axis_f32 lane %zu", j);
    }
    free(x);
    free(wide);
    free(lane);
}

static void test_threads(void) {
    size_t shape[2] = {4096, 300}, n = 4096 * 300;
    double *x = malloc(n * sizeof *x), first[300], out[300];
    for (size_t i = 0; i < n; i++) x[i] = value(i);
    size_t counts[4] = {1, 2, 3, 8};
    for (size_t ax = 0; ax < 2; ax++) {
        size_t lanes = shape[1 - ax];
        for (size_t t = 0; t < 4; t++) {
            speedup_set_num_threads(counts[t]);
            double *dst = t == 0 ? first : out;
            CHECK(speedup_std_axis(x, 2, shape, NULL, &ax, 1, 0, dst, lanes > 300 ? 300 : lanes) == (lanes > 300 ? SPEEDUP_ERR_LENGTH : SPEEDUP_OK), "threads");
            if (t > 0 && lanes <= 300)
                CHECK(memcmp(first, out, lanes * sizeof *out) == 0, "axis %zu: %zu threads differ", ax, counts[t]);
        }
    }
    speedup_set_num_threads(0);
    free(x);
}

static void expect_error(speedup_status st, speedup_status want, const char *msg, const double *out, size_t len) {
    char buf[256];
    speedup_last_error(buf, sizeof buf);
    CHECK(st == want, "status %d, want %d (%s)", st, want, buf);
    CHECK(strncmp(buf, msg, strlen(msg)) == 0, "message '%s', want '%s...'", buf, msg);
    for (size_t i = 0; i < len; i++) CHECK(out[i] == -7.0, "out[%zu] written on error", i);
}

static void test_bad_input(void) {
    double x[24], out[12];
    for (int i = 0; i < 24; i++) x[i] = i;
    for (int i = 0; i < 12; i++) out[i] = -7.0;
    size_t shape[3] = {2, 3, 4}, a3 = 3, twice[2] = {1, 1}, a0 = 0;
    size_t huge[3] = {SIZE_MAX / 2, 4, 1};
    expect_error(speedup_sum_axis(x, 3, shape, NULL, &a3, 1, out, 8), SPEEDUP_ERR_INVALID_ARGUMENT, "sum: axes must each be < ndim (3), got 3", out, 12);
    expect_error(speedup_mean_axis(x, 3, shape, NULL, twice, 2, out, 8), SPEEDUP_ERR_INVALID_ARGUMENT, "mean: axes must not repeat an axis, got 1 twice", out, 12);
    expect_error(speedup_sum_axis(NULL, 3, shape, NULL, &a0, 1, out, 12), SPEEDUP_ERR_NULL_POINTER, "sum: x", out, 12);
    expect_error(speedup_sum_axis(x, 3, NULL, NULL, &a0, 1, out, 12), SPEEDUP_ERR_NULL_POINTER, "sum: shape", out, 12);
    expect_error(speedup_sum_axis(x, 3, shape, NULL, NULL, 1, out, 12), SPEEDUP_ERR_NULL_POINTER, "sum: axes", out, 12);
    expect_error(speedup_sum_axis(x, 3, shape, NULL, &a0, 1, NULL, 12), SPEEDUP_ERR_NULL_POINTER, "sum: out", out, 12);
    expect_error(speedup_sum_axis(x, 3, shape, NULL, &a0, 1, out, 8), SPEEDUP_ERR_LENGTH, "sum: out_len must be 12 (the kept axes' size), got 8", out, 12);
    expect_error(speedup_sum_axis(x, 3, huge, NULL, &a0, 1, out, 8), SPEEDUP_ERR_LENGTH, "sum: shape must have an element count that fits", out, 12);
    expect_error(speedup_std_axis(x, 3, shape, NULL, &a0, 1, 2, out, 12), SPEEDUP_ERR_INVALID_ARGUMENT, "std: ddof must be smaller", out, 12);
    expect_error(speedup_sum_axis(x, 3, shape, NULL, &a0, 1, (double *)x + 1, 12), SPEEDUP_ERR_INVALID_ARGUMENT, "sum: out must not overlap x", out, 12);
}

int main(void) {
    test_layouts();
    test_f32();
    test_threads();
    test_bad_input();
    if (failures) {
        fprintf(stderr, "test_axes: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("%d passed, 0 failed\n", checks);
    return 0;
}
