//! The environment's say over the cut-offs, read once when first needed:
//!
//! | variable | value | effect |
//! |---|---|---|
//! | `SPEEDUP_CUTOFF_<KERNEL>` | `<n>` or `never` | that kernel's cut-off (`<KERNEL>`: the report's name upper-cased, e.g. `SUM`, `STENCILS`) |
//! | `SPEEDUP_PARALLEL_CUTOFF` | `<n>` or `never` | every other kernel's cut-off |
//! | `SPEEDUP_CALIBRATE` | `0` or `1` | `0`: no measurement, the documented defaults |
//!
//! `<n>` is a decimal count of the kernel's work units (`0`: parallel whenever there is more
//! than one thread); `never` keeps the kernel serial. A value that does not parse is ignored
//! with one warning on standard error naming the variable, the value and the rule (the setting
//! falls back to the next in the list above), and so is a `SPEEDUP_CUTOFF_*` variable that names
//! no kernel: a benchmark should not silently run with a typo.

use std::sync::OnceLock;

use super::{Kernel, Source};

/// The global override's name.
pub const GLOBAL_VAR: &str = "SPEEDUP_PARALLEL_CUTOFF";
/// The switch's name.
pub const CALIBRATE_VAR: &str = "SPEEDUP_CALIBRATE";
/// The prefix of the per-kernel overrides.
pub const KERNEL_PREFIX: &str = "SPEEDUP_CUTOFF_";

/// The overrides in force, and the warnings their values earned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overrides {
    /// False when `SPEEDUP_CALIBRATE=0`.
    pub calibrate: bool,
    global: Option<usize>,
    per_kernel: [Option<usize>; Kernel::ALL.len()],
    /// One line per ignored variable.
    pub warnings: Vec<String>,
}

impl Overrides {
    /// The overridden cut-off of `kernel` and the variable that set it, if any.
    pub fn cutoff(&self, kernel: Kernel) -> Option<(usize, Source)> {
        match (self.per_kernel[kernel.index()], self.global) {
            (Some(n), _) => Some((n, Source::Env(kernel.env_var()))),
            (None, Some(n)) => Some((n, Source::Env(GLOBAL_VAR))),
            (None, None) => None,
        }
    }
}

/// A cut-off value: a decimal count, or `never` (`usize::MAX`); surrounding blanks are
/// ignored. The error says what the value must be.
pub fn parse_cutoff(value: &str) -> Result<usize, String> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("never") {
        return Ok(usize::MAX);
    }
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "must be a non-negative integer (work units) or \"never\", got {value:?}"
        ));
    }
    // All digits: the only failure left is a count above usize::MAX, which means "never".
    Ok(v.parse::<usize>().unwrap_or(usize::MAX))
}

/// The switch: `0` (no measurement) or `1`.
pub fn parse_calibrate(value: &str) -> Result<bool, String> {
    match value.trim() {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(format!("must be 0 or 1, got {value:?}")),
    }
}

/// The overrides of the variables `vars` (`(name, value)`, any others among them ignored).
pub fn from_vars<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Overrides {
    let mut out = Overrides {
        calibrate: true,
        global: None,
        per_kernel: [None; Kernel::ALL.len()],
        warnings: Vec::new(),
    };
    for (name, value) in vars {
        let refused = if name == CALIBRATE_VAR {
            parse_calibrate(value).map(|on| out.calibrate = on).err()
        } else if name == GLOBAL_VAR {
            parse_cutoff(value).map(|n| out.global = Some(n)).err()
        } else if name.starts_with(KERNEL_PREFIX) {
            match Kernel::ALL.iter().find(|k| k.env_var() == name) {
                Some(k) => parse_cutoff(value)
                    .map(|n| out.per_kernel[k.index()] = Some(n))
                    .err(),
                None => Some(format!(
                    "names no kernel (known: {})",
                    Kernel::ALL.map(Kernel::env_var).join(", ")
                )),
            }
        } else {
            None
        };
        if let Some(rule) = refused {
            out.warnings
                .push(format!("speedup: ignoring {name}: {rule}"));
        }
    }
    out
}

/// The overrides of this process's environment, read and warned about once.
pub fn overrides() -> &'static Overrides {
    static OVERRIDES: OnceLock<Overrides> = OnceLock::new();
    OVERRIDES.get_or_init(|| {
        let vars: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| {
                let k = k.into_string().ok()?;
                let speedup = k == CALIBRATE_VAR || k == GLOBAL_VAR || k.starts_with(KERNEL_PREFIX);
                // A value that is not UTF-8 reaches the parser as text it refuses.
                speedup.then(|| (k, v.to_string_lossy().into_owned()))
            })
            .collect();
        let out = from_vars(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for w in &out.warnings {
            eprintln!("{w}");
        }
        out
    })
}
