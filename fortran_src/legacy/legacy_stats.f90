! legacy_stats: the lab's plain sum, mean and two-pass standard deviation.
!
! These are plain left-to-right loops (sum), or OpenMP reductions (mean, std) as the lab wrote
! them: NOT speedup's compensated blocked sum, so they agree with speedup within the accuracy
! rule of the contract (docs/contract.md), not bitwise, and the OpenMP reductions may differ in
! the last bits between thread counts (the combine order of an OpenMP reduction is the runtime's
! choice). Callers check n >= 1 and ddof < n first. Build with -O3 -fopenmp -ffp-contract=off.
module legacy_stats
    use, intrinsic :: iso_c_binding, only: c_double, c_size_t
    implicit none
    private
    public :: legacy_sum, legacy_mean, legacy_std

contains

    ! s = x(1) + x(2) + ... + x(n), left to right; 0 when n == 0.
    function legacy_sum(x, n) result(s) bind(C, name="legacy_sum")
        integer(c_size_t), value, intent(in) :: n
        real(c_double), intent(in) :: x(n)
        real(c_double) :: s
        integer(c_size_t) :: i

        s = 0.0_c_double
        do i = 1, n
            s = s + x(i)
        end do
    end function legacy_sum

    ! m = (sum of x) / n, the sum an OpenMP reduction. n >= 1.
    function legacy_mean(x, n) result(m) bind(C, name="legacy_mean")
        integer(c_size_t), value, intent(in) :: n
        real(c_double), intent(in) :: x(n)
        real(c_double) :: m, s
        integer(c_size_t) :: i

        s = 0.0_c_double
        !$omp parallel do reduction(+:s) schedule(static)
        do i = 1, n
            s = s + x(i)
        end do
        !$omp end parallel do
        m = s / real(n, c_double)
    end function legacy_mean

    ! Two passes: m = mean(x); ss = sum of (x(i) - m)*(x(i) - m); sqrt(ss / (n - ddof)).
    ! n >= 1, ddof < n.
    function legacy_std(x, n, ddof) result(sd) bind(C, name="legacy_std")
        integer(c_size_t), value, intent(in) :: n, ddof
        real(c_double), intent(in) :: x(n)
        real(c_double) :: sd, m, ss
        integer(c_size_t) :: i

        m = legacy_mean(x, n)
        ss = 0.0_c_double
        !$omp parallel do reduction(+:ss) schedule(static)
        do i = 1, n
            ss = ss + (x(i) - m) * (x(i) - m)
        end do
        !$omp end parallel do
        sd = sqrt(ss / real(n - ddof, c_double))
    end function legacy_std

end module legacy_stats
