//! Passes three facts of this build to `speedup_core::config`, which only a build script can
//! see: the target triple, the cargo profile and the optimisation level.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for (var, name) in [
        ("TARGET", "SPEEDUP_BUILD_TARGET"),
        ("PROFILE", "SPEEDUP_BUILD_PROFILE"),
        ("OPT_LEVEL", "SPEEDUP_BUILD_OPT_LEVEL"),
    ] {
        let value = std::env::var(var).unwrap_or_else(|_| "unknown".to_owned());
        println!("cargo:rustc-env={name}={value}");
    }
}
