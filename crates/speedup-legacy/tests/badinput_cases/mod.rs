//! The bad-input runner's cases (tests/badinput/cases.txt, resolved by tests/badinput/cases.py
//! into the runner's line format): reading a case's parameters, and the parser.

use super::{Cannot, Case, Param};
use speedup_core::Complex64;
use std::collections::BTreeMap;

impl Case {
    pub(crate) fn get(&self, name: &str) -> Option<&Param> {
        self.p.get(name)
    }
    pub(crate) fn f(&self, name: &str, dflt: f64) -> Result<f64, Cannot> {
        match self.get(name) {
            None => Ok(dflt),
            Some(p) if p.kind == "F" => Ok(f64::from_bits(p.vals[0] as u64)),
            Some(p) if p.kind == "I" => Ok(p.vals[0] as f64),
            Some(p) => Err(Cannot(format!("{name}: not a real scalar ({})", p.kind))),
        }
    }
    pub(crate) fn u(&self, name: &str, dflt: u64) -> Result<u64, Cannot> {
        match self.get(name) {
            None => Ok(dflt),
            Some(p) if p.kind == "U" || (p.kind == "I" && p.vals[0] >= 0) => Ok(p.vals[0] as u64),
            Some(p) => Err(Cannot(format!(
                "{name}: not an unsigned integer ({})",
                p.kind
            ))),
        }
    }
    pub(crate) fn us(&self, name: &str, dflt: usize) -> Result<usize, Cannot> {
        self.u(name, dflt as u64)
            .map(|v| usize::try_from(v).unwrap_or(usize::MAX))
    }
    pub(crate) fn i32(&self, name: &str, dflt: i32) -> Result<i32, Cannot> {
        match self.get(name) {
            None => Ok(dflt),
            Some(p) if p.kind == "I" => {
                i32::try_from(p.vals[0]).map_err(|_| Cannot(format!("{name}: not an i32")))
            }
            Some(p) => Err(Cannot(format!("{name}: not an integer ({})", p.kind))),
        }
    }
    /// A float64 input array as (values, rows, cols); a 1-D array is `n x 1`.
    pub(crate) fn arr(&self, name: &str) -> Result<(Vec<f64>, usize, usize), Cannot> {
        match self.get(name) {
            Some(p) if p.kind == "A" => {
                let v: Vec<f64> = p.vals.iter().map(|&b| f64::from_bits(b as u64)).collect();
                let (r, c) = if p.ndim == 2 { (p.d1, p.d2) } else { (p.d1, 1) };
                Ok((v, r, c))
            }
            Some(p) => Err(Cannot(format!("{name}: not a float64 array ({})", p.kind))),
            None => Err(Cannot(format!("{name}: missing"))),
        }
    }
    pub(crate) fn queries(&self, name: &str) -> Result<Vec<u64>, Cannot> {
        match self.get(name) {
            Some(p) if p.kind == "Q" && p.vals.iter().all(|&v| v >= 0) => {
                Ok(p.vals.iter().map(|&v| v as u64).collect())
            }
            _ => Err(Cannot(format!("{name}: not non-negative integer queries"))),
        }
    }
    pub(crate) fn complex(&self, name: &str) -> Result<Vec<Complex64>, Cannot> {
        match self.get(name) {
            Some(p) if p.kind == "Z" => Ok(p
                .vals
                .chunks_exact(2)
                .map(|w| Complex64::new(f64::from_bits(w[0] as u64), f64::from_bits(w[1] as u64)))
                .collect()),
            _ => Err(Cannot(format!("{name}: not a complex array"))),
        }
    }
    /// The shape of an explicit output, else `natural`.
    pub(crate) fn out_shape(
        &self,
        name: &str,
        natural: (usize, usize),
    ) -> Result<(usize, usize), Cannot> {
        match self.get(name) {
            None => Ok(natural),
            Some(p) if p.kind == "A" || p.kind == "Q" => Ok(if p.ndim == 2 {
                (p.d1, p.d2)
            } else if natural.1 == 1 || natural.0 == 1 {
                if natural.1 == 1 {
                    (p.d1, 1)
                } else {
                    (1, p.d1)
                }
            } else {
                (p.d1, 1)
            }),
            Some(p) => Err(Cannot(format!("{name}: not an output array ({})", p.kind))),
        }
    }
}

pub(crate) fn parse(text: &str) -> (Vec<Case>, Vec<(String, String)>) {
    let mut cases = Vec::new();
    let mut na = Vec::new();
    let mut cur = Case::default();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.first().copied() {
            Some("NA") => na.push((w[1].to_string(), w[2..].join(" "))),
            Some("CASE") => {
                cur = Case {
                    id: w[1].into(),
                    kernel: w[2].into(),
                    twin: w[3] == "1",
                    status: w[4].into(),
                    arg: w[5].replace('~', " "),
                    p: BTreeMap::new(),
                }
            }
            Some("P") => {
                let count: usize = w[6].parse().unwrap();
                let vals = w[7..7 + count.min(w.len() - 7)]
                    .iter()
                    .map(|s| {
                        s.parse::<i64>()
                            .unwrap_or_else(|_| s.parse::<u64>().unwrap() as i64)
                    })
                    .collect();
                cur.p.insert(
                    w[1].into(),
                    Param {
                        kind: w[2].into(),
                        ndim: w[3].parse().unwrap(),
                        d1: w[4].parse().unwrap(),
                        d2: w[5].parse().unwrap(),
                        vals,
                    },
                );
            }
            Some("END") => cases.push(std::mem::take(&mut cur)),
            _ => {}
        }
    }
    (cases, na)
}
