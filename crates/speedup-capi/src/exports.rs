//! `exports!`: C exports that share one signature and one body, written once. They differ only
//! in their types (the `double` / `float` twins), in the kernel they call (a Rust kernel and its
//! legacy routine) or in a value (`sum` / `mean`):
//!
//! ```text
//! exports! {
//!     fn(x: *const T, n: usize, out: *mut T) {
//!         unsafe { door(name, run, x, n, out) }
//!     }
//!     /// The first export's doc comment (the header's).
//!     speedup_a<T = f64>(name = "a", run = speedup_core::a);
//!     /// The second export's.
//!     #[cfg(feature = "legacy")]
//!     speedup_legacy_a<T = f64>(name = "a", run = speedup_legacy::a);
//!
//!     fn(...) { ... }  // the next family
//!     ...
//! }
//! ```
//!
//! A family is a parameter list and a body, then its exports. Each export
//! `NAME<ALIAS = TYPE, ...>(BINDING = VALUE, ...);` (either list may be left out) becomes
//! `#[no_mangle] pub unsafe extern "C" fn NAME(parameters) -> speedup_status` with that body, in
//! a private module of its own name that declares `type ALIAS = TYPE;` (so that `T` in the
//! parameters is that type) and sees everything of the module around it; the body first binds
//! `let BINDING = VALUE;`. The function is re-exported where the macro is called, so it keeps its
//! path. Every export returns a `speedup_status`.
//!
//! cbindgen reads only functions written out in full (it expands macros only on nightly Rust).
//! The header test (`tests/header.rs`) therefore writes every call out before cbindgen reads the
//! sources: each export with its doc comment, its `cfg` and the parameters with each alias
//! replaced by its type, in the order of the call.

macro_rules! exports {
    // A family: its parameters and body, then its exports.
    (fn $params:tt $body:block $($rest:tt)*) => {
        exports!(@each $params $body; $($rest)*);
    };
    // The next family.
    (@each $params:tt $body:block; fn $($rest:tt)*) => {
        exports!(fn $($rest)*);
    };
    (@each $params:tt $body:block;) => {};
    // One export of the family, then the rest.
    (
        @each $params:tt $body:block;
        $(#[doc = $doc:literal])*
        $(#[cfg($cfg:meta)])?
        $name:ident $(<$($alias:ident = $ty:ty),+>)? $(($($bind:ident = $value:expr),+ $(,)?))?;
        $($rest:tt)*
    ) => {
        $(#[cfg($cfg)])?
        mod $name {
            use super::*;
            $($(type $alias = $ty;)+)?
            $(#[doc = $doc])*
            #[no_mangle]
            pub unsafe extern "C" fn $name $params -> $crate::status::speedup_status {
                $($(let $bind = $value;)+)?
                $body
            }
        }
        $(#[cfg($cfg)])?
        pub use $name::$name;
        exports!(@each $params $body; $($rest)*);
    };
}
