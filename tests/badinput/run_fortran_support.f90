!> The bad-input runner's table (run_fortran.f90): the parameters of the case being run, read
!> from the resolved table, and the helpers that turn them into Fortran arguments (a missing or
!> unusable one is a gap), and the check of a message's "<kernel>: <argument> <rule>" form.
module badinput_support
    use, intrinsic :: iso_c_binding
    implicit none

    type param
        character(len=32) :: name = '', kind = ''
        integer :: ndim = 0
        integer(c_int64_t) :: d1 = 0, d2 = 0
        integer :: cnt = 0
        integer(c_int64_t), allocatable :: vals(:)
    end type param

    real(c_double), parameter :: SENT = -7777.25_c_double
    integer(c_int64_t), parameter :: SENT_I64 = 3735928559_c_int64_t
    integer(c_int32_t), parameter :: SENT_I32 = -7777_c_int32_t
    integer, parameter :: SENT_INT = -7777

    type(param) :: p(16)
    integer :: np = 0
    !> The kernel (its C name) of the case being run.
    character(len=64) :: kernel = ''
    logical :: cannot = .false.
    character(len=200) :: why = ''

contains

    integer function find(name)
        character(len=*), intent(in) :: name
        integer :: i
        find = 0
        do i = 1, np
            if (trim(p(i)%name) == name) find = i
        end do
    end function find

    subroutine gap(text)
        character(len=*), intent(in) :: text
        if (.not. cannot) why = text
        cannot = .true.
    end subroutine gap

    !> The index of parameter `name` when the case gives it with one of the kinds `kinds`;
    !> 0 otherwise. An absent one is a gap when `needed` (else the caller's default holds), one of
    !> another kind always (`what` says what it must be).
    integer function lookup(name, kinds, what, needed) result(i)
        character(len=*), intent(in) :: name, kinds, what
        logical, intent(in) :: needed
        i = find(name)
        if (i == 0) then
            if (needed) call gap(name//': missing')
        else if (index(kinds, trim(p(i)%kind)) == 0) then
            call gap(name//': not '//what//' ('//trim(p(i)%kind)//')')
            i = 0
        end if
    end function lookup

    real(c_double) function rscalar(name, dflt)
        character(len=*), intent(in) :: name
        real(c_double), intent(in) :: dflt
        integer :: i
        rscalar = dflt
        i = lookup(name, 'FI', 'a real scalar', .false.)
        if (i == 0) return
        if (trim(p(i)%kind) == 'F') then
            rscalar = transfer(p(i)%vals(1), 1.0_c_double)
        else
            rscalar = real(p(i)%vals(1), c_double)
        end if
    end function rscalar

    integer(c_int64_t) function iscalar(name, dflt)
        character(len=*), intent(in) :: name
        integer(c_int64_t), intent(in) :: dflt
        integer :: i
        i = lookup(name, 'I', 'an integer(c_int64_t) scalar', .false.)
        iscalar = dflt
        if (i > 0) iscalar = p(i)%vals(1)
    end function iscalar

    !> A default-integer argument (gap when the value does not fit).
    integer function dscalar(name, dflt)
        character(len=*), intent(in) :: name
        integer, intent(in) :: dflt
        integer(c_int64_t) :: v
        v = iscalar(name, int(dflt, c_int64_t))
        if (v > huge(0) .or. v < -huge(0) - 1) then
            call gap(name//': does not fit a default integer')
            dscalar = dflt
        else
            dscalar = int(v)
        end if
    end function dscalar

    !> A 1-D float64 array (any table rank, flattened in C order).
    subroutine arr1(name, x)
        character(len=*), intent(in) :: name
        real(c_double), allocatable, intent(out) :: x(:)
        integer :: i
        allocate (x(0))
        i = lookup(name, 'A', 'a float64 array', .true.)
        if (i > 0) x = transfer(p(i)%vals, 1.0_c_double, size(p(i)%vals))
    end subroutine arr1

    !> A 2-D float64 array: table shape (m, n) in C order -> Fortran x(m, n).
    subroutine arr2(name, x)
        character(len=*), intent(in) :: name
        real(c_double), allocatable, intent(out) :: x(:, :)
        integer :: i, m, n
        real(c_double), allocatable :: flat(:)
        allocate (x(0, 0))
        i = lookup(name, 'A', 'a 2-D float64 array', .true.)
        if (i == 0) return
        if (p(i)%ndim /= 2) then
            call gap(name//': not a 2-D float64 array')
            return
        end if
        m = int(p(i)%d1)
        n = int(p(i)%d2)
        flat = transfer(p(i)%vals, 1.0_c_double, size(p(i)%vals))
        x = transpose(reshape(flat, [n, m]))
    end subroutine arr2

    subroutine queries(name, q)
        character(len=*), intent(in) :: name
        integer(c_int64_t), allocatable, intent(out) :: q(:)
        integer :: i
        allocate (q(0))
        i = lookup(name, 'Q', 'integer queries', .true.)
        if (i > 0) q = p(i)%vals
    end subroutine queries

    !> The shape of output `name`: the table's when given, else `natural`.
    subroutine out_shape(name, natural, shp)
        character(len=*), intent(in) :: name
        integer, intent(in) :: natural(:)
        integer, allocatable, intent(out) :: shp(:)
        integer :: i
        i = find(name)
        if (i == 0) then
            shp = natural
        else if (trim(p(i)%kind) /= 'A' .and. trim(p(i)%kind) /= 'Q') then
            call gap(name//': not an output array ('//trim(p(i)%kind)//')')
            shp = natural
        else if (p(i)%ndim == 2) then
            shp = [int(p(i)%d1), int(p(i)%d2)]
        else
            shp = [int(p(i)%d1)]
        end if
    end subroutine out_shape

    !> "<kernel>: <arg> <rule>"
    logical function names_arg(msg, arg)
        character(len=*), intent(in) :: msg, arg
        integer :: i, n
        names_arg = .false.
        n = len_trim(msg)
        i = 1
        do while (i <= n)
            if (.not. (msg(i:i) == '_' .or. (msg(i:i) >= 'a' .and. msg(i:i) <= 'z') .or. &
                (msg(i:i) >= '0' .and. msg(i:i) <= '9'))) exit
            i = i + 1
        end do
        if (i == 1 .or. i + 1 > n) return
        if (msg(i:i + 1) /= ': ') return
        i = i + 2
        if (i + len(arg) > n) return
        names_arg = msg(i:i + len(arg) - 1) == arg .and. msg(i + len(arg):i + len(arg)) == ' '
    end function names_arg

    function square(x, ctx) result(y) bind(C)
        real(c_double), value, intent(in) :: x
        type(c_ptr), value, intent(in) :: ctx
        real(c_double) :: y
        if (c_associated(ctx)) y = 0
        y = x * x
    end function square

end module badinput_support
