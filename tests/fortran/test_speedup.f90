!> The test of speedup's Fortran door (`use speedup`): every kernel through the Fortran
!> procedures, compared with the C door (the raw bind(C) interfaces, called on C-ordered copies
!> of the same logical data) and, where the formula is short, with an independent reference
!> loop written from docs/contract.md. Exact kernels are compared bit for bit. Bad input must give
!> the C door's status in `stat` and a message naming the argument in `errmsg`.
!> The legacy routines (speedup_legacy_*) are compared with the Rust kernels the same way.
!> Prints "N passed, M failed"; error stop when M > 0.
module test_support
    use, intrinsic :: iso_c_binding, only: c_double, c_int64_t, c_ptr, c_f_pointer, &
        c_associated
    use, intrinsic :: ieee_arithmetic, only: ieee_is_nan
    implicit none
    private
    public :: check, same, same_all, finish, lcg_uniform, plus_scaled_square
    integer :: passed = 0, failed = 0
contains
    subroutine check(ok, what)
        logical, intent(in) :: ok
        character(len=*), intent(in) :: what
        if (ok) then
            passed = passed + 1
        else
            failed = failed + 1
            write (*, '(a, a)') 'FAIL: ', what
        end if
    end subroutine check

    !> Bitwise equality of two doubles (any NaN equals any NaN).
    elemental logical function same(a, b)
        real(c_double), intent(in) :: a, b
        if (ieee_is_nan(a) .or. ieee_is_nan(b)) then
            same = ieee_is_nan(a) .and. ieee_is_nan(b)
        else
            same = transfer(a, 0_c_int64_t) == transfer(b, 0_c_int64_t)
        end if
    end function same

    logical function same_all(a, b)
        real(c_double), intent(in) :: a(:), b(:)
        same_all = size(a) == size(b)
        if (same_all) same_all = all(same(a, b))
    end function same_all

    subroutine finish()
        write (*, '(i0, a, i0, a)') passed, ' passed, ', failed, ' failed'
        if (failed > 0) error stop 'test_speedup: some checks failed'
    end subroutine finish

    !> Deterministic uniforms in [lo, hi) (a 64-bit LCG, top 53 bits).
    subroutine lcg_uniform(state, x, lo, hi)
        integer(c_int64_t), intent(inout) :: state
        real(c_double), intent(out) :: x(:)
        real(c_double), intent(in) :: lo, hi
        integer :: i
        do i = 1, size(x)
            ! Park-Miller style, modulo 2**31: no integer overflow anywhere.
            state = mod(state*1103515245_c_int64_t + 12345_c_int64_t, 2147483648_c_int64_t)
            x(i) = lo + (hi - lo)*(real(state, c_double)*2.0_c_double**(-31))
        end do
    end subroutine lcg_uniform

    !> The map_f64 callback: f(x) = x*x + scale, scale read from ctx (a real(c_double)).
    function plus_scaled_square(x, ctx) result(y) bind(C)
        real(c_double), value, intent(in) :: x
        type(c_ptr), value, intent(in) :: ctx
        real(c_double) :: y
        real(c_double), pointer :: scale
        y = x*x
        if (c_associated(ctx)) then
            call c_f_pointer(ctx, scale)
            y = y + scale
        end if
    end function plus_scaled_square
end module test_support

program test_speedup
    use, intrinsic :: iso_c_binding, only: c_double, c_double_complex, c_int32_t, c_int64_t, &
        c_bool, c_size_t, c_ptr, c_loc, c_null_ptr
    use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_quiet_nan
    use speedup
    use speedup_legacy
    use test_support
    implicit none

    integer(c_int64_t) :: seed_state = 12345
    integer :: stat
    character(len=256) :: msg

    call test_library()
    call test_reductions()
    call test_second_derivative()
    call test_laplacian()
    call test_comb()
    call test_monte_carlo_pi()
    call test_markov_chains()
    call test_mandelbrot()
    call test_map()
    ! Rust kernels that are stubs until their branches merge: here they fail with
    ! SPEEDUP_ERR_PANIC, which these checks report.
    call test_is_prime()
    call test_sum_primes_below()
    call test_sum_primes_below_i128()
    call test_closest_pair()
    ! The legacy routines through the same module: exact kernels bitwise equal to the Rust
    ! kernels on the same data, reductions within the contract's accuracy, the thread knob.
    call test_legacy_threads()
    call test_legacy_reductions()
    call test_legacy_stencils()
    call test_legacy_comb()
    call test_legacy_primes()
    call test_legacy_closest_pair()
    call test_legacy_mandelbrot()
    call finish()

