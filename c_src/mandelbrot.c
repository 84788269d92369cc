/* Escape-time Mandelbrot on interleaved complex input (re, im), one point per iteration of
 * the parallel loop; points differ a lot in cost, hence schedule(dynamic). */
#include "legacy.h"

void legacy_mandelbrot(const double *c, size_t n, int32_t max_iter, int32_t *out)
{
    ptrdiff_t p;
#pragma omp parallel for schedule(dynamic, 64)
    for (p = 0; p < (ptrdiff_t)n; p++) {
        double c_re = c[2 * p], c_im = c[2 * p + 1];
        double re = c_re, im = c_im, new_re;
        int32_t it, count = -1;
        for (it = 0; it < max_iter; it++) {
            if (re * re + im * im >= 16.0) {
                count = it;
                break;
            }
            new_re = (re * re - im * im) + c_re;
            im = (2.0 * re) * im + c_im;
            re = new_re;
        }
        out[p] = count;
    }
}
