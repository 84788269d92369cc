/* Identity runner, C door: every case of VECDIR/manifest.txt through libspeedup's C ABI at 1, 2,
 * 3 and 8 threads; outputs in OUTDIR/t<threads>/<id>.bin (format: gen_vectors.py).
 * usage: run_c VECDIR OUTDIR [legacy]   (legacy: the speedup_legacy_* routines instead) */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <speedup.h>
#include <speedup_legacy.h>

static void *slurp(const char *dir, const char *id, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.bin", dir, id);
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void emit(const char *dir, const char *id, speedup_status st, const void *p, size_t bytes) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, id, st == SPEEDUP_OK ? "bin" : "err");
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(2); }
    if (st == SPEEDUP_OK) {
        if (bytes && fwrite(p, 1, bytes, f) != bytes) { perror(path); exit(2); }
    } else {
        char msg[512];
        speedup_last_error(msg, sizeof msg);
        fprintf(f, "%d %s\n", (int)st, msg);
    }
    fclose(f);
}

static double from_bits(int64_t b) { double d; memcpy(&d, &b, 8); return d; }

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

/* The n x m C-order array `in` (elements of `es` bytes) in the layout the case id names
 * (gen_vectors.py): "_F" a Fortran-order copy, "_R" the copy with both axes reversed, read
 * from its last element backwards; else `in` itself. Sets the strides (in elements) and
 * returns the origin; *mem is the copy to free (or NULL). */
