//! The load-time default: SPEEDUP_NUM_THREADS, else OMP_NUM_THREADS's first value, else the
//! CPUs this process may use. Each case runs this test binary again in a child process with the
//! environment under test, because the default is read once per process.

mod rerun;

const CHILD: &str = "SPEEDUP_TEST_REPORT_DEFAULT";

#[test]
fn report_default_in_child() {
    if std::env::var_os(CHILD).is_some() {
        println!("DEFAULT={}", speedup_core::threads::get_num_threads());
    }
}

fn default_with(env: &[(&str, &str)]) -> usize {
    let mut cmd = rerun::this_test_in_child("report_default_in_child", CHILD);
    cmd.env_remove("SPEEDUP_NUM_THREADS")
        .env_remove("OMP_NUM_THREADS")
        .envs(env.iter().copied());
    let out = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    out.lines()
        .find_map(|l| {
            l.split_once("DEFAULT=")
                .map(|(_, v)| v.split_whitespace().next().unwrap_or(""))
        })
        .unwrap_or_else(|| panic!("child printed no default: {out}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn environment_sets_the_default() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(default_with(&[]), cpus);
    assert_eq!(default_with(&[("OMP_NUM_THREADS", "3,2")]), 3);
    assert_eq!(
        default_with(&[("SPEEDUP_NUM_THREADS", "5"), ("OMP_NUM_THREADS", "3")]),
        5
    );
    assert_eq!(
        default_with(&[("SPEEDUP_NUM_THREADS", "junk"), ("OMP_NUM_THREADS", "3")]),
        3
    );
    assert_eq!(default_with(&[("OMP_NUM_THREADS", "0")]), cpus);
}
