/*
 * Bad-input runner, C door: every case of the resolved table (cases.py writes cases.c.txt)
 * through speedup_<kernel>, and through speedup_legacy_<kernel> when the kernel has a twin.
 *
 * Each case must return the expected status, leave a message "<kernel>: <argument> <rule>" in
 * speedup_last_error, and leave every output (sentinel-filled, with a guard zone past its end),
 * every input and the thread knob untouched. Fails on any gap: a case it cannot express, or a
 * function of include/speedup.h (listed in FUNCS, one name a line) without any case.
 *
 * usage: run_c CASES FUNCS [LOG]
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <speedup.h>
#include <speedup_legacy.h>

#define MAXP 16
#define GUARD 8 /* sentinel elements past the end of every output */

typedef struct {
    char name[32];
    char kind[8];
    int ndim;
    long long d1, d2;
    size_t count;
    long long *vals;
    char target[32];
} param;

typedef struct {
    char id[64], kernel[48], status[16], arg[64];
    int twin;
    param p[MAXP];
    int np;
} test_case;

static FILE *logf_;
static long passed[2], failed[2], skipped[2];
static char covered[2][64][48];
static int n_covered[2];

static void cover(int door, const char *kernel)
{
    for (int i = 0; i < n_covered[door]; i++)
        if (strcmp(covered[door][i], kernel) == 0)
            return;
    if (n_covered[door] < 64)
        strcpy(covered[door][n_covered[door]++], kernel);
}

static bool is_covered(int door, const char *kernel)
{
    for (int i = 0; i < n_covered[door]; i++)
        if (strcmp(covered[door][i], kernel) == 0)
            return true;
    return false;
}

static param *find(test_case *c, const char *name)
{
    for (int i = 0; i < c->np; i++)
        if (strcmp(c->p[i].name, name) == 0)
            return &c->p[i];
    return NULL;
}