static const void *held_as(const char *id, const void *in, size_t n, size_t m, size_t es, ptrdiff_t st[2], void **mem) {
    bool f = ends_with(id, "_F"), r = ends_with(id, "_R") && n * m > 0;
    st[0] = (ptrdiff_t)m;
    st[1] = 1;
    *mem = NULL;
    if (!f && !r)
        return in;
    char *c = malloc(n * m * es + es);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            memcpy(c + (f ? j * n + i : (n - 1 - i) * m + (m - 1 - j)) * es, (const char *)in + (i * m + j) * es, es);
    *mem = c;
    if (f) {
        st[0] = 1;
        st[1] = (ptrdiff_t)n;
        return c;
    }
    st[0] = -(ptrdiff_t)m;
    st[1] = -1;
    return c + (n * m - 1) * es;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: run_c VECDIR OUTDIR [legacy]\n"); return 2; }
    const char *vec = argv[1], *outroot = argv[2];
    bool legacy = argc > 3 && strcmp(argv[3], "legacy") == 0;
    static const size_t threads[] = {1, 2, 3, 8};
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/manifest.txt", vec);
    size_t ran = 0;
    for (size_t ti = 0; ti < 4; ti++) {
        if (speedup_set_num_threads(threads[ti]) != SPEEDUP_OK || speedup_get_num_threads() != threads[ti]) {
            fprintf(stderr, "run_c: cannot set %zu threads\n", threads[ti]);
            return 1;
        }
        char out[4096];
        snprintf(out, sizeof out, "%s/t%zu", outroot, threads[ti]);
        mkdir(outroot, 0777);
        mkdir(out, 0777);
        FILE *m = fopen(mpath, "r");
        if (!m) { perror(mpath); return 2; }
        char id[256], kernel[64];
        int64_t n, mm, a, b, r1, r2;
        while (fscanf(m, "%255s %63s %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64,
                      id, kernel, &n, &mm, &a, &b, &r1, &r2) == 8) {
            size_t len, N = (size_t)n, M = (size_t)mm;
            if (legacy && (!strcmp(kernel, "monte_carlo_pi") || !strcmp(kernel, "markov_chains") ||
                           (strlen(id) > 4 && !strcmp(id + strlen(id) - 4, "_big")) ||
                           strstr(kernel, "_mode") || strstr(kernel, "_f32") || strstr(kernel, "_axis")))
                continue;
            void *in = slurp(vec, id, &len);
            const double *x = in;
            speedup_status st;
            double d;
            if (!strcmp(kernel, "sum")) {
                st = (legacy ? speedup_legacy_sum : speedup_sum)(x, N, &d);
                emit(out, id, st, &d, 8);
            } else if (!strcmp(kernel, "mean")) {
                st = (legacy ? speedup_legacy_mean : speedup_mean)(x, N, &d);
                emit(out, id, st, &d, 8);
            } else if (!strcmp(kernel, "std")) {
                st = (legacy ? speedup_legacy_std : speedup_std)(x, N, (size_t)a, &d);
                emit(out, id, st, &d, 8);
            } else if (!strcmp(kernel, "sum_f32") || !strcmp(kernel, "mean_f32") || !strcmp(kernel, "std_f32")) {
                float r;
                st = !strcmp(kernel, "std_f32") ? speedup_std_f32(in, N, (size_t)a, &r)
                                                : (kernel[0] == 'm' ? speedup_mean_f32 : speedup_sum_f32)(in, N, &r);
                emit(out, id, st, &r, 4);
            } else if (strstr(kernel, "_axis")) {
                bool single = strstr(kernel, "_f32") != NULL;
                size_t es = single ? 4 : 8, lanes = a == 0 ? M : N, shape[2] = {N, M}, axes[1] = {(size_t)a};
                ptrdiff_t sd[2];
                void *copy, *o = malloc(lanes * es + es);
                const void *p = held_as(id, in, N, M, es, sd, &copy);
                if (kernel[0] == 's' && kernel[1] == 't')
                    st = single ? speedup_std_axis_f32(p, 2, shape, sd, axes, 1, (size_t)b, o, lanes)
                                : speedup_std_axis(p, 2, shape, sd, axes, 1, (size_t)b, o, lanes);
                else if (single)
                    st = (kernel[0] == 'm' ? speedup_mean_axis_f32 : speedup_sum_axis_f32)(p, 2, shape, sd, axes, 1, o, lanes);
                else
                    st = (kernel[0] == 'm' ? speedup_mean_axis : speedup_sum_axis)(p, 2, shape, sd, axes, 1, o, lanes);
                emit(out, id, st, o, lanes * es);
                free(o);
                free(copy);
            } else if (!strcmp(kernel, "second_derivative")) {
                size_t ol = N >= 2 ? N - 2 : 0;
                double *o = malloc(ol * 8 + 8);
                st = (legacy ? speedup_legacy_second_derivative : speedup_second_derivative)(x, N, from_bits(r1), o, ol);
                emit(out, id, st, o, ol * 8);
                free(o);
            } else if (!strcmp(kernel, "laplacian")) {
                size_t ol = (N >= 2 ? N - 2 : 0) * (M >= 2 ? M - 2 : 0);
                double *o = malloc(ol * 8 + 8);
                st = (legacy ? speedup_legacy_laplacian : speedup_laplacian)(x, N, M, from_bits(r1), from_bits(r2), o, ol);
                emit(out, id, st, o, ol * 8);
                free(o);
            } else if (!strcmp(kernel, "comb_forward") || !strcmp(kernel, "comb_backward")) {
                double *o = malloc(N * M * 8 + 8);
                bool fw = !strcmp(kernel, "comb_forward");
                st = (fw ? (legacy ? speedup_legacy_comb_forward : speedup_comb_forward)
                         : (legacy ? speedup_legacy_comb_backward : speedup_comb_backward))(
                    x, N, M, (size_t)a, from_bits(r1), o, N * M);
                emit(out, id, st, o, N * M * 8);
                free(o);
            } else if (!strcmp(kernel, "laplacian_mode") || !strcmp(kernel, "laplacian_f32")) {
                bool valid = a == SPEEDUP_MODE_VALID;
                size_t rows = valid ? (N >= 2 ? N - 2 : 0) : N, cols = valid ? (M >= 2 ? M - 2 : 0) : M;
                size_t ol = valid && (N < 3 || M < 3) ? 0 : rows * cols;
                bool single = !strcmp(kernel, "laplacian_f32");
                void *o = malloc(ol * 8 + 8);
                st = single ? speedup_laplacian_mode_f32(in, N, M, from_bits(r1), from_bits(r2), (speedup_mode)a, from_bits(b), o, ol)
                            : speedup_laplacian_mode(x, N, M, from_bits(r1), from_bits(r2), (speedup_mode)a, from_bits(b), o, ol);
                emit(out, id, st, o, ol * (single ? 4 : 8));
                free(o);
            } else if (!strcmp(kernel, "second_derivative_mode") || !strcmp(kernel, "second_derivative_f32")) {
                size_t ol = a == SPEEDUP_MODE_VALID ? (N >= 2 ? N - 2 : 0) : N;
                bool single = !strcmp(kernel, "second_derivative_f32");
                void *o = malloc(ol * 8 + 8);
                st = single ? speedup_second_derivative_mode_f32(in, N, from_bits(r1), (speedup_mode)a, from_bits(b), o, ol)
                            : speedup_second_derivative_mode(x, N, from_bits(r1), (speedup_mode)a, from_bits(b), o, ol);
                emit(out, id, st, o, ol * (single ? 4 : 8));
                free(o);
            } else if (!strcmp(kernel, "comb_forward_f32") || !strcmp(kernel, "comb_backward_f32")) {
                float *o = malloc(N * M * 4 + 4);
                st = (!strcmp(kernel, "comb_forward_f32") ? speedup_comb_forward_f32 : speedup_comb_backward_f32)(
                    in, N, M, (size_t)a, from_bits(r1), o, N * M);
                emit(out, id, st, o, N * M * 4);
                free(o);
            } else if (!strcmp(kernel, "is_prime")) {
                bool *o = malloc(N + 1);
                st = (legacy ? speedup_legacy_is_prime_many : speedup_is_prime_many)(in, N, o, N);
                emit(out, id, st, o, N); /* bool is one byte holding 0 or 1 */
                free(o);
            } else if (!strcmp(kernel, "sum_primes_below")) {
                uint64_t *o = malloc(N * 8 + 8);
                st = (legacy ? speedup_legacy_sum_primes_below_many : speedup_sum_primes_below_many)(in, N, o, N);
                emit(out, id, st, o, N * 8);
                free(o);
            } else if (!strcmp(kernel, "monte_carlo_pi")) {
                st = speedup_monte_carlo_pi((uint64_t)n, (uint64_t)r1, &d);
                emit(out, id, st, &d, 8);
            } else if (!strcmp(kernel, "markov_chains")) {
                size_t ol = (size_t)b * M;
                uint64_t *o = malloc(ol * 8 + 8);
                st = speedup_markov_chains(x, M, (size_t)a, (uint64_t)n, (size_t)b, (uint64_t)r1, o, ol);
                emit(out, id, st, o, ol * 8);
                free(o);
            } else if (!strcmp(kernel, "closest_pair")) {
                size_t i = 0, j = 0;
                uint64_t o[3];
                st = (legacy ? speedup_legacy_closest_pair : speedup_closest_pair)(x, N, &i, &j, &d);
                o[0] = i; o[1] = j; memcpy(&o[2], &d, 8);
                emit(out, id, st, o, 24);
            } else if (!strcmp(kernel, "mandelbrot")) {
                int32_t *o = malloc(N * M * 4 + 4);
                st = (legacy ? speedup_legacy_mandelbrot : speedup_mandelbrot)(x, N * M, (int32_t)a, o, N * M);
                emit(out, id, st, o, N * M * 4);
                free(o);
            } else if (!strcmp(kernel, "mandelbrot_f32")) {
                int32_t *o = malloc(N * M * 4 + 4);
                st = speedup_mandelbrot_f32(in, N * M, (int32_t)a, o, N * M);
                emit(out, id, st, o, N * M * 4);
                free(o);
            } else {
                fprintf(stderr, "run_c: unknown kernel %s\n", kernel);
                return 2;
            }
            free(in);
            ran++;
        }
        fclose(m);
    }
    printf("run_c%s: %zu kernel calls\n", legacy ? " (legacy)" : "", ran);
    return 0;
}
