!> example.f90: speedup from Fortran (`use speedup`). Builds a few inputs from exact formulas,
!> calls a handful of kernels and prints the results, one `name: value` line each,
!> floating-point values with 17 significant digits as C's printf("%.16e") writes them. The C,
!> Python and Rust examples beside this folder print the same lines, bit for bit.
!>
!> Arrays are Fortran arrays: f(i, j) is C's f[i-1][j-1]; the module does the layout work.
!> Indices printed below are 0-based, like the other languages'.
!> Build: see README.md in this folder (CMake find_package, or fpm).
program example
    use, intrinsic :: iso_c_binding, only: c_double, c_double_complex, c_int32_t, c_int64_t
    use speedup, only: speedup_version, speedup_get_num_threads, speedup_sum, speedup_std, &
        speedup_laplacian, speedup_sum_primes_below, speedup_monte_carlo_pi, &
        speedup_closest_pair, speedup_mandelbrot
    implicit none
    integer, parameter :: n = 100000, rows = 300, cols = 400, np = 2000, side = 160
    real(c_double), allocatable :: x(:), f(:, :), lap(:, :), points(:, :)
    complex(c_double_complex), allocatable :: c(:, :)
    integer(c_int32_t), allocatable :: counts(:, :)
    real(c_double) :: s, sd, pi, dist
    integer(c_int64_t) :: i, r, k, primes
    integer :: a, b

    print '(3a,i0,a)', '# speedup ', speedup_version(), ', Fortran example, ', &
        speedup_get_num_threads(), ' threads'

    ! A signal of 100000 values: x[i] = ((i * 7919) mod 10007) / 10007 - 0.5, i = 0, 1, ...
    allocate (x(n))
    do i = 0, n - 1
        x(i + 1) = real(mod(i * 7919, 10007_c_int64_t), c_double) / 10007.0_c_double - 0.5_c_double
    end do
    call speedup_sum(x, s)          ! without stat=, an error stops the program with its message
    call speedup_std(x, 1, sd)
    print '(2a)', 'sum(x): ', e17(s)
    print '(2a)', 'std(x, ddof=1): ', e17(sd)

    ! A 300 x 400 grid: f[r][c] = ((r * 31 + c * 17) mod 101) / 8, here f(r+1, c+1).
    allocate (f(rows, cols), lap(rows - 2, cols - 2))
    do k = 0, cols - 1
        do r = 0, rows - 1
            f(r + 1, k + 1) = real(mod(r * 31 + k * 17, 101_c_int64_t), c_double) / 8.0_c_double
        end do
    end do
    call speedup_laplacian(f, 0.1_c_double, 0.2_c_double, lap)
    print '(2a)', 'laplacian(f, 0.1, 0.2)[100][200]: ', e17(lap(101, 201))
    ! speedup_sum of the elements in C order (row after row), as the other languages sum them.
    call speedup_sum(reshape(transpose(lap), [size(lap)]), s)
    print '(2a)', 'sum(laplacian(f, 0.1, 0.2)): ', e17(s)

    call speedup_sum_primes_below(1000000_c_int64_t, primes)
    print '(a,i0)', 'sum_primes_below(1000000): ', primes

    call speedup_monte_carlo_pi(1000000_c_int64_t, 42_c_int64_t, pi)
    print '(2a)', 'monte_carlo_pi(1000000, seed=42): ', e17(pi)

    ! 2000 points, row k+1 = (x, y) of point k.
    allocate (points(np, 2))
    do k = 0, np - 1
        points(k + 1, 1) = real(mod(k * 7919, 10007_c_int64_t), c_double) / 10007.0_c_double
        points(k + 1, 2) = real(mod(k * 104729, 10009_c_int64_t), c_double) / 10009.0_c_double
    end do
    call speedup_closest_pair(points, a, b, dist)   ! a < b, 1-based
    print '(a,i0,a,i0,2a)', 'closest_pair(points): ', a - 1, ' ', b - 1, ' ', e17(dist)

    ! A 160 x 160 grid of the complex plane: c = (-2 + col/64) + (-1.25 + row/64) i.
    allocate (c(side, side), counts(side, side))
    do r = 0, side - 1
        do k = 0, side - 1
            c(k + 1, r + 1) = cmplx(-2.0_c_double + real(k, c_double) / 64.0_c_double, &
                -1.25_c_double + real(r, c_double) / 64.0_c_double, c_double_complex)
        end do
    end do
    call speedup_mandelbrot(c, 100_c_int32_t, counts)   ! -1 where the point did not escape
    print '(a,i0,a,i0)', 'mandelbrot(c, max_iter=100): inside=', count(counts < 0), &
        ' escape_sum=', sum(int(counts, c_int64_t), mask=counts >= 0)

contains

    !> v with 17 significant digits, as C's printf("%.16e") writes it: -4.5050464674724919e+00.
    function e17(v) result(text)
        real(c_double), intent(in) :: v
        character(len=:), allocatable :: text
        character(len=32) :: buf
        integer :: e
        write (buf, '(es25.16e3)') v      ! e.g. -4.5050464674724919E+000
        buf = adjustl(buf)
        e = index(buf, 'E')
        if (buf(e + 2:e + 2) == '0') then  ! C writes at least 2 exponent digits
            text = buf(:e - 1)//'e'//buf(e + 1:e + 1)//buf(e + 3:e + 4)
        else
            text = buf(:e - 1)//'e'//buf(e + 1:e + 4)
        end if
    end function e17
end program example
