!> fpm's test of the speedup modules against an installed libspeedup: a few kernels through
!> `use speedup` (results against hand-computed values), an error through `stat`/`errmsg`, and
!> the raw C layer through `use speedup_c`. Prints `fpm: N passed, 0 failed`.
program check
    use, intrinsic :: iso_c_binding, only: c_double, c_float, c_int64_t, c_size_t, c_int32_t
    use speedup, only: speedup_sum, speedup_std, speedup_second_derivative, &
        speedup_sum_primes_below, speedup_version, speedup_get_num_threads, SPEEDUP_OK, &
        SPEEDUP_ERR_INVALID_ARGUMENT
    use speedup_c, only: c_speedup_sum
    implicit none
    real(c_double) :: x(5) = [1.0_c_double, 2.0_c_double, 4.0_c_double, 7.0_c_double, &
        11.0_c_double]
    real(c_double) :: s, d2(3), cols(3)
    real(c_double) :: m(2, 3) = reshape([1.0_c_double, 2.0_c_double, 3.0_c_double, &
        4.0_c_double, 5.0_c_double, 6.0_c_double], [2, 3])
    real(c_float) :: s32
    integer(c_int64_t) :: p
    integer :: stat, passed
    character(len=200) :: msg

    passed = 0
    call speedup_sum(x, s)
    call expect(s == 25.0_c_double, 'sum')
    call speedup_sum(real(x, c_float), s32)
    call expect(s32 == 25.0_c_float, 'sum of real32 data')
    call speedup_sum(m, 1, cols)
    call expect(all(cols == [3.0_c_double, 7.0_c_double, 11.0_c_double]), 'sum along dim=1')
    call speedup_second_derivative(x, 1.0_c_double, d2)
    call expect(all(d2 == 1.0_c_double), 'second_derivative')
    call speedup_sum_primes_below(10_c_int64_t, p)
    call expect(p == 17_c_int64_t, 'sum_primes_below')
    call speedup_std(x, 5, s, stat, msg)
    call expect(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. index(msg, 'ddof') > 0, 'std error')
    s = 0
    call expect(c_speedup_sum(x, 5_c_size_t, s) == SPEEDUP_OK .and. s == 25.0_c_double, &
        'speedup_c')
    call expect(speedup_get_num_threads() >= 1, 'threads')
    print '(3a,i0,a)', 'fpm: speedup ', speedup_version(), ', ', passed, ' passed, 0 failed'

contains

    subroutine expect(ok, what)
        logical, intent(in) :: ok
        character(len=*), intent(in) :: what
        if (.not. ok) then
            print '(2a)', 'FAIL: ', what
            error stop 1
        end if
        passed = passed + 1
    end subroutine expect
end program check
