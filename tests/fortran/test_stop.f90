!> A bad call without `stat` must stop the program with the message: CTest expects this
!> program to fail (WILL_FAIL) and to print the message (a second test with
!> PASS_REGULAR_EXPRESSION "std: ddof").
program test_stop
    use, intrinsic :: iso_c_binding, only: c_double
    use speedup, only: speedup_std
    implicit none
    real(c_double) :: x(3) = [1.0_c_double, 2.0_c_double, 3.0_c_double], s
    call speedup_std(x, 3, s)
    print '(a, es24.17)', 'not reached: std = ', s
end program test_stop
