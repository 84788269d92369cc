!> The Fortran door test (test_speedup.f90): the library procedures (version, threads,
!> configuration) and the array kernels: reductions, stencils, comb filters.
module test_door_arrays
    use test_support
    implicit none
    private
    public :: test_library, test_reductions, test_second_derivative, test_laplacian, test_comb
contains

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
        call check(index(r, nl//'simd.philox: ') > 0, 'config has simd.philox')
        call check(index(r, nl//'legacy: ') > 0 .and. index(r, nl//'openmp: ') > 0, &
            'config has legacy and openmp')
        call speedup_set_num_threads(3)
        r = speedup_config()
        call check(index(r, nl//'threads: 3'//nl//'threads_source: set_num_threads'//nl) > 0, &
            'config after set_num_threads(3): '//r)
        call speedup_set_num_threads(0)
    end subroutine test_config

    subroutine test_reductions()
        real(c_double) :: x(1001), s, sc
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
        call check_reduction_errors('', x, speedup_sum, speedup_mean, speedup_std, c_speedup_mean)
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
        call check_comb_errors(.false., x, tau, alpha)
        call speedup_comb_backward(x(:, 1), -2, alpha, y1, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'tau'), &
            'comb_backward tau < 0: '//trim(msg))
    end subroutine test_comb
end module test_door_arrays
