!> What the Fortran door's test programs (test_speedup.f90, test_stencils.f90) share: the check
!> counters, bitwise comparisons, the inputs' generator and the map_f64 callback.
module test_support
    ! The test modules take the kinds and the modules under test from here (use test_support).
    use, intrinsic :: iso_c_binding, only: c_double, c_double_complex, c_int32_t, c_int64_t, &
        c_bool, c_size_t, c_ptr, c_loc, c_null_ptr, c_f_pointer, c_associated, c_float, &
        c_float_complex
    use, intrinsic :: ieee_arithmetic, only: ieee_is_nan, ieee_value, ieee_quiet_nan
    use speedup
    use speedup_legacy
    implicit none
    integer, private :: passed = 0, failed = 0
    !> The state of lcg_uniform that all the checks draw from.
    integer(c_int64_t) :: seed_state = 12345
    ! What the calls of one check give back (every test module's), as the checks read them.
    integer :: stat
    character(len=256) :: msg
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

    !> True when an error message is there and names `arg`.
    logical function names(text, arg)
        character(len=*), intent(in) :: text, arg
        names = len_trim(text) > 0 .and. index(text, arg) > 0
    end function names

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
        if (failed > 0) error stop 'some checks failed'
    end subroutine finish

    !> The bad inputs of sum, mean and std, the same through the Rust kernels and through the
    !> legacy routines: `kernel_sum`, `kernel_mean`, `kernel_std` of one family and `c_mean` its
    !> C function; `prefix` ('' or 'legacy_') names the family in the checks.
    subroutine check_reduction_errors(prefix, x, kernel_sum, kernel_mean, kernel_std, c_mean)
        character(len=*), intent(in) :: prefix
        real(c_double), intent(in) :: x(:)
        procedure(speedup_sum) :: kernel_sum
        procedure(speedup_mean) :: kernel_mean
        procedure(speedup_std) :: kernel_std
        procedure(c_speedup_mean) :: c_mean
        real(c_double) :: e(0), s, sc
        integer :: stc
        s = 1
        call kernel_sum(e, s, stat)
        call check(stat == 0 .and. same(s, 0.0_c_double), prefix//'sum of nothing is 0')
        call kernel_mean(e, s, stat, msg)
        stc = c_mean(e, 0_c_size_t, sc)
        call check(stat /= 0 .and. stat == stc .and. names(msg, 'mean'), &
            prefix//'mean of nothing: '//trim(msg))
        call kernel_std(x(1:3), 3, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof'), &
            prefix//'std ddof >= n: '//trim(msg))
        call kernel_std(x(1:3), -1, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof'), &
            prefix//'std ddof < 0: '//trim(msg))
    end subroutine check_reduction_errors

    !> The comb filters' tau = 0 and an output of the wrong shape, the same through the Rust
    !> kernels and (legacy) through the legacy routines, on the n x k signal x (k /= 2).
    subroutine check_comb_errors(legacy, x, tau, alpha)
        logical, intent(in) :: legacy
        real(c_double), intent(in) :: x(:, :)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double) :: y(size(x, 1), size(x, 2))
        character(len=:), allocatable :: prefix
        prefix = trim(merge('legacy_', '       ', legacy))
        if (legacy) then
            call speedup_legacy_comb_forward(x, 0, alpha, y, stat, msg)
        else
            call speedup_comb_forward(x, 0, alpha, y, stat, msg)
        end if
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'tau'), &
            prefix//'comb_forward tau = 0: '//trim(msg))
        if (legacy) then
            call speedup_legacy_comb_backward(x, tau, alpha, y(:, 1:2), stat, msg)
        else
            call speedup_comb_backward(x, tau, alpha, y(:, 1:2), stat, msg)
        end if
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'y'), &
            prefix//'comb_backward y of the wrong shape: '//trim(msg))
    end subroutine check_comb_errors

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
