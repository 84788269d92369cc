//! One test of this test binary run again in a child process, for what a process reads once
//! (the cut-offs, the default thread count): the child gets its own environment.

use std::process::Command;

/// The command that runs `test` of this binary alone, with its output shown and `flag=1` in its
/// environment (the test does its work only where `flag` is set, so the parent's run of it does
/// nothing). The caller adds the environment under test.
pub fn this_test_in_child(test: &str, flag: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(flag, "1");
    cmd
}
