/* The bad-input runner of the C door: the calls, one per kernel of the table (run_c_main.c
 * reads the table and checks each outcome, run_c_args.c builds the arguments). */
#include "run_c.h"

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

int call(test_case *c, int legacy, call_args *a, size_t *knob_out)
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
    } else if (!strcmp(k, "mandelbrot") || (!legacy && !strcmp(k, "mandelbrot_f32"))) {
        bool single = k[10] != '\0'; /* mandelbrot_f32: the table's points narrowed to float */
        buffer *z = input(c, a, "c", 16);
        if (single)
            to_complex64(z);
        size_t n = size_arg(c, a, "n", z->len);
        int32_t max_iter = scalar_i32(c, a, "max_iter", 20);
        buffer *o = output(c, a, "out", 4, z->len);
        size_t out_len = size_arg(c, a, "out_len", o->len);
        if (a->cannot)
            return -1;
        st = single ? speedup_mandelbrot_f32((const float *)z->ptr, n, max_iter, o->ptr, out_len)
                    : PICK(mandelbrot)(z->ptr, n, max_iter, o->ptr, out_len);
    } else if (legacy) {
        return -1; /* no twin */
    } else if (!strcmp(k, "monte_carlo_pi") || !strcmp(k, "monte_carlo_pi_finish")) {
        bool finish = k[14] == '_'; /* (inside, n_points) instead of (n_points, seed) */
        uint64_t v = finish ? scalar_u(c, a, "inside", 0) : 0, n = scalar_u(c, a, "n_points", 1);
        uint64_t seed = finish ? 0 : scalar_u(c, a, "seed", 0);
        buffer *o = output(c, a, "out", 8, 1);
        if (a->cannot)
            return -1;
        st = finish ? speedup_monte_carlo_pi_finish(v, n, o->ptr) : speedup_monte_carlo_pi(n, seed, o->ptr);
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
