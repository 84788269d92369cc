//! Compiles the legacy routines into two static archives and links their runtimes.
//!
//! - C (`c_src/*.c`) with the C compiler cc-rs picks (`CC`), `-O3 -fopenmp -ffp-contract=off`;
//! - Fortran (`fortran_src/legacy/*.f90`) with gfortran (`FC` overrides), same flags, module
//!   files kept in `OUT_DIR` (`-J`), then libgfortran is linked;
//! - the OpenMP runtime (libgomp) comes from the `openmp-sys` crate, which finds it next to the
//!   C compiler and tells us its flag through `DEP_OPENMP_FLAG`.
//!
//! Every source and header is listed here by name (no globbing) and every one is a
//! `rerun-if-changed`: adding a routine means adding it below.
//! Optimisation is fixed at -O3 whatever the cargo profile: these are reference routines whose
//! bits and timings must not depend on `cargo test` vs `cargo build --release`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const C_SOURCES: &[&str] = &[
    "c_src/comb.c",
    "c_src/primes.c",
    "c_src/mandelbrot.c",
    "c_src/closest.c",
    "c_src/omp_probe.c",
];
const FORTRAN_SOURCES: &[&str] = &[
    "fortran_src/legacy/legacy_stencils.f90",
    "fortran_src/legacy/legacy_stats.f90",
];
const HEADERS: &[&str] = &["c_src/legacy.h", "c_src/legacy_fortran.h"];

/// Flags that make the exact kernels agree bitwise with speedup-core: no FMA contraction; the
/// Fortran side must also keep its parentheses (never -fno-protect-parens / -ffast-math).
const FP_FLAGS: &[&str] = &["-ffp-contract=off"];

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    // c_src/ and fortran_src/legacy/ inside the crate are symlinks to the repository's
    // directories of the same names, so that the packaged crate (and the Python sdist) carries
    // the sources, at the same paths as in the repository.
    let root = manifest;
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let path = |rel: &str| -> PathBuf {
        let p = root.join(rel);
        println!("cargo:rerun-if-changed={}", p.display());
        p
    };
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FC");
    for h in HEADERS {
        path(h);
    }

    // openmp-sys (links = "openmp") exports the flag its compiler needs: -fopenmp for gcc.
    let omp_flag = env::var("DEP_OPENMP_FLAG").unwrap_or_else(|_| "-fopenmp".to_owned());

    let mut c = cc::Build::new();
    c.opt_level(3)
        .include(root.join("c_src"))
        .warnings(true)
        .extra_warnings(true);
    for flag in omp_flag.split_whitespace().chain(FP_FLAGS.iter().copied()) {
        c.flag(flag);
    }
    for src in C_SOURCES {
        c.file(path(src));
    }
    c.compile("speedup_legacy_c");

    let fc = env::var("FC").unwrap_or_else(|_| "gfortran".to_owned());
    let mut f = cc::Build::new();
    f.compiler(&fc).opt_level(3).warnings(false);
    for flag in ["-fopenmp", "-std=f2018"]
        .into_iter()
        .chain(FP_FLAGS.iter().copied())
    {
        f.flag(flag);
    }
    f.flag(format!("-J{}", out_dir.display()));
    for src in FORTRAN_SOURCES {
        f.file(path(src));
    }
    f.compile("speedup_legacy_fortran");

    // libgfortran: ask the Fortran compiler where its runtime lives.
    if let Some(dir) = fortran_runtime_dir(&fc) {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
    println!("cargo:rustc-link-lib=dylib=gfortran");
}

/// The directory of `libgfortran.so` as `gfortran -print-file-name` reports it.
fn fortran_runtime_dir(fc: &str) -> Option<PathBuf> {
    let out = Command::new(fc)
        .arg("-print-file-name=libgfortran.so")
        .output()
        .ok()?;
    let file = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // A bare name back means "not found in the compiler's own directories": use the defaults.
    if file.is_absolute() {
        file.parent().map(Path::to_path_buf)
    } else {
        None
    }
}
