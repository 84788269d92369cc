! legacy_stencils: the lab's finite-difference stencils, column-major as Fortran holds them.
!
! The C caller's grid f[rows][cols] (C order) is, element for element, the Fortran array
! f(cols, rows): f(j, i) here is f[i-1][j-1] there. The formulas are the contract's
! (docs/contract.md), term for term; the parentheses are kept as written (gfortran honours
! them; never build this with -fno-protect-parens or -ffast-math). Build with -O3 -fopenmp
! -ffp-contract=off.
module legacy_stencils
    use, intrinsic :: iso_c_binding, only: c_double, c_size_t
    implicit none
    private
    public :: legacy_second_derivative, legacy_laplacian

contains

    ! out(i) = ((f(i) - 2 f(i+1)) + f(i+2)) * (1/(dx*dx)),  i = 1 .. n-2  (n >= 3)
    subroutine legacy_second_derivative(f, n, dx, out) bind(C, name="legacy_second_derivative")
        integer(c_size_t), value, intent(in) :: n
        real(c_double), intent(in) :: f(n)
        real(c_double), value, intent(in) :: dx
        real(c_double), intent(out) :: out(n - 2)
        real(c_double) :: scale
        integer(c_size_t) :: i

        scale = 1.0_c_double / (dx * dx)
        !$omp parallel do schedule(static)
        do i = 1, n - 2
            out(i) = ((f(i) - 2.0_c_double * f(i + 1)) + f(i + 2)) * scale
        end do
        !$omp end parallel do
    end subroutine legacy_second_derivative

    ! The 5-point Laplacian of the C grid f[rows][cols] = Fortran f(cols, rows), into the C grid
    ! out[rows-2][cols-2] = Fortran out(cols-2, rows-2). Rows and cols >= 3.
    !   out[i-1][j-1] = ((f[i-1][j] + f[i+1][j])*ax + (f[i][j-1] + f[i][j+1])*ay) - f[i][j]*c
    subroutine legacy_laplacian(f, rows, cols, dx, dy, out) bind(C, name="legacy_laplacian")
        integer(c_size_t), value, intent(in) :: rows, cols
        real(c_double), intent(in) :: f(cols, rows)
        real(c_double), value, intent(in) :: dx, dy
        real(c_double), intent(out) :: out(cols - 2, rows - 2)
        real(c_double) :: ax, ay, c
        integer(c_size_t) :: i, j

        ax = 1.0_c_double / (dx * dx)
        ay = 1.0_c_double / (dy * dy)
        c = 2.0_c_double * ax + 2.0_c_double * ay
        ! i runs over C rows (the slow Fortran index), j over C columns (the fast one).
        !$omp parallel do private(j) schedule(static)
        do i = 2, rows - 1
            do j = 2, cols - 1
                out(j - 1, i - 1) = ((f(j, i - 1) + f(j, i + 1)) * ax &
                                     + (f(j - 1, i) + f(j + 1, i)) * ay) - f(j, i) * c
            end do
        end do
        !$omp end parallel do
    end subroutine legacy_laplacian

end module legacy_stencils
