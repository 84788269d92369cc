!> The test of speedup's Fortran door (`use speedup`): every kernel through the Fortran
!> procedures, compared with the C door (the raw bind(C) interfaces, called on C-ordered copies
!> of the same logical data) and, where the formula is short, with an independent reference
!> loop written from docs/contract.md. Exact kernels are compared bit for bit. Bad input must give
!> the C door's status in `stat` and a message naming the argument in `errmsg`.
!> The legacy routines (speedup_legacy_*) are compared with the Rust kernels the same way.
!> Prints "N passed, M failed"; error stop when M > 0.
program test_speedup
    use test_support, only: finish
    use test_door_arrays
    use test_door_kernels
    use test_door_reductions
    use test_legacy_door
    implicit none

    call test_library()
    call test_reductions()
    call test_reductions_f32()
    call test_reductions_dim()
    call test_second_derivative()
    call test_laplacian()
    call test_comb()
    call test_monte_carlo_pi()
    call test_markov_chains()
    call test_mandelbrot()
    call test_mandelbrot_f32()
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
end program test_speedup
