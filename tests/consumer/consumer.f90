!> A Fortran program that uses the installed speedup: sum, Laplacian, Mandelbrot.
program consumer
    use, intrinsic :: iso_c_binding, only: c_double, c_double_complex, c_int32_t
    use speedup, only: speedup_sum, speedup_laplacian, speedup_mandelbrot, speedup_version
    implicit none
    real(c_double) :: x(4) = [1.0_c_double, 2.0_c_double, 3.0_c_double, 4.0_c_double], s
    real(c_double) :: f(4, 5), lap(2, 3)
    complex(c_double_complex) :: c(3) = [(0.0_c_double, 0.0_c_double), &
        (1.0_c_double, 1.0_c_double), (-1.0_c_double, 0.0_c_double)]
    integer(c_int32_t) :: counts(3)
    integer :: i, j, stat
    character(len=200) :: msg

    call speedup_sum(x, s)
    do j = 1, 5
        do i = 1, 4
            f(i, j) = real(i*i + 3*j*j, c_double)     ! d2/dx2 = 2, d2/dy2 = 6
        end do
    end do
    call speedup_laplacian(f, 1.0_c_double, 1.0_c_double, lap)
    call speedup_mandelbrot(c, 20_c_int32_t, counts)
    if (s /= 10.0_c_double .or. any(lap /= 8.0_c_double) .or. counts(1) /= -1 .or. &
        counts(2) /= 2 .or. counts(3) /= -1) then
        print *, 'consumer Fortran: wrong results', s, lap, counts
        error stop 1
    end if
    call speedup_laplacian(f, 0.0_c_double, 1.0_c_double, lap, stat, msg)
    if (stat == 0) error stop 'consumer Fortran: dx = 0 was accepted'
    print '(3a)', 'consumer Fortran: speedup ', speedup_version(), ': ok'
end program consumer
