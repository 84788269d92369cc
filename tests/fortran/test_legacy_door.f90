!> The Fortran door test (test_speedup.f90): the legacy routines (speedup_legacy_*) through
!> the same module: exact kernels bitwise equal to the Rust kernels on the same data,
!> reductions within the contract's accuracy, the thread knob.
module test_legacy_door
    use test_support
    implicit none
    private
    public :: test_legacy_threads, test_legacy_reductions, test_legacy_stencils, test_legacy_comb, &
        test_legacy_primes, test_legacy_closest_pair, test_legacy_mandelbrot
contains

    subroutine test_legacy_threads()
        integer :: n, team, distinct
        character(len=8) :: buf
        do n = 1, 3
            call speedup_set_num_threads(n)
            call speedup_legacy_omp_team_size(team, distinct, stat, msg)
            write (buf, '(i0)') n
            call check(stat == 0 .and. team == n .and. distinct == n, &
                'legacy_omp_team_size after set_num_threads('//trim(buf)//'): '//trim(msg))
        end do
        call speedup_set_num_threads(0)
        call speedup_legacy_omp_team_size(team)
        call check(team == speedup_get_num_threads(), 'legacy_omp_team_size at the default')
    end subroutine test_legacy_threads

    !> Tolerances. The legacy sum is plain recursive summation, so (Higham, Accuracy and
    !> Stability, 4.2) |s - exact| <= (n-1) u sum|x_i| with u = 2**-53 = epsilon/2; speedup's
    !> blocked sum is at least as accurate, so the two differ by at most n*epsilon*sum|x_i|.
    !> mean divides both by n (one more rounding of the result). std sums n non-negative
    !> squares (relative error <= n u) and is insensitive to first order to the error in the
    !> mean (d ss / d m = -2 sum(x_i - m) = 0), so sqrt gives a relative difference below
    !> n*epsilon. The OpenMP reductions (mean, std) only change the order of the same sums.
    subroutine test_legacy_reductions()
        real(c_double) :: x(1001), s, sl, ref, tol
        integer :: t
        call lcg_uniform(seed_state, x, -1.0e3_c_double, 1.0e3_c_double)
        ref = 0
        do t = 1, size(x)
            ref = ref + x(t)
        end do
        tol = size(x)*epsilon(1.0_c_double)
        do t = 1, 3
            call speedup_set_num_threads(t)
            call speedup_legacy_sum(x, sl)
            call check(same(sl, ref), 'legacy_sum = left-to-right loop, bit for bit')
            call speedup_sum(x, s)
            call check(abs(sl - s) <= tol*sum(abs(x)), 'legacy_sum ~ sum (n eps sum|x|)')
            call speedup_legacy_mean(x, sl)
            call speedup_mean(x, s)
            call check(abs(sl - s) <= tol*sum(abs(x))/size(x) + epsilon(s)*abs(s), &
                'legacy_mean ~ mean')
            call speedup_legacy_std(x, 1, sl)
            call speedup_std(x, 1, s)
            call check(abs(sl - s) <= tol*s, 'legacy_std ~ std (relative n eps)')
        end do
        call speedup_set_num_threads(0)
        call speedup_legacy_sum(x(1:size(x):3), sl)
        call speedup_sum(x(1:size(x):3), s)
        call check(abs(sl - s) <= tol*sum(abs(x)), 'legacy_sum of a strided section')
        ! One raw legacy routine called positionally, then with keywords, in one program unit:
        ! both pass n by value (each routine has an interface body of its own).
        t = c_speedup_legacy_sum(x, int(size(x), c_size_t), sl)
        t = t + c_speedup_legacy_sum(x=x, n=int(size(x), c_size_t), out=s)
        call check(t == 0 .and. same(sl, ref) .and. same(s, ref), &
            'raw legacy sum: a keyword call after a positional one')
        call check_reduction_errors('legacy_', x, speedup_legacy_sum, speedup_legacy_mean, &
            speedup_legacy_std, c_speedup_legacy_mean)
    end subroutine test_legacy_reductions

    subroutine test_legacy_stencils()
        integer, parameter :: m = 11, n = 7
        real(c_double) :: f(50), d(48), dl(48), g(m, n), big(m, 2*n), lap(m - 2, n - 2)
        real(c_double) :: lapl(m - 2, n - 2), lapc(n - 2, m - 2), dx
        integer :: j, t, stc
        call lcg_uniform(seed_state, f, -2.0_c_double, 2.0_c_double)
        do j = 1, n
            call lcg_uniform(seed_state, g(:, j), -3.0_c_double, 3.0_c_double)
        end do
        dx = 0.013_c_double
        call speedup_second_derivative(f, dx, d)
        call speedup_laplacian(g, 0.1_c_double, 0.37_c_double, lap)
        do t = 1, 3, 2
            call speedup_set_num_threads(t)
            call speedup_legacy_second_derivative(f, dx, dl)
            call check(same_all(dl, d), 'legacy_second_derivative = second_derivative, bitwise')
            call speedup_legacy_laplacian(g, 0.1_c_double, 0.37_c_double, lapl)
            call check(same_all(reshape(lapl, [size(lap)]), reshape(lap, [size(lap)])), &
                'legacy_laplacian = laplacian, bitwise (m x n, m /= n)')
        end do
        call speedup_set_num_threads(0)
        ! The raw legacy door on the C-ordered copy, and a strided section.
        stc = c_speedup_legacy_laplacian(transpose(g), int(m, c_size_t), int(n, c_size_t), &
            0.1_c_double, 0.37_c_double, lapc, int(size(lapc), c_size_t))
        call check(stc == 0 .and. same_all(reshape(transpose(lapc), [size(lap)]), &
            reshape(lap, [size(lap)])), 'legacy_laplacian matches the raw legacy C door')
        big = 0
        big(:, 1:2*n:2) = g
        call speedup_legacy_laplacian(big(:, 1:2*n:2), 0.1_c_double, 0.37_c_double, lapl)
        call check(same_all(reshape(lapl, [size(lap)]), reshape(lap, [size(lap)])), &
            'legacy_laplacian of a strided section')
        call speedup_legacy_second_derivative(f, 0.0_c_double, dl, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'dx'), &
            'legacy_second_derivative dx = 0: '//trim(msg))
        call speedup_legacy_laplacian(g, 0.1_c_double, 0.37_c_double, lapl(1:3, :), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out'), &
            'legacy_laplacian out of the wrong shape: '//trim(msg))
    end subroutine test_legacy_stencils

    subroutine test_legacy_comb()
        integer, parameter :: n = 60, k = 4, tau = 5
        real(c_double) :: x(n, k), y(n, k), yl(n, k), y1(n), yl1(n), alpha
        integer :: col, t
        do col = 1, k
            call lcg_uniform(seed_state, x(:, col), -real(col, c_double), real(col, c_double))
        end do
        alpha = -0.83_c_double
        do t = 1, 2
            call speedup_set_num_threads(t)
            call speedup_comb_forward(x, tau, alpha, y)
            call speedup_legacy_comb_forward(x, tau, alpha, yl)
            call check(same_all(reshape(yl, [n*k]), reshape(y, [n*k])), &
                'legacy_comb_forward = comb_forward, bitwise (n x k)')
            call speedup_comb_backward(x, tau, alpha, y)
            call speedup_legacy_comb_backward(x, tau, alpha, yl)
            call check(same_all(reshape(yl, [n*k]), reshape(y, [n*k])), &
                'legacy_comb_backward = comb_backward, bitwise (n x k)')
            call speedup_comb_backward(x(:, 3), 1, alpha, y1)
            call speedup_legacy_comb_backward(x(:, 3), 1, alpha, yl1)
            call check(same_all(yl1, y1), 'legacy_comb_backward 1-D, tau = 1')
            call speedup_comb_forward(x(n:1:-1, 2), tau, alpha, y1)
            call speedup_legacy_comb_forward(x(n:1:-1, 2), tau, alpha, yl1)
            call check(same_all(yl1, y1), 'legacy_comb_forward 1-D of a reversed section')
        end do
        call speedup_set_num_threads(0)
        call check_comb_errors(.true., x, tau, alpha)
    end subroutine test_legacy_comb

    subroutine test_legacy_primes()
        integer(c_int64_t) :: n(300), q(6), r(6), rl(6), s
        logical(c_bool) :: out(300), outl(300), one
        integer :: i
        ! Small values and a few larger ones that trial division handles quickly.
        do i = 1, 300
            n(i) = int(i - 1, c_int64_t)*7919_c_int64_t/3_c_int64_t + int(i - 1, c_int64_t)
        end do
        n(300) = 2147483647_c_int64_t                  ! 2**31 - 1, prime
        n(299) = 2147483647_c_int64_t*3_c_int64_t
        call speedup_is_prime(n, out, stat, msg)
        call speedup_legacy_is_prime(n, outl)
        call check(stat == 0 .and. all(logical(outl .eqv. out)), &
            'legacy_is_prime (array) = is_prime')
        call check(logical(outl(300) .and. .not. outl(299)), 'legacy_is_prime(2**31 - 1)')
        call speedup_legacy_is_prime_many(n(1:5), outl(1:5))
        call check(all(logical(outl(1:5) .eqv. out(1:5))), 'legacy_is_prime_many')
        call speedup_legacy_is_prime(97_c_int64_t, one)
        call check(logical(one), 'legacy_is_prime(97) (scalar)')
        q = [0_c_int64_t, 2_c_int64_t, 3_c_int64_t, 100_c_int64_t, 1000_c_int64_t, &
            30000_c_int64_t]
        call speedup_sum_primes_below(q, r, stat, msg)
        call speedup_legacy_sum_primes_below(q, rl)
        call check(stat == 0 .and. all(rl == r), 'legacy_sum_primes_below (array) = Rust')
        call speedup_legacy_sum_primes_below_many(q(4:5), rl(1:2))
        call check(all(rl(1:2) == [1060_c_int64_t, 76127_c_int64_t]), &
            'legacy_sum_primes_below_many(100, 1000)')
        call speedup_legacy_sum_primes_below(100_c_int64_t, s)
        call check(s == 1060, 'legacy_sum_primes_below(100) (scalar)')
        call speedup_legacy_is_prime(-5_c_int64_t, one, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n'), &
            'legacy_is_prime(-5): '//trim(msg))
        call speedup_legacy_sum_primes_below(q, rl(1:2), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out'), &
            'legacy_sum_primes_below out too short: '//trim(msg))
    end subroutine test_legacy_primes

    subroutine test_legacy_closest_pair()
        integer, parameter :: n = 400
        real(c_double) :: pts(n, 2), tie(4, 2), dist, distl
        integer :: i, j, il, jl, stc, t
        integer(c_size_t) :: ci, cj
        call lcg_uniform(seed_state, pts(:, 1), -10.0_c_double, 10.0_c_double)
        call lcg_uniform(seed_state, pts(:, 2), 0.0_c_double, 3.0_c_double)
        call speedup_closest_pair(pts, i, j, dist)
        do t = 1, 2
            call speedup_set_num_threads(t)
            call speedup_legacy_closest_pair(pts, il, jl, distl)
            call check(il == i .and. jl == j .and. same(distl, dist), &
                'legacy_closest_pair = closest_pair, bitwise')
        end do
        call speedup_set_num_threads(0)
        tie = reshape([0.0_c_double, 0.0_c_double, 5.0_c_double, 5.0_c_double, &
                       0.0_c_double, 1.0_c_double, 0.0_c_double, 1.0_c_double], [4, 2])
        call speedup_legacy_closest_pair(tie(4:1:-1, :), il, jl, distl)
        call check(il == 1 .and. jl == 2 .and. same(distl, 1.0_c_double), &
            'legacy_closest_pair ties to the smallest (i, j)')
        call speedup_legacy_closest_pair(pts(1:1, :), il, jl, distl, stat, msg)
        stc = c_speedup_closest_pair(pts(1:1, :), 1_c_size_t, ci, cj, distl)
        call check(stat /= 0 .and. stat == stc .and. names(msg, 'closest_pair'), &
            'legacy_closest_pair of 1 point: '//trim(msg))
        pts(7, 2) = ieee_value(dist, ieee_quiet_nan)
        call speedup_legacy_closest_pair(pts, il, jl, distl, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT, &
            'legacy_closest_pair with a NaN coordinate: '//trim(msg))
    end subroutine test_legacy_closest_pair

    subroutine test_legacy_mandelbrot()
        integer, parameter :: nx = 31, ny = 17
        complex(c_double_complex) :: c(nx, ny), one
        integer(c_int32_t) :: counts(nx, ny), countsl(nx, ny), cnt0
        integer :: i, j, t
        do j = 1, ny
            do i = 1, nx
                c(i, j) = cmplx(-2.2_c_double + 2.8_c_double*(i - 1)/(nx - 1), &
                    -1.3_c_double + 2.6_c_double*(j - 1)/(ny - 1), c_double_complex)
            end do
        end do
        call speedup_mandelbrot(c, 80_c_int32_t, counts)
        do t = 1, 3, 2
            call speedup_set_num_threads(t)
            call speedup_legacy_mandelbrot(c, 80_c_int32_t, countsl)
            call check(all(countsl == counts), 'legacy_mandelbrot = mandelbrot (rank 2)')
        end do
        call speedup_set_num_threads(0)
        countsl = -7
        call speedup_legacy_mandelbrot(c(:, ny:1:-2), 80_c_int32_t, countsl(:, 1:ny:2))
        call check(all(countsl(:, 1:ny:2) == counts(:, ny:1:-2)) .and. &
            all(countsl(:, 2:ny:2) == -7), 'legacy_mandelbrot of strided sections')
        one = c(9, 8)
        call speedup_legacy_mandelbrot(one, 80_c_int32_t, cnt0)
        call check(cnt0 == counts(9, 8), 'legacy_mandelbrot scalar')
        call speedup_legacy_mandelbrot(c, -1_c_int32_t, countsl, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'max_iter'), &
            'legacy_mandelbrot max_iter < 0: '//trim(msg))
    end subroutine test_legacy_mandelbrot
end module test_legacy_door