contains

    logical function names(text, arg)
        character(len=*), intent(in) :: text, arg
        names = len_trim(text) > 0 .and. index(text, arg) > 0
    end function names

    subroutine test_library()
        character(len=:), allocatable :: v
        integer :: n0, n3
        v = speedup_version()
        call check(len(v) >= 5 .and. scan(v(1:1), '0123456789') == 1 .and. index(v, '.') > 1, &
            'version "'//v//'"')
        call check(speedup_status_message(SPEEDUP_ERR_LENGTH) /= '', 'status_message')
        n0 = speedup_get_num_threads()
        call check(n0 >= 1, 'get_num_threads >= 1')
        call speedup_set_num_threads(3, stat, msg)
        n3 = speedup_get_num_threads()
        call check(stat == 0 .and. n3 == 3, 'set_num_threads(3)')
        call speedup_set_num_threads(0)
        n3 = speedup_get_num_threads()
        call check(n3 == n0, 'set_num_threads(0) restores the default')
        call speedup_set_num_threads(-1, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n'), &
            'set_num_threads(-1): '//trim(msg))
        call test_config()
    end subroutine test_library

    !> speedup_config(): `key: value` lines; threads follows the knob and names its source.
    subroutine test_config()
        character(len=:), allocatable :: r
        character(len=1), parameter :: nl = achar(10)
        r = speedup_config()
        call check(len(r) > 0, 'speedup_config() is not empty')
        if (len(r) == 0) return
        call check(r(len(r):len(r)) == nl, 'speedup_config() ends in a newline')
        call check(index(r, 'version: '//speedup_version()//nl) == 1, 'config starts with the version')
        call check(index(r, nl//'target: ') > 0, 'config has target')
        call check(index(r, nl//'threads_source: ') > 0, 'config has threads_source')
        call check(index(r, nl//'simd.philox: scalar'//nl) > 0, 'config has simd.philox')
        call check(index(r, nl//'legacy: ') > 0 .and. index(r, nl//'openmp: ') > 0, &
            'config has legacy and openmp')
        call speedup_set_num_threads(3)
        r = speedup_config()
        call check(index(r, nl//'threads: 3'//nl//'threads_source: set_num_threads'//nl) > 0, &
            'config after set_num_threads(3): '//r)
        call speedup_set_num_threads(0)
    end subroutine test_config

    subroutine test_reductions()
        real(c_double) :: x(1001), s, sc, e(0)
        integer :: threads(3) = [1, 2, 3], t, stc
        call lcg_uniform(seed_state, x, -1.0e3_c_double, 1.0e3_c_double)
        do t = 1, size(threads)
            call speedup_set_num_threads(threads(t))
            call speedup_sum(x, s)
            stc = c_speedup_sum(x, size(x, kind=c_size_t), sc)
            call check(stc == 0 .and. same(s, sc), 'sum matches the C door')
            call speedup_mean(x, s)
            stc = c_speedup_mean(x, size(x, kind=c_size_t), sc)
            call check(stc == 0 .and. same(s, sc), 'mean matches the C door')
            call speedup_std(x, 1, s)
            stc = c_speedup_std(x, size(x, kind=c_size_t), 1_c_size_t, sc)
            call check(stc == 0 .and. same(s, sc), 'std matches the C door')
        end do
        call speedup_set_num_threads(0)
        ! A strided section is the same logical vector as its contiguous copy.
        call speedup_sum(x(1:size(x):3), s)
        stc = c_speedup_sum(x(1:size(x):3), int(size(x(1:size(x):3)), c_size_t), sc)
        call check(same(s, sc), 'sum of a strided section')
        call speedup_sum(e, s, stat)
        call check(stat == 0 .and. same(s, 0.0_c_double), 'sum of nothing is 0')
        call speedup_mean(e, s, stat, msg)
        stc = c_speedup_mean(e, 0_c_size_t, sc)
        call check(stat /= 0 .and. stat == stc .and. names(msg, 'mean'), &
            'mean of nothing: '//trim(msg))
        call speedup_std(x(1:3), 3, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof'), &
            'std ddof >= n: '//trim(msg))
        call speedup_std(x(1:3), -1, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof'), &
            'std ddof < 0: '//trim(msg))
    end subroutine test_reductions

    subroutine test_second_derivative()
        real(c_double) :: f(50), out(48), ref(48), outc(48), dx
        integer :: i, stc
        call lcg_uniform(seed_state, f, -2.0_c_double, 2.0_c_double)
        dx = 0.013_c_double
        call speedup_second_derivative(f, dx, out)
        do i = 1, 48
            ref(i) = ((f(i) - 2.0_c_double*f(i + 1)) + f(i + 2))*(1.0_c_double/(dx*dx))
        end do
        stc = c_speedup_second_derivative(f, 50_c_size_t, dx, outc, 48_c_size_t)
        call check(same_all(out, ref), 'second_derivative = contract formula')
        call check(stc == 0 .and. same_all(out, outc), 'second_derivative matches the C door')
        call speedup_second_derivative(f, 0.0_c_double, out, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'dx'), &
            'second_derivative dx = 0: '//trim(msg))
        call speedup_second_derivative(f, dx, out(1:10), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out'), &
            'second_derivative out too short: '//trim(msg))
        call speedup_second_derivative(f(1:2), dx, out(1:0), stat, msg)
        call check(stat /= 0 .and. names(msg, 'second_derivative'), &
            'second_derivative n < 3: '//trim(msg))
    end subroutine test_second_derivative

    subroutine test_laplacian()
        integer, parameter :: m = 9, n = 6
        real(c_double) :: f(m, n), out(m - 2, n - 2), ref(m - 2, n - 2), dx, dy, ax, ay, c
        real(c_double) :: fc(n, m), oc(n - 2, m - 2), big(2*m, n), out1(m - 2, n - 2)
        integer :: i, j, stc
        call lcg_uniform(seed_state, f(:, 1), 0.0_c_double, 1.0_c_double)
        do j = 2, n
            call lcg_uniform(seed_state, f(:, j), -3.0_c_double, 3.0_c_double)
        end do
        dx = 0.1_c_double
        dy = 0.37_c_double
        call speedup_laplacian(f, dx, dy, out)
        ! Reference from docs/contract.md, on f(i, j) == C's f[i-1][j-1].
        ax = 1.0_c_double/(dx*dx)
        ay = 1.0_c_double/(dy*dy)
        c = 2.0_c_double*ax + 2.0_c_double*ay
        do j = 2, n - 1
            do i = 2, m - 1
                ref(i - 1, j - 1) = ((f(i - 1, j) + f(i + 1, j))*ax + (f(i, j - 1) + &
                    f(i, j + 1))*ay) - f(i, j)*c
            end do
        end do
        call check(same_all(reshape(out, [size(out)]), reshape(ref, [size(ref)])), &
            'laplacian = contract formula (dx along dim 1, dy along dim 2)')
        ! The C door on the C-ordered copy: fc is f[m][n] in C order.
        fc = transpose(f)
        stc = c_speedup_laplacian(fc, int(m, c_size_t), int(n, c_size_t), dx, dy, oc, &
            int(size(oc), c_size_t))
        call check(stc == 0 .and. same_all(reshape(out, [size(out)]), &
            reshape(transpose(oc), [size(out)])), 'laplacian matches the C door')
        ! A strided section and other thread counts give the same bits.
        big = 0
        big(1:2*m:2, :) = f
        call speedup_set_num_threads(1)
        call speedup_laplacian(big(1:2*m:2, :), dx, dy, out1)
        call speedup_set_num_threads(0)
        call check(same_all(reshape(out1, [size(out)]), reshape(out, [size(out)])), &
            'laplacian of a strided section, 1 thread')
        call speedup_laplacian(f, 0.0_c_double, dy, out, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'dx'), &
            'laplacian dx = 0: '//trim(msg))
        call speedup_laplacian(f, dx, ieee_value(dx, ieee_quiet_nan), out, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'dy'), &
            'laplacian dy = NaN: '//trim(msg))
        call speedup_laplacian(f, dx, dy, out(1:3, :), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out'), &
            'laplacian out of the wrong shape: '//trim(msg))
        call speedup_laplacian(f(1:2, :), dx, dy, out(1:0, :), stat, msg)
        stc = c_speedup_laplacian(transpose(f(1:2, :)), 2_c_size_t, int(n, c_size_t), dx, dy, &
            oc, 0_c_size_t)
        call check(stat /= 0 .and. stat == stc .and. names(msg, 'f') .and. &
            names(msg, '2x6'), 'laplacian m < 3 (f is m x n, as C rows x cols): '//trim(msg))
    end subroutine test_laplacian

    subroutine test_comb()
        integer, parameter :: n = 40, k = 3, tau = 7
        real(c_double) :: x(n, k), y(n, k), ref(n, k), xc(k, n), yc(k, n), alpha, y1(n)
        integer :: t, col, stc, pass
        logical :: forward
        call lcg_uniform(seed_state, x(:, 1), -1.0_c_double, 1.0_c_double)
        call lcg_uniform(seed_state, x(:, 2), -5.0_c_double, 5.0_c_double)
        call lcg_uniform(seed_state, x(:, 3), 0.0_c_double, 9.0_c_double)
        alpha = 0.61_c_double
        xc = transpose(x)
        do pass = 1, 2
            forward = pass == 1
            ! Reference from docs/contract.md, column by column.
            do col = 1, k
                ref(1:tau, col) = x(1:tau, col)
                do t = tau + 1, n
                    if (forward) then
                        ref(t, col) = x(t, col) + alpha*x(t - tau, col)
                    else
                        ref(t, col) = x(t, col) + alpha*ref(t - tau, col)
                    end if
                end do
            end do
            if (forward) then
                call speedup_comb_forward(x, tau, alpha, y)
                stc = c_speedup_comb_forward(xc, int(n, c_size_t), int(k, c_size_t), &
                    int(tau, c_size_t), alpha, yc, int(n*k, c_size_t))
                call speedup_comb_forward(x(:, 2), tau, alpha, y1)
            else
                call speedup_comb_backward(x, tau, alpha, y)
                stc = c_speedup_comb_backward(xc, int(n, c_size_t), int(k, c_size_t), &
                    int(tau, c_size_t), alpha, yc, int(n*k, c_size_t))
                call speedup_comb_backward(x(:, 2), tau, alpha, y1)
            end if
            call check(same_all(reshape(y, [n*k]), reshape(ref, [n*k])), &
                merge('comb_forward  = contract formula', 'comb_backward = contract formula', &
                forward))
            call check(stc == 0 .and. same_all(reshape(y, [n*k]), reshape(transpose(yc), &
                [n*k])), merge('comb_forward  matches the C door', &
                'comb_backward matches the C door', forward))
            call check(same_all(y1, ref(:, 2)), merge('comb_forward  1-D', 'comb_backward 1-D', &
                forward))
        end do
        ! A one-column 2-D array is the 1-D signal; a strided 1-D section too.
        call speedup_comb_backward(x(:, 1:1), 1, alpha, y(:, 1:1))
        call speedup_comb_backward(x(:, 1), 1, alpha, y1)
        call check(same_all(y(:, 1), y1), 'comb_backward of an n x 1 array')
        xc(1, :) = x(:, 3)
        call speedup_comb_forward(xc(1, :), 3, alpha, yc(2, :))
        call speedup_comb_forward(x(:, 3), 3, alpha, y1)
        call check(same_all(yc(2, :), y1), 'comb_forward of a strided section')
        call speedup_comb_forward(x, 0, alpha, y, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'tau'), &
            'comb_forward tau = 0: '//trim(msg))
        call speedup_comb_backward(x(:, 1), -2, alpha, y1, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'tau'), &
            'comb_backward tau < 0: '//trim(msg))
        call speedup_comb_backward(x, tau, alpha, y(:, 1:2), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'y'), &
            'comb_backward y of the wrong shape: '//trim(msg))
    end subroutine test_comb

    subroutine test_monte_carlo_pi()
        real(c_double) :: pi, pic
        integer :: stc
        call speedup_monte_carlo_pi(100000_c_int64_t, 42_c_int64_t, pi)
        stc = c_speedup_monte_carlo_pi(100000_c_int64_t, 42_c_int64_t, pic)
        call check(stc == 0 .and. same(pi, pic) .and. abs(pi - 3.14159_c_double) < 0.05, &
            'monte_carlo_pi matches the C door')
        call speedup_monte_carlo_pi(1000_c_int64_t, -1_c_int64_t, pi)
        stc = c_speedup_monte_carlo_pi(1000_c_int64_t, -1_c_int64_t, pic)
        call check(stc == 0 .and. same(pi, pic), 'monte_carlo_pi seed 2**64 - 1, bit for bit')
        call speedup_monte_carlo_pi(0_c_int64_t, 1_c_int64_t, pi, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n_points'), &
            'monte_carlo_pi n_points = 0: '//trim(msg))
    end subroutine test_monte_carlo_pi

    subroutine test_markov_chains()
        integer, parameter :: k = 3, chains = 4
        real(c_double) :: p(k, k), cyc(k, k), bad(k, k)
        integer(c_int64_t) :: counts(chains, k), cc(k, chains), steps
        integer :: stc, s
        ! P(i, j): probability from state i to state j; rows sum to 1 (dyadic, exact).
        p = reshape([0.5_c_double, 0.25_c_double, 0.0_c_double, &
                     0.5_c_double, 0.25_c_double, 0.125_c_double, &
                     0.0_c_double, 0.5_c_double, 0.875_c_double], [k, k])
        steps = 1000
        call speedup_markov_chains(p, 2, steps, 7_c_int64_t, counts)
        stc = c_speedup_markov_chains(transpose(p), int(k, c_size_t), 1_c_size_t, steps, &
            int(chains, c_size_t), 7_c_int64_t, cc, int(k*chains, c_size_t))
        call check(stc == 0 .and. all(counts == transpose(cc)), &
            'markov_chains matches the C door (start 2 = C start 1)')
        call check(all(sum(counts, dim=2) == steps), 'markov_chains rows sum to n_steps')
        ! Orientation, independently of C: the cycle 1 -> 2 -> 3 -> 1, P(i, j) = 1 for
        ! j = i mod 3 + 1. From start 3, 4 steps visit 1, 2, 3, 1: counts (2, 1, 1).
        cyc = 0
        do s = 1, k
            cyc(s, mod(s, k) + 1) = 1
        end do
        call speedup_markov_chains(cyc, 3, 4_c_int64_t, 0_c_int64_t, counts)
        call check(all(counts(1, :) == [2, 1, 1]) .and. all(counts(chains, :) == [2, 1, 1]), &
            'markov_chains P(i, j) is from i to j; start is 1-based')
        bad = p
        bad(2, 3) = 0.2_c_double
        call speedup_markov_chains(bad, 1, steps, 1_c_int64_t, counts, stat, msg)
        stc = c_speedup_markov_chains(transpose(bad), int(k, c_size_t), 0_c_size_t, steps, &
            int(chains, c_size_t), 1_c_int64_t, cc, int(k*chains, c_size_t))
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. stat == stc .and. &
            names(msg, 'markov_chains'), 'markov_chains row not summing to 1: '//trim(msg))
        call speedup_markov_chains(p, 0, steps, 1_c_int64_t, counts, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'start'), &
            'markov_chains start = 0: '//trim(msg))
        call speedup_markov_chains(p, 4, steps, 1_c_int64_t, counts, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'start'), &
            'markov_chains start = k + 1: '//trim(msg))
    end subroutine test_markov_chains

    integer(c_int32_t) function escape(c, max_iter)
        complex(c_double_complex), intent(in) :: c
        integer(c_int32_t), intent(in) :: max_iter
        real(c_double) :: re, im, t
        integer(c_int32_t) :: it
        re = real(c, c_double)
        im = aimag(c)
        do it = 0, max_iter - 1
            if (re*re + im*im >= 16.0_c_double) then
                escape = it
                return
            end if
            t = (re*re - im*im) + real(c, c_double)
            im = (2.0_c_double*re)*im + aimag(c)
            re = t
        end do
        escape = -1
    end function escape

    subroutine test_mandelbrot()
        integer, parameter :: nx = 13, ny = 7
        complex(c_double_complex) :: c(nx, ny), c3(3, 2, 2), c1(nx*ny), one
        integer(c_int32_t) :: counts(nx, ny), ref(nx, ny), cnt3(3, 2, 2), cnt1(nx*ny), cntc(nx*ny)
        integer(c_int32_t) :: cnt0, strided(nx, 2*ny)
        integer :: i, j, stc
        do j = 1, ny
            do i = 1, nx
                c(i, j) = cmplx(-2.1_c_double + 2.6_c_double*(i - 1)/(nx - 1), &
                    -1.2_c_double + 2.4_c_double*(j - 1)/(ny - 1), c_double_complex)
                ref(i, j) = escape(c(i, j), 50_c_int32_t)
            end do
        end do
        call speedup_mandelbrot(c, 50_c_int32_t, counts)
        call check(all(counts == ref), 'mandelbrot = contract formula (rank 2)')
        call check(any(ref == -1) .and. any(ref > 0), 'mandelbrot grid has both kinds of point')
        c1 = reshape(c, [nx*ny])
        stc = c_speedup_mandelbrot(c1, int(nx*ny, c_size_t), 50_c_int32_t, cntc, &
            int(nx*ny, c_size_t))
        call speedup_mandelbrot(c1, 50_c_int32_t, cnt1)
        call check(stc == 0 .and. all(cnt1 == cntc) .and. all(reshape(counts, [nx*ny]) == cntc), &
            'mandelbrot matches the C door (rank 1)')
        c3 = reshape(c(1:12, 1), [3, 2, 2])
        call speedup_mandelbrot(c3, 50_c_int32_t, cnt3)
        call check(all(reshape(cnt3, [12]) == ref(1:12, 1)), 'mandelbrot rank 3')
        one = c(5, 4)
        call speedup_mandelbrot(one, 50_c_int32_t, cnt0)
        call check(cnt0 == ref(5, 4), 'mandelbrot scalar')
        strided = -7
        call speedup_mandelbrot(c(:, ny:1:-1), 50_c_int32_t, strided(:, 1:2*ny:2))
        call check(all(strided(:, 1:2*ny:2) == ref(:, ny:1:-1)) .and. &
            all(strided(:, 2:2*ny:2) == -7), 'mandelbrot of strided sections')
        call speedup_mandelbrot(c, -1_c_int32_t, counts, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'max_iter'), &
            'mandelbrot max_iter < 0: '//trim(msg))
        call speedup_mandelbrot(c, 5_c_int32_t, counts(1:2, :), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'counts'), &
            'mandelbrot counts of the wrong shape: '//trim(msg))
        call speedup_mandelbrot(c, 5_c_int32_t, cnt1, stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'rank'), &
            'mandelbrot counts of the wrong rank: '//trim(msg))
    end subroutine test_mandelbrot

    subroutine test_map()
        real(c_double) :: x(5000), y(5000), ref(5000)
        real(c_double), target :: scale
        type(c_ptr) :: ctx
        integer :: i
        call lcg_uniform(seed_state, x, -4.0_c_double, 4.0_c_double)
        scale = 0.5_c_double
        ctx = c_loc(scale)
        do i = 1, size(x)
            ref(i) = x(i)*x(i) + scale
        end do
        call speedup_set_num_threads(4)
        call speedup_map_f64(plus_scaled_square, ctx, x, y)
        call speedup_set_num_threads(0)
        call check(same_all(y, ref), 'map_f64 with a bind(C) callback and ctx')
        call speedup_map_f64(plus_scaled_square, c_null_ptr, x(1:10), y(1:10))
        call check(same_all(y(1:10), x(1:10)*x(1:10)), 'map_f64 with a null ctx')
        call speedup_map_f64(plus_scaled_square, ctx, x, y(1:3), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out'), &
            'map_f64 out of the wrong size: '//trim(msg))
    end subroutine test_map

    logical function trial_division(n)
        integer(c_int64_t), intent(in) :: n
        integer(c_int64_t) :: d
        trial_division = n >= 2
        d = 2
        do while (d*d <= n)
            if (mod(n, d) == 0) then
                trial_division = .false.
                return
            end if
            d = d + 1
        end do
    end function trial_division

    subroutine test_is_prime()
        integer(c_int64_t) :: n(200), big(4)
        logical(c_bool) :: out(200), outc(200), one, ob(4)
        logical :: ref(200)
        integer :: i, stc
        do i = 1, 200
            n(i) = int(i - 1, c_int64_t)*7919_c_int64_t/3_c_int64_t + int(i - 1, c_int64_t)
            ref(i) = trial_division(n(i))
        end do
        call speedup_is_prime(n, out, stat, msg)
        call check(stat == 0, 'is_prime (array) runs: '//trim(msg))
        if (stat == 0) then
            call check(all(out .eqv. ref), 'is_prime (array) = trial division')
            stc = c_speedup_is_prime_many(n, 200_c_size_t, outc, 200_c_size_t)
            call check(stc == 0 .and. all(out .eqv. outc), 'is_prime matches the C door')
        end if
        call speedup_is_prime(97_c_int64_t, one, stat, msg)
        call check(stat == 0 .and. one, 'is_prime(97) (scalar): '//trim(msg))
        ! 2**61 - 1 and 2**63 - 25 are prime; 2**63 - 1 = 7**2 * 73 * ...; 1 is not.
        big = [2305843009213693951_c_int64_t, 9223372036854775783_c_int64_t, &
            huge(0_c_int64_t), 1_c_int64_t]
        call speedup_is_prime_many(big, ob, stat, msg)
        call check(stat == 0 .and. all(ob .eqv. [.true., .true., .false., .false.]), &
            'is_prime_many of 64-bit values: '//trim(msg))
        call speedup_is_prime(-5_c_int64_t, one, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n'), &
            'is_prime(-5): '//trim(msg))
    end subroutine test_is_prime

    subroutine test_sum_primes_below()
        integer(c_int64_t) :: s, q(5), r(5), rc(5), refs(5)
        integer :: i, stc
        q = [0_c_int64_t, 3_c_int64_t, 100_c_int64_t, 1000_c_int64_t, 2000000_c_int64_t]
        refs = 0
        do i = 1, 4
            refs(i) = sieve_sum(q(i))
        end do
        refs(5) = 142913828922_c_int64_t          ! Project Euler 10, the seed's size
        call speedup_sum_primes_below(q, r, stat, msg)
        call check(stat == 0 .and. all(r == refs), 'sum_primes_below (array): '//trim(msg))
        stc = c_speedup_sum_primes_below_many(q, 5_c_size_t, rc, 5_c_size_t)
        call check(stat == 0 .and. stc == 0 .and. all(r == rc), &
            'sum_primes_below_many matches the C door')
        call speedup_sum_primes_below(100_c_int64_t, s, stat, msg)
        call check(stat == 0 .and. s == 1060, 'sum_primes_below(100) (scalar): '//trim(msg))
        call speedup_sum_primes_below(-1_c_int64_t, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n'), &
            'sum_primes_below(-1): '//trim(msg))
    end subroutine test_sum_primes_below

    !> The 128-bit prime sum: the u64 limit n = 29505444491 (the 64-bit procedure's result
    !> already exceeds integer(c_int64_t) there), past it, 10**12, and bad n.
    subroutine test_sum_primes_below_i128()
        integer(speedup_int128) :: w
        integer(c_int64_t) :: lo, hi, s
        integer(c_int64_t), parameter :: lim = 29505444491_c_int64_t
        integer(speedup_int128), parameter :: at_lim = 18446744057541225032_speedup_int128
        call speedup_sum_primes_below_i128(100_c_int64_t, w, stat, msg)
        call check(stat == 0 .and. w == 1060, 'sum_primes_below_i128(100): '//trim(msg))
        call speedup_sum_primes_below_i128(lim, w, stat, msg)
        call check(stat == 0 .and. w == at_lim, 'sum_primes_below_i128(limit): '//trim(msg))
        call speedup_sum_primes_below_i128(lim + 1, w, stat, msg)
        call check(stat == 0 .and. w == at_lim + lim, 'sum_primes_below_i128(limit+1)')
        call speedup_sum_primes_below(lim + 1, s, stat, msg)
        call check(stat == SPEEDUP_ERR_OVERFLOW, 'sum_primes_below(limit+1) overflows')
        call speedup_sum_primes_below_i128(10_c_int64_t**12, w, stat, msg)
        call check(stat == 0 .and. w == 18435588552550705911377_speedup_int128, &
            'sum_primes_below_i128(1e12): '//trim(msg))
        call check(c_speedup_sum_primes_below_u128(10_c_int64_t**12, lo, hi) == 0 .and. &
            hi == 999 .and. lo == 7291222914863846993_c_int64_t, 'the C door''s two words')
        w = -5
        call speedup_sum_primes_below_i128(-1_c_int64_t, w, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n') .and. w == -5, &
            'sum_primes_below_i128(-1): '//trim(msg))
        call speedup_sum_primes_below_i128(10_c_int64_t**16 + 1, w, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n') .and. w == -5, &
            'sum_primes_below_i128(1e16+1): '//trim(msg))
    end subroutine test_sum_primes_below_i128

    integer(c_int64_t) function sieve_sum(n)
        integer(c_int64_t), intent(in) :: n
        integer(c_int64_t) :: p
        sieve_sum = 0
        do p = 2, n - 1
            if (trial_division(p)) sieve_sum = sieve_sum + p
        end do
    end function sieve_sum

    subroutine test_closest_pair()
        integer, parameter :: n = 300
        real(c_double) :: pts(n, 2), dist, d2, best, dref, distc, tie(4, 2)
        integer :: i, j, a, b, bi, bj, stc
        integer(c_size_t) :: ci, cj
        call lcg_uniform(seed_state, pts(:, 1), 0.0_c_double, 100.0_c_double)
        call lcg_uniform(seed_state, pts(:, 2), -50.0_c_double, 50.0_c_double)
        ! Brute force from docs/contract.md: the minimal d2, ties to the smallest (i, j).
        best = huge(best)
        bi = 0
        bj = 0
        do a = 1, n - 1
            do b = a + 1, n
                d2 = (pts(a, 1) - pts(b, 1))*(pts(a, 1) - pts(b, 1)) + &
                    (pts(a, 2) - pts(b, 2))*(pts(a, 2) - pts(b, 2))
                if (d2 < best) then
                    best = d2
                    bi = a
                    bj = b
                end if
            end do
        end do
        dref = sqrt(best)
        call speedup_closest_pair(pts, i, j, dist, stat, msg)
        call check(stat == 0, 'closest_pair runs: '//trim(msg))
        if (stat == 0) then
            call check(i == bi .and. j == bj .and. same(dist, dref), &
                'closest_pair = brute force (1-based, i < j)')
            stc = c_speedup_closest_pair(transpose(pts), int(n, c_size_t), ci, cj, distc)
            call check(stc == 0 .and. ci + 1 == i .and. cj + 1 == j .and. same(dist, distc), &
                'closest_pair matches the C door')
        end if
        ! Ties: points 1, 2 and 3, 4 are both at distance 1; (1, 2) wins.
        tie = reshape([0.0_c_double, 0.0_c_double, 5.0_c_double, 5.0_c_double, &
                       0.0_c_double, 1.0_c_double, 0.0_c_double, 1.0_c_double], [4, 2])
        call speedup_closest_pair(tie(4:1:-1, :), i, j, dist, stat, msg)
        call check(stat == 0 .and. i == 1 .and. j == 2 .and. same(dist, 1.0_c_double), &
            'closest_pair ties to the smallest (i, j): '//trim(msg))
        call speedup_closest_pair(pts(1:1, :), i, j, dist, stat, msg)
        stc = c_speedup_closest_pair(pts(1:1, :), 1_c_size_t, ci, cj, distc)
        call check(stat /= 0 .and. stat /= SPEEDUP_ERR_PANIC .and. stat == stc .and. &
            names(msg, 'closest_pair'), 'closest_pair of 1 point: '//trim(msg))
        call speedup_closest_pair(pts(:, 1:1), i, j, dist, stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'points'), &
            'closest_pair points(n, 1): '//trim(msg))
    end subroutine test_closest_pair

    ! ------------------------------------------------------------------------------------------
    ! Legacy routines

    !> The knob reaches the legacy OpenMP regions: set_num_threads(n) gives a team of n.
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
        real(c_double) :: x(1001), e(0), s, sl, ref, tol
        integer :: t, stc
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
        call speedup_legacy_sum(e, sl, stat)
        call check(stat == 0 .and. same(sl, 0.0_c_double), 'legacy_sum of nothing is 0')
        call speedup_legacy_mean(e, sl, stat, msg)
        stc = c_speedup_legacy_mean(e, 0_c_size_t, s)
        call check(stat /= 0 .and. stat == stc .and. names(msg, 'mean'), &
            'legacy_mean of nothing: '//trim(msg))
        call speedup_legacy_std(x(1:3), 3, sl, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof'), &
            'legacy_std ddof >= n: '//trim(msg))
        call speedup_legacy_std(x(1:3), -1, sl, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof'), &
            'legacy_std ddof < 0: '//trim(msg))
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
        call speedup_legacy_comb_forward(x, 0, alpha, yl, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'tau'), &
            'legacy_comb_forward tau = 0: '//trim(msg))
        call speedup_legacy_comb_backward(x, tau, alpha, yl(:, 1:2), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'y'), &
            'legacy_comb_backward y of the wrong shape: '//trim(msg))
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

end program test_speedup
