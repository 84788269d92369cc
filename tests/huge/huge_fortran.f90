!> Huge arrays through the Fortran door: speedup_sum, speedup_mean and speedup_legacy_sum of
!> arrays of 2^31 + 1026 and 2^32 + 3001 elements (the pattern 0, 1, 2 repeated, whose sum is an
!> exact small integer), from memory that is one block mapped again and again
!> (huge_alias_p012 in huge.c). Sizes past 2^31 must reach the C door whole: a default-kind
!> size() would wrap (2^32 + 3001 elements read as 3001). Prints `huge-fortran: N passed, M
!> failed, 0 skipped`.
program huge_fortran
    use, intrinsic :: iso_c_binding, only: c_double, c_ptr, c_size_t, c_f_pointer
    use speedup, only: speedup_sum, speedup_mean
    use speedup_legacy, only: speedup_legacy_sum
    implicit none
    interface
        type(c_ptr) function huge_alias_p012(n) bind(C, name='huge_alias_p012')
            import :: c_ptr, c_size_t
            integer(c_size_t), value, intent(in) :: n
        end function huge_alias_p012
    end interface
    integer(c_size_t) :: ns(2), n
    real(c_double), pointer :: x(:)
    real(c_double) :: s, want
    integer :: k, stat, passed, failed
    character(len=200) :: msg

    passed = 0
    failed = 0
    ns = [2_c_size_t**31 + 1026_c_size_t, 2_c_size_t**32 + 3001_c_size_t]
    do k = 1, 2
        n = ns(k)
        call c_f_pointer(huge_alias_p012(n), x, [n])
        ! (n / 3) periods of 0 + 1 + 2, then the remainder's first elements (0, then 1).
        want = real(n / 3, c_double) * 3.0_c_double + merge(1.0_c_double, 0.0_c_double, &
            mod(n, 3_c_size_t) == 2)
        s = -1
        call speedup_sum(x, s, stat, msg)
        call expect(stat == 0 .and. s == want, 'speedup_sum', n, s, want, stat, msg)
        s = -1
        call speedup_mean(x, s, stat, msg)
        call expect(stat == 0 .and. s == want / real(n, c_double), 'speedup_mean', n, s, &
            want / real(n, c_double), stat, msg)
        s = -1
        call speedup_legacy_sum(x, s, stat, msg)
        call expect(stat == 0 .and. s == want, 'speedup_legacy_sum', n, s, want, stat, msg)
    end do
    print '(a, i0, a, i0, a)', 'huge-fortran: ', passed, ' passed, ', failed, ' failed, 0 skipped'

contains

    subroutine expect(ok, what, n, got, want, stat, msg)
        logical, intent(in) :: ok
        character(len=*), intent(in) :: what, msg
        integer(c_size_t), intent(in) :: n
        real(c_double), intent(in) :: got, want
        integer, intent(in) :: stat
        if (ok) then
            passed = passed + 1
            print '(a, a, a, i0, a)', 'huge-fortran: ', what, ' of ', n, ' elements: exact'
        else
            failed = failed + 1
            print '(a, a, a, i0, a, i0, a, es24.17, a, es24.17, 2a)', 'huge-fortran: FAIL ', &
                what, ' of ', n, ' elements: stat ', stat, ', got ', got, ', want ', want, &
                ' ', trim(msg)
        end if
    end subroutine expect
end program huge_fortran