static double as_double(long long bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* ---- argument building: every buffer of one call, freed by release() ---------------------- */

typedef struct {
    void *ptr;   /* what the call receives (NULL for a NULL parameter) */
    void *mem;   /* the allocation */
    void *copy;  /* inputs: a copy to compare with; outputs: NULL */
    size_t bytes; /* compared bytes (outputs: including the guard) */
    size_t len;  /* elements */
    int out;
    size_t elem;
    const char *name;
} buffer;

typedef struct {
    buffer b[MAXP + 4];
    int n;
    bool cannot;
    char why[160];
} call_args;

static void cannot(call_args *a, const char *why, const char *name)
{
    if (!a->cannot)
        snprintf(a->why, sizeof a->why, "%s (%s)", why, name);
    a->cannot = true;
}

/* A scalar the table gives with a kind or value its argument cannot take: the case cannot be
 * expressed (no-op when the table does not give it: the caller's default holds). */
static void unfit(call_args *a, const param *p, const char *why, const char *name)
{
    if (p)
        cannot(a, why, name);
}

static double scalar_f(test_case *c, call_args *a, const char *name, double dflt)
{
    param *p = find(c, name);
    if (p && strcmp(p->kind, "F") == 0)
        return as_double(p->vals[0]);
    if (p && strcmp(p->kind, "I") == 0)
        return (double)p->vals[0];
    unfit(a, p, "not a real scalar", name);
    return dflt;
}

static uint64_t scalar_u(test_case *c, call_args *a, const char *name, uint64_t dflt)
{
    param *p = find(c, name);
    if (p && (strcmp(p->kind, "U") == 0 || (strcmp(p->kind, "I") == 0 && p->vals[0] >= 0)))
        return (uint64_t)p->vals[0];
    unfit(a, p, "not an unsigned integer", name);
    return dflt;
}

static int32_t scalar_i32(test_case *c, call_args *a, const char *name, int32_t dflt)
{
    param *p = find(c, name);
    if (p && strcmp(p->kind, "I") == 0 && p->vals[0] >= INT32_MIN && p->vals[0] <= INT32_MAX)
        return (int32_t)p->vals[0];
    unfit(a, p, "not an int32_t", name);
    return dflt;
}

/* An input array: its values (bits for doubles), or NULL with the given length. */
static buffer *input(test_case *c, call_args *a, const char *name, size_t elem)
{
    buffer *b = &a->b[a->n++];
    memset(b, 0, sizeof *b);
    b->name = name;
    param *p = find(c, name);
    if (!p) {
        cannot(a, "missing input", name);
        return b;
    }
    if (strcmp(p->kind, "NULL") == 0) {
        b->len = (size_t)p->d1;
        return b;
    }
    bool mis = strcmp(p->kind, "MIS") == 0;
    if (strcmp(p->kind, "A") && strcmp(p->kind, "Q") && strcmp(p->kind, "Z") && !mis) {
        cannot(a, "not an array", name);
        return b;
    }
    size_t words = p->count, per = elem / 8;
    b->len = words / (per ? per : 1);
    b->bytes = words * 8 + mis;
    b->mem = calloc(b->bytes ? b->bytes : 8, 1); /* the byte before a MIS array is defined */
    memcpy((char *)b->mem + mis, p->vals, words * 8);
    b->copy = malloc(b->bytes ? b->bytes : 8);
    memcpy(b->copy, b->mem, b->bytes);
    b->ptr = (char *)b->mem + mis;
    return b;
}

/* A complex input read as doubles, narrowed in place to float pairs (C99 float complex); the
 * table's values are exact in float. */
static void to_complex64(buffer *b)
{
    if (!b->mem)
        return;
    double *d = (double *)b->ptr;
    float *f = (float *)b->ptr;
    for (size_t i = 0; i < 2 * b->len; i++) {
        double v;
        memcpy(&v, &d[i], sizeof v); /* MIS buffers are misaligned */
        float w = (float)v;
        memcpy(&f[i], &w, sizeof w);
    }
    memcpy(b->copy, b->mem, b->bytes);
}

static unsigned char fill_byte(size_t elem) { return elem == 1 ? 0x01 : 0xA5; }

/* An output array of `natural` elements unless the case gives its shape, NULL, or an alias. */
static buffer *output(test_case *c, call_args *a, const char *name, size_t elem, size_t natural)
{
    buffer *b = &a->b[a->n++];
    memset(b, 0, sizeof *b);
    b->out = 1;
    b->elem = elem;
    param *p = find(c, name);
    size_t len = natural;
    if (p && strcmp(p->kind, "NULL") == 0) {
        b->len = (size_t)p->d1;
        return b;
    }
    if (p && strcmp(p->kind, "ALIAS") == 0) {
        for (int i = 0; i < a->n - 1; i++) {
            if (!a->b[i].out && a->b[i].mem && a->b[i].name && !strcmp(a->b[i].name, p->target)) {
                b->ptr = a->b[i].mem;
                b->len = natural;
                return b;
            }
        }
        cannot(a, "alias target not found", p->target);
        return b;
    }
    bool mis = p && strcmp(p->kind, "MIS") == 0;
    if (p) {
        if (strcmp(p->kind, "A") && strcmp(p->kind, "Q") && !mis) {
            cannot(a, "not an output array", name);
            return b;
        }
        len = p->count;
    }
    b->len = len;
    b->bytes = (len + GUARD) * elem + mis;
    b->mem = malloc(b->bytes);
    memset(b->mem, fill_byte(elem), b->bytes);
    b->ptr = (char *)b->mem + mis; /* MIS: one byte past an aligned address */
    return b;
}

static size_t size_arg(test_case *c, call_args *a, const char *name, size_t dflt)
{
    param *p = find(c, name);
    return p ? (size_t)scalar_u(c, a, name, 0) : dflt;
}

/* Did the call leave every buffer as it was? Names the first one it changed. */
static const char *untouched(call_args *a, test_case *c)
{
    (void)c;
    for (int i = 0; i < a->n; i++) {
        buffer *b = &a->b[i];
        if (!b->mem)
            continue;
        if (b->out) {
            const unsigned char *m = b->mem;
            unsigned char want = fill_byte(b->elem);
            for (size_t k = 0; k < b->bytes; k++)
                if (m[k] != want)
                    return "an output was written";
        } else if (memcmp(b->mem, b->copy, b->bytes) != 0) {
            return "an input was changed";
        }
    }
    return NULL;
}

static void release(call_args *a)
{
    for (int i = 0; i < a->n; i++) {
        free(a->b[i].mem);
        free(a->b[i].copy);
    }
}

static double square(double x, void *ctx)
{
    (void)ctx;
    return x * x;
}

/* ---- the calls ------------------------------------------------------------------------------ */

/* The stencils' float twins, boundary modes and strided variants (stencils.rs in the C door),
 * and their shape rules: the status, -1 when the case cannot be expressed, -3 when `k` is none
 * of them. Strides default to C order; a float input reuses the case's values as raw bits. */
static int call_ext(test_case *c, call_args *a)
{
    const char *k = c->kernel;
    bool single = strstr(k, "_f32") != NULL, strided = strstr(k, "_strided") != NULL;
    size_t el = single ? 4 : 8;
    speedup_mode mode = (speedup_mode)scalar_i32(c, a, "mode", 0);
    double cval = scalar_f(c, a, "cval", 0.0);
    if (!strcmp(k, "laplacian_shape_mode") || !strcmp(k, "second_derivative_len_mode")) {
        size_t rows = size_arg(c, a, "rows", 3), cols = size_arg(c, a, "cols", 3), n = size_arg(c, a, "n", 3);
        double dx = scalar_f(c, a, "dx", 1.0), dy = scalar_f(c, a, "dy", 1.0);
        bool lap = k[0] == 'l';
        buffer *r = output(c, a, lap ? "out_rows" : "out_len", sizeof(size_t), 1);
        buffer *q = lap ? output(c, a, "out_cols", sizeof(size_t), 1) : NULL;
        if (a->cannot)
            return -1;
        return lap ? speedup_laplacian_shape_mode(rows, cols, dx, dy, mode, r->ptr, q->ptr)
                   : speedup_second_derivative_len_mode(n, dx, mode, r->ptr);
    }
    if (!strncmp(k, "laplacian_", 10)) {
        param *fp = find(c, "f");
        buffer *f = input(c, a, "f", el);
        size_t rows = size_arg(c, a, "rows", fp && fp->ndim == 2 ? (size_t)fp->d1 : f->len);
        size_t cols = size_arg(c, a, "cols", fp && fp->ndim == 2 ? (size_t)fp->d2 : 1);
        double dx = scalar_f(c, a, "dx", 1.0), dy = scalar_f(c, a, "dy", 1.0);
        bool valid = mode == SPEEDUP_MODE_VALID;
        size_t orows = valid ? (rows >= 2 ? rows - 2 : 0) : rows, ocols = valid ? (cols >= 2 ? cols - 2 : 0) : cols;
        orows = size_arg(c, a, "out_rows", orows), ocols = size_arg(c, a, "out_cols", ocols);
        buffer *o = output(c, a, "out", el, orows * ocols);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        ptrdiff_t frs = scalar_i32(c, a, "f_row_stride", (int32_t)cols), fcs = scalar_i32(c, a, "f_col_stride", 1);
        ptrdiff_t ors = scalar_i32(c, a, "out_row_stride", (int32_t)ocols), ocs = scalar_i32(c, a, "out_col_stride", 1);
        if (a->cannot)
            return -1;
        if (strided)
            return single ? speedup_laplacian_strided_f32(f->ptr, rows, cols, frs, fcs, dx, dy, mode, cval, o->ptr, orows, ocols, ors, ocs)
                          : speedup_laplacian_strided(f->ptr, rows, cols, frs, fcs, dx, dy, mode, cval, o->ptr, orows, ocols, ors, ocs);
        if (!strcmp(k, "laplacian_f32"))
            return speedup_laplacian_f32(f->ptr, rows, cols, dx, dy, o->ptr, out_len);
        return single ? speedup_laplacian_mode_f32(f->ptr, rows, cols, dx, dy, mode, cval, o->ptr, out_len)
                      : speedup_laplacian_mode(f->ptr, rows, cols, dx, dy, mode, cval, o->ptr, out_len);
    }
    if (!strncmp(k, "second_derivative_", 18)) {
        buffer *f = input(c, a, "f", el);
        size_t n = size_arg(c, a, "n", f->len);
        double dx = scalar_f(c, a, "dx", 1.0);
        buffer *o = output(c, a, "out", el, mode == SPEEDUP_MODE_VALID ? (n >= 2 ? n - 2 : 0) : n);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        ptrdiff_t fs = scalar_i32(c, a, "f_stride", 1), os = scalar_i32(c, a, "out_stride", 1);
        if (a->cannot)
            return -1;
        if (strided)
            return single ? speedup_second_derivative_strided_f32(f->ptr, n, fs, dx, mode, cval, o->ptr, out_len, os)
                          : speedup_second_derivative_strided(f->ptr, n, fs, dx, mode, cval, o->ptr, out_len, os);
        if (!strcmp(k, "second_derivative_f32"))
            return speedup_second_derivative_f32(f->ptr, n, dx, o->ptr, out_len);
        return single ? speedup_second_derivative_mode_f32(f->ptr, n, dx, mode, cval, o->ptr, out_len)
                      : speedup_second_derivative_mode(f->ptr, n, dx, mode, cval, o->ptr, out_len);
    }
    if (!strncmp(k, "comb_", 5) && (single || strided)) {
        param *xp = find(c, "x");
        buffer *x = input(c, a, "x", el);
        size_t n = size_arg(c, a, "n", xp && xp->ndim == 2 ? (size_t)xp->d1 : x->len);
        size_t kk = size_arg(c, a, "k", xp && xp->ndim == 2 ? (size_t)xp->d2 : 1);
        size_t tau = (size_t)scalar_u(c, a, "tau", 1);
        double alpha = scalar_f(c, a, "alpha", 0.5);
        buffer *o = output(c, a, "out", el, n * kk);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        ptrdiff_t xrs = scalar_i32(c, a, "x_row_stride", (int32_t)kk), xcs = scalar_i32(c, a, "x_col_stride", 1);
        ptrdiff_t ors = scalar_i32(c, a, "out_row_stride", (int32_t)kk), ocs = scalar_i32(c, a, "out_col_stride", 1);
        bool fw = !strncmp(k, "comb_forward", 12);
        if (a->cannot)
            return -1;
        if (strided && single)
            return (fw ? speedup_comb_forward_strided_f32 : speedup_comb_backward_strided_f32)(x->ptr, n, kk, xrs, xcs, tau, alpha, o->ptr, ors, ocs);
        if (strided)
            return (fw ? speedup_comb_forward_strided : speedup_comb_backward_strided)(x->ptr, n, kk, xrs, xcs, tau, alpha, o->ptr, ors, ocs);
        return (fw ? speedup_comb_forward_f32 : speedup_comb_backward_f32)(x->ptr, n, kk, tau, alpha, o->ptr, out_len);
    }
    return -3;
}

/* Runs the case through the kernel (legacy = 0) or its twin; returns the status, or -1 when the
 * runner cannot express it (a->why says why). */
/* The reductions along axes (speedup_<op>_axis[_f32[_f64]]) and the flat f32 reductions. */
static int reduction_f32_or_axis(test_case *c, call_args *a, const char *k)
{
    bool f32 = strstr(k, "_f32") != NULL, out32 = f32 && !strstr(k, "_f64");
    bool std = !strncmp(k, "std", 3), mean = !strncmp(k, "mean", 4);
    buffer *x = input(c, a, "x", f32 ? 4 : 8);
    size_t ddof = std ? (size_t)scalar_u(c, a, "ddof", 0) : 0;
    if (!strstr(k, "_axis")) {
        buffer *o = output(c, a, "out", 4, 1);
        if (a->cannot)
            return -1;
        return std ? speedup_std_f32(x->ptr, x->len, ddof, o->ptr)
               : mean ? speedup_mean_f32(x->ptr, x->len, o->ptr)
                      : speedup_sum_f32(x->ptr, x->len, o->ptr);
    }
    buffer *sh = input(c, a, "shape", 8), *ax = input(c, a, "axes", 8);
    if (a->cannot)
        return -1;
    const size_t *shape = sh->ptr, *axes = ax->ptr;
    size_t lanes = 1;
    for (size_t d = 0; d < sh->len; d++) {
        bool reduced = false;
        for (size_t i = 0; i < ax->len; i++)
            reduced = reduced || axes[i] == d;
        if (!reduced)
            lanes *= shape[d];
    }
    buffer *o = output(c, a, "out", out32 ? 4 : 8, lanes);
    if (a->cannot)
        return -1;
#define AXIS_ARGS x->ptr, sh->len, shape, NULL, axes, ax->len
    if (!strcmp(k, "sum_axis")) return speedup_sum_axis(AXIS_ARGS, o->ptr, o->len);
    if (!strcmp(k, "mean_axis")) return speedup_mean_axis(AXIS_ARGS, o->ptr, o->len);
    if (!strcmp(k, "std_axis")) return speedup_std_axis(AXIS_ARGS, ddof, o->ptr, o->len);
    if (!strcmp(k, "sum_axis_f32")) return speedup_sum_axis_f32(AXIS_ARGS, o->ptr, o->len);
    if (!strcmp(k, "mean_axis_f32")) return speedup_mean_axis_f32(AXIS_ARGS, o->ptr, o->len);
    if (!strcmp(k, "std_axis_f32")) return speedup_std_axis_f32(AXIS_ARGS, ddof, o->ptr, o->len);
    if (!strcmp(k, "sum_axis_f32_f64")) return speedup_sum_axis_f32_f64(AXIS_ARGS, o->ptr, o->len);
    if (!strcmp(k, "mean_axis_f32_f64")) return speedup_mean_axis_f32_f64(AXIS_ARGS, o->ptr, o->len);
    if (!strcmp(k, "std_axis_f32_f64")) return speedup_std_axis_f32_f64(AXIS_ARGS, ddof, o->ptr, o->len);
#undef AXIS_ARGS
    cannot(a, "unknown reduction", k);
    return -1;
}

static int call(test_case *c, int legacy, call_args *a, size_t *knob_out)
{
    const char *k = c->kernel;
    int st = -1;
    (void)knob_out;
#define PICK(fn) (legacy ? speedup_legacy_##fn : speedup_##fn)
    if (!strcmp(k, "sum") || !strcmp(k, "mean") || !strcmp(k, "std")) {
        buffer *x = input(c, a, "x", 8);
        buffer *o = output(c, a, "out", 8, 1);
        if (a->cannot)
            return -1;
        if (!strcmp(k, "sum"))
            st = PICK(sum)(x->ptr, x->len, o->ptr);
        else if (!strcmp(k, "mean"))
            st = PICK(mean)(x->ptr, x->len, o->ptr);
        else {
            size_t ddof = (size_t)scalar_u(c, a, "ddof", 0);
            if (a->cannot)
                return -1;
            st = PICK(std)(x->ptr, x->len, ddof, o->ptr);
        }
    } else if (strstr(k, "_axis") || !strcmp(k, "sum_f32") || !strcmp(k, "mean_f32") || !strcmp(k, "std_f32")) {
        st = reduction_f32_or_axis(c, a, k);
    } else if (!strcmp(k, "second_derivative")) {
        buffer *f = input(c, a, "f", 8);
        double dx = scalar_f(c, a, "dx", 1.0);
        size_t n = size_arg(c, a, "n", f->len);
        buffer *o = output(c, a, "out", 8, n >= 2 ? n - 2 : 0);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = PICK(second_derivative)(f->ptr, n, dx, o->ptr, out_len);
    } else if (!strcmp(k, "laplacian")) {
        param *fp = find(c, "f");
        buffer *f = input(c, a, "f", 8);
        size_t r0 = fp && fp->ndim == 2 ? (size_t)fp->d1 : f->len, c0 = fp && fp->ndim == 2 ? (size_t)fp->d2 : 1;
        size_t rows = size_arg(c, a, "rows", r0), cols = size_arg(c, a, "cols", c0);
        double dx = scalar_f(c, a, "dx", 1.0), dy = scalar_f(c, a, "dy", 1.0);
        size_t nat = rows >= 3 && cols >= 3 && rows < (1u << 20) && cols < (1u << 20) ? (rows - 2) * (cols - 2) : 0;
        buffer *o = output(c, a, "out", 8, nat);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = PICK(laplacian)(f->ptr, rows, cols, dx, dy, o->ptr, out_len);
    } else if (!strcmp(k, "comb_forward") || !strcmp(k, "comb_backward")) {
        param *xp = find(c, "x");
        buffer *x = input(c, a, "x", 8);
        size_t n0 = xp && xp->ndim == 2 ? (size_t)xp->d1 : x->len, k0 = xp && xp->ndim == 2 ? (size_t)xp->d2 : 1;
        size_t n = size_arg(c, a, "n", n0), kk = size_arg(c, a, "k", k0);
        size_t tau = (size_t)scalar_u(c, a, "tau", 1);
        double alpha = scalar_f(c, a, "alpha", 0.5);
        buffer *o = output(c, a, "out", 8, x->len);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = !strcmp(k, "comb_forward") ? PICK(comb_forward)(x->ptr, n, kk, tau, alpha, o->ptr, out_len)
                                        : PICK(comb_backward)(x->ptr, n, kk, tau, alpha, o->ptr, out_len);
    } else if (!strcmp(k, "is_prime") || !strcmp(k, "sum_primes_below")) {
        uint64_t n = scalar_u(c, a, "n", 0);
        buffer *o = output(c, a, "out", !strcmp(k, "is_prime") ? 1 : 8, 1);
        if (a->cannot)
            return -1;
        st = !strcmp(k, "is_prime") ? PICK(is_prime)(n, o->ptr) : PICK(sum_primes_below)(n, o->ptr);
    } else if (!strcmp(k, "sum_primes_below_u128")) {
        uint64_t n = scalar_u(c, a, "n", 0);
        buffer *lo = output(c, a, "lo", 8, 1), *hi = output(c, a, "hi", 8, 1);
        if (a->cannot)
            return -1;
        st = speedup_sum_primes_below_u128(n, lo->ptr, hi->ptr);
    } else if (!strcmp(k, "is_prime_many") || !strcmp(k, "sum_primes_below_many")) {
        bool ip = !strcmp(k, "is_prime_many");
        param *np_ = find(c, "n");
        if (np_ && !strcmp(np_->kind, "Q"))
            for (size_t i = 0; i < np_->count; i++)
                if (np_->vals[i] < 0)
                    cannot(a, "negative query", "n");
        buffer *n = input(c, a, "n", 8);
        size_t len = size_arg(c, a, "len", n->len);
        buffer *o = output(c, a, "out", ip ? 1 : 8, n->len);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = ip ? PICK(is_prime_many)(n->ptr, len, o->ptr, out_len)
                : PICK(sum_primes_below_many)(n->ptr, len, o->ptr, out_len);
    } else if (!strcmp(k, "closest_pair")) {
        param *pp = find(c, "points");
        buffer *p = input(c, a, "points", 8);
        size_t n = size_arg(c, a, "n", pp && pp->ndim == 2 ? (size_t)pp->d1 : p->len / 2);
        if (pp && pp->ndim == 2 && pp->d2 != 2 && !find(c, "n"))
            cannot(a, "a point array of more than 2 columns", "points");
        buffer *i = output(c, a, "i", sizeof(size_t), 1);
        buffer *j = output(c, a, "j", sizeof(size_t), 1);
        buffer *d = output(c, a, "dist", 8, 1);
        if (a->cannot)
            return -1;
        st = PICK(closest_pair)(p->ptr, n, i->ptr, j->ptr, d->ptr);
    } else if (!strcmp(k, "mandelbrot")) {
        buffer *z = input(c, a, "c", 16);
        size_t n = size_arg(c, a, "n", z->len);
        int32_t max_iter = scalar_i32(c, a, "max_iter", 20);
        buffer *o = output(c, a, "out", 4, z->len);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = PICK(mandelbrot)(z->ptr, n, max_iter, o->ptr, out_len);
    } else if (legacy) {
        return -1; /* no twin */
    } else if (!strcmp(k, "mandelbrot_f32")) {
        buffer *z = input(c, a, "c", 16);
        to_complex64(z);
        size_t n = size_arg(c, a, "n", z->len);
        int32_t max_iter = scalar_i32(c, a, "max_iter", 20);
        buffer *o = output(c, a, "out", 4, z->len);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = speedup_mandelbrot_f32((const float *)z->ptr, n, max_iter, o->ptr, out_len);
    } else if (!strcmp(k, "monte_carlo_pi")) {
        uint64_t n = scalar_u(c, a, "n_points", 1), seed = scalar_u(c, a, "seed", 0);
        buffer *o = output(c, a, "out", 8, 1);
        if (a->cannot)
            return -1;
        st = speedup_monte_carlo_pi(n, seed, o->ptr);
    } else if (!strcmp(k, "monte_carlo_pi_inside")) {
        uint64_t first = scalar_u(c, a, "first", 0), n = scalar_u(c, a, "n_points", 1);
        uint64_t seed = scalar_u(c, a, "seed", 0);
        buffer *o = output(c, a, "out", 8, 1);
        if (a->cannot)
            return -1;
        st = speedup_monte_carlo_pi_inside(first, n, seed, o->ptr);
    } else if (!strcmp(k, "markov_chains") || !strcmp(k, "markov_chains_from")) {
        param *pp = find(c, "p");
        if (pp && pp->ndim == 2 && pp->d1 != pp->d2)
            cannot(a, "a non-square matrix (C takes k)", "p");
        buffer *p = input(c, a, "p", 8);
        size_t kk = size_arg(c, a, "k", pp && pp->ndim == 2 ? (size_t)pp->d1 : 0);
        size_t start = size_arg(c, a, "start", 0), chains = size_arg(c, a, "n_chains", 1);
        uint64_t steps = scalar_u(c, a, "n_steps", 1), seed = scalar_u(c, a, "seed", 0);
        uint64_t first = scalar_u(c, a, "first_chain", 0);
        size_t nat = chains < (1u << 20) && kk < (1u << 20) ? chains * kk : 0;
        buffer *o = output(c, a, "counts", 8, nat);
        size_t counts_len = size_arg(c, a, "counts_len", o->len);
        if (a->cannot)
            return -1;
        st = !strcmp(k, "markov_chains")
                 ? speedup_markov_chains(p->ptr, kk, start, steps, chains, seed, o->ptr, counts_len)
                 : speedup_markov_chains_from(p->ptr, kk, start, steps, first, chains, seed, o->ptr,
                                              counts_len);
    } else if (!strcmp(k, "map_f64")) {
        param *fp = find(c, "fn");
        double (*f)(double, void *) = square;
        if (fp && !strcmp(fp->kind, "NULL"))
            f = NULL;
        else if (fp)
            cannot(a, "not a function", "fn");
        buffer *x = input(c, a, "x", 8);
        buffer *o = output(c, a, "out", 8, x->len);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = speedup_map_f64(f, NULL, x->ptr, x->len, o->ptr, out_len);
    } else if (!strcmp(k, "sum_nodes")) {
        buffer *x = input(c, a, "x", 8);
        size_t offset = size_arg(c, a, "offset", 0), total = size_arg(c, a, "n_total", x->len);
        size_t cap = size_arg(c, a, "cap", 128);
        buffer *bounds = output(c, a, "bounds", sizeof(size_t), 256);
        buffer *acc = output(c, a, "acc", 8, 256);
        buffer *count = output(c, a, "count", sizeof(size_t), 1);
        if (a->cannot)
            return -1;
        st = speedup_sum_nodes(x->ptr, x->len, offset, total, bounds->ptr, acc->ptr, cap, count->ptr);
    } else if (!strcmp(k, "sum_nodes_check")) {
        size_t len = size_arg(c, a, "len", 0), offset = size_arg(c, a, "offset", 0);
        size_t total = size_arg(c, a, "n_total", 0);
        if (a->cannot)
            return -1;
        st = speedup_sum_nodes_check(len, offset, total);
    } else if (!strcmp(k, "join_nodes")) {
        buffer *bounds = input(c, a, "bounds", sizeof(size_t));
        buffer *acc = input(c, a, "acc", 8);
        size_t count = size_arg(c, a, "count", bounds->len / 2), total = size_arg(c, a, "n_total", 0);
        buffer *o = output(c, a, "out", 8, 1);
        if (a->cannot)
            return -1;
        st = speedup_join_nodes(bounds->ptr, acc->ptr, count, total, o->ptr);
    } else if (!strcmp(k, "mean_finish") || !strcmp(k, "std_finish")) {
        double v = scalar_f(c, a, !strcmp(k, "mean_finish") ? "sum" : "ss", 0.0);
        size_t n = size_arg(c, a, "n", 1), ddof = size_arg(c, a, "ddof", 0);
        buffer *o = output(c, a, "out", 8, 1);
        if (a->cannot)
            return -1;
        st = !strcmp(k, "mean_finish") ? speedup_mean_finish(v, n, o->ptr) : speedup_std_finish(v, n, ddof, o->ptr);
    } else if (!strcmp(k, "monte_carlo_pi_finish")) {
        uint64_t inside = scalar_u(c, a, "inside", 0), n = scalar_u(c, a, "n_points", 1);
        buffer *o = output(c, a, "out", 8, 1);
        if (a->cannot)
            return -1;
        st = speedup_monte_carlo_pi_finish(inside, n, o->ptr);
    } else if (!strcmp(k, "laplacian_shape")) {
        size_t rows = size_arg(c, a, "rows", 3), cols = size_arg(c, a, "cols", 3);
        double dx = scalar_f(c, a, "dx", 1.0), dy = scalar_f(c, a, "dy", 1.0);
        buffer *r = output(c, a, "out_rows", sizeof(size_t), 1);
        buffer *q = output(c, a, "out_cols", sizeof(size_t), 1);
        if (a->cannot)
            return -1;
        st = speedup_laplacian_shape(rows, cols, dx, dy, r->ptr, q->ptr);
    } else if (!strcmp(k, "second_derivative_len")) {
        size_t n = size_arg(c, a, "n", 3);
        double dx = scalar_f(c, a, "dx", 1.0);
        buffer *o = output(c, a, "out_len", sizeof(size_t), 1);
        if (a->cannot)
            return -1;
        st = speedup_second_derivative_len(n, dx, o->ptr);
    } else if (!strcmp(k, "set_num_threads")) {
        size_t n = (size_t)scalar_u(c, a, "n", 0);
        if (a->cannot)
            return -1;
        st = speedup_set_num_threads(n);
    } else if (!strcmp(k, "legacy_omp_team_size")) {
        buffer *t = output(c, a, "team", sizeof(size_t), 1);
        buffer *d = output(c, a, "distinct", sizeof(size_t), 1);
        if (a->cannot)
            return -1;
        st = speedup_legacy_omp_team_size(t->ptr, d->ptr);
    } else if (!legacy && (st = call_ext(c, a)) != -3) {
        return st;
    } else {
        cannot(a, "no C call for this kernel", k);
        return -1;
    }
#undef PICK
    return st;
}

static int status_code(const char *s)
{
    if (!strcmp(s, "NULL"))
        return SPEEDUP_ERR_NULL_POINTER;
    if (!strcmp(s, "LENGTH"))
        return SPEEDUP_ERR_LENGTH;
    if (!strcmp(s, "INVALID"))
        return SPEEDUP_ERR_INVALID_ARGUMENT;
    if (!strcmp(s, "OVERFLOW"))
        return SPEEDUP_ERR_OVERFLOW;
    return -2;
}

/* "<kernel>: <arg> <rule>" */
static bool message_names(const char *msg, const char *arg)
{
    const char *p = msg;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
        p++;
    if (p == msg || p[0] != ':' || p[1] != ' ')
        return false;
    p += 2;
    size_t n = strlen(arg);
    return strncmp(p, arg, n) == 0 && p[n] == ' ';
}

static void run_case(test_case *c, int legacy)
{
    const char *door = legacy ? "c-legacy" : "c";
    call_args a;
    memset(&a, 0, sizeof a);
    size_t knob = speedup_get_num_threads();
    int st = call(c, legacy, &a, NULL);
    char problem[600] = "";
    if (st == -1) {
        snprintf(problem, sizeof problem, "gap: this runner cannot express the case: %s", a.why);
    } else {
        char msg[400];
        speedup_last_error(msg, sizeof msg);
        int want = status_code(c->status);
        const char *touched = untouched(&a, c);
        if (st == SPEEDUP_OK)
            snprintf(problem, sizeof problem, "no error (SPEEDUP_OK)");
        else if (st != want)
            snprintf(problem, sizeof problem, "status %d, expected %d (%s): %s", st, want, c->status, msg);
        else if (!message_names(msg, c->arg))
            snprintf(problem, sizeof problem, "message does not read '<kernel>: %s <rule>': %s", c->arg, msg);
        else if (touched)
            snprintf(problem, sizeof problem, "%s: %s", touched, msg);
        else if (speedup_get_num_threads() != knob)
            snprintf(problem, sizeof problem, "the thread knob changed: %s", msg);
        if (!problem[0])
            fprintf(logf_, "ok   %-10s %-32s %s: %s\n", door, c->id, c->status, msg);
    }
    release(&a);
    if (speedup_get_num_threads() != knob)
        speedup_set_num_threads(0);
    if (problem[0]) {
        failed[legacy]++;
        fprintf(logf_, "FAIL %-10s %-32s %s\n", door, c->id, problem);
        fprintf(stderr, "FAIL %s %s: %s\n", door, c->id, problem);
    } else {
        passed[legacy]++;
    }
    cover(legacy, c->kernel);
}

/* ---- reading the table ---------------------------------------------------------------------- */

static void free_case(test_case *c)
{
    for (int i = 0; i < c->np; i++)
        free(c->p[i].vals);
    c->np = 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: run_c CASES FUNCS [LOG]\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    logf_ = argc > 3 ? fopen(argv[3], "w") : stdout;
    if (!logf_)
        logf_ = stdout;
    setvbuf(logf_, NULL, _IOLBF, 0);
    static char line[1 << 18];
    test_case c;
    memset(&c, 0, sizeof c);
    while (fgets(line, sizeof line, in)) {
        if (!strchr(line, '\n') && !feof(in)) {
            fprintf(stderr, "run_c: a line of %s is longer than %zu bytes\n", argv[1], sizeof line - 1);
            return 2;
        }
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, "NA ", 3)) {
            char id[64];
            sscanf(line + 3, "%63s", id);
            const char *reason = strchr(line + 3, ' ');
            fprintf(logf_, "n/a  %-10s %-32s %s\n", "c", id, reason ? reason + 1 : "");
            skipped[0]++;
            continue;
        }
        char *tok = strtok(line, " ");
        if (!tok)
            continue;
        if (!strcmp(tok, "CASE")) {
            free_case(&c);
            memset(&c, 0, sizeof c);
            snprintf(c.id, sizeof c.id, "%s", strtok(NULL, " "));
            snprintf(c.kernel, sizeof c.kernel, "%s", strtok(NULL, " "));
            c.twin = atoi(strtok(NULL, " "));
            snprintf(c.status, sizeof c.status, "%s", strtok(NULL, " "));
            snprintf(c.arg, sizeof c.arg, "%s", strtok(NULL, " "));
            for (char *q = c.arg; *q; q++)
                if (*q == '~')
                    *q = ' ';
        } else if (!strcmp(tok, "P") && c.np < MAXP) {
            param *p = &c.p[c.np++];
            snprintf(p->name, sizeof p->name, "%s", strtok(NULL, " "));
            snprintf(p->kind, sizeof p->kind, "%s", strtok(NULL, " "));
            p->ndim = atoi(strtok(NULL, " "));
            p->d1 = strtoll(strtok(NULL, " "), NULL, 10);
            p->d2 = strtoll(strtok(NULL, " "), NULL, 10);
            p->count = (size_t)strtoull(strtok(NULL, " "), NULL, 10);
            p->vals = calloc(p->count ? p->count : 1, sizeof(long long));
            if (!strcmp(p->kind, "ALIAS") || !strcmp(p->kind, "PYONLY")) {
                char *t = strtok(NULL, " ");
                snprintf(p->target, sizeof p->target, "%s", t ? t : "");
            }
            for (size_t i = 0; i < p->count; i++) {
                char *t = strtok(NULL, " ");
                if (!strcmp(p->kind, "U"))
                    p->vals[i] = (long long)strtoull(t, NULL, 10);
                else
                    p->vals[i] = strtoll(t, NULL, 10);
            }
        } else if (!strcmp(tok, "END")) {
            run_case(&c, 0);
            if (c.twin)
                run_case(&c, 1);
        }
    }
    free_case(&c);
    fclose(in);

    /* speedup_config(buf, len) and speedup_last_error(buf, len) take no argument that can be
     * wrong: like snprintf they write at most len bytes, and a NULL buf (with any len) writes
     * nothing and asks for the length. Checked here for config: the length comes back, and a
     * short buffer gets a NUL-terminated prefix with nothing written past len. */
    {
        size_t full = speedup_config(NULL, 0);
        char guard[16];
        memset(guard, 'Z', sizeof guard);
        bool ok = full > 0 && speedup_config(NULL, 64) == full &&
                  speedup_config(guard, 4) == full && guard[3] == '\0' && strlen(guard) == 3 &&
                  guard[4] == 'Z' && guard[15] == 'Z';
        fprintf(logf_, "%s %-10s %-32s %s\n", ok ? "ok  " : "FAIL", "c", "config/null_buf",
                "NULL buf with len 64: length, nothing written; len 4: 3 bytes and a NUL");
        if (ok)
            passed[0]++;
        else
            failed[0]++, fprintf(stderr, "FAIL config/null_buf\n");
    }
    /* Every function of the header has a case (or takes no argument that can be wrong). */
    static const char *no_bad_input[] = {"version", "get_num_threads", "request_interrupt",
                                         "status_message", "last_error", "config"};
    FILE *fl = fopen(argv[2], "r");
    long gaps = 0;
    char fn[128];
    while (fl && fscanf(fl, "%127s", fn) == 1) {
        const char *name = fn + strlen("speedup_");
        int legacy = 0;
        if (!strncmp(name, "legacy_", 7) && strcmp(name, "legacy_omp_team_size") != 0) {
            legacy = 1;
            name += 7;
        }
        bool skip = false;
        for (size_t i = 0; i < sizeof no_bad_input / sizeof *no_bad_input; i++)
            skip |= !strcmp(name, no_bad_input[i]);
        if (!skip && !is_covered(legacy, name)) {
            fprintf(stderr, "FAIL gap: %s has no bad-input case\n", fn);
            gaps++;
        }
    }
    if (fl)
        fclose(fl);
    else
        gaps++, fprintf(stderr, "FAIL cannot read %s\n", argv[2]);
    printf("badinput c: %ld passed, %ld failed, %ld not applicable\n", passed[0], failed[0] + gaps, skipped[0]);
    printf("badinput c-legacy: %ld passed, %ld failed\n", passed[1], failed[1]);
    if (logf_ != stdout)
        fclose(logf_);
    return failed[0] + failed[1] + gaps ? 1 : 0;
}
