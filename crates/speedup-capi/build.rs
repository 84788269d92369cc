//! Gives the shared library (`libspeedup.so`) its SONAME on ELF platforms: `libspeedup.so.<major>`,
//! the name programs record at link time and the dynamic loader looks for. Installs (CMake)
//! place the file as `libspeedup.so.<version>` with the symlinks `libspeedup.so.<major>` and
//! `libspeedup.so`. Only this crate's cdylib gets the flag (cargo applies
//! `rustc-cdylib-link-arg` to the package's own cdylib, not to its dependents).
//!
//! So that a program linked against cargo's output folder (`-L target/release -lspeedup`, as the
//! repository's tests do) also runs from there, the link `libspeedup.so.<major> ->
//! libspeedup.so` is made beside the library, in the profile folder that holds this build
//! script's `OUT_DIR` (`<target>/<profile>/build/speedup-capi-<hash>/out`); nothing is written
//! when `OUT_DIR` does not have that shape.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    if family != "unix" || matches!(os.as_str(), "macos" | "ios") {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("CARGO_PKG_VERSION_MAJOR");
    let soname = format!("libspeedup.so.{major}");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");

    let out_dir = std::env::var_os("OUT_DIR").expect("OUT_DIR");
    let out_dir = Path::new(&out_dir);
    let profile_dir = out_dir
        .parent()
        .filter(|pkg| {
            pkg.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("speedup-capi-"))
        })
        .and_then(Path::parent)
        .filter(|build| build.file_name().is_some_and(|n| n == "build"))
        .and_then(Path::parent);
    if let Some(dir) = profile_dir {
        let link = dir.join(&soname);
        if std::fs::read_link(&link).is_err() {
            let _ = std::fs::remove_file(&link);
            #[cfg(unix)]
            if let Err(e) = std::os::unix::fs::symlink("libspeedup.so", &link) {
                println!("cargo:warning=could not link {}: {e}", link.display());
            }
        }
    }
}
