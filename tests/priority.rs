//! Bulk work yields the processor: `lode::priority::background`.

/// The calling thread's `nice` value, from /proc (field 19 of its stat line).
#[cfg(target_os = "linux")]
fn nice() -> i32 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 1..];
    after_name
        .split_whitespace()
        .nth(16)
        .unwrap()
        .parse()
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn background_lowers_the_calling_thread_and_the_threads_it_starts_not_the_others() {
    let before = nice();
    let (own, started) = std::thread::spawn(|| {
        lode::priority::background();
        let own = nice();
        (own, std::thread::spawn(nice).join().unwrap())
    })
    .join()
    .unwrap();
    assert_eq!(own, before.max(10));
    assert_eq!(started, before.max(10), "a thread it starts inherits it");
    assert_eq!(nice(), before, "the other threads keep theirs");
    // Never raised: a thread already lower stays where it is.
    let lower = std::thread::spawn(|| {
        renice_this_thread(15);
        lode::priority::background();
        nice()
    })
    .join()
    .unwrap();
    assert_eq!(lower, 15);
}

/// Sets the calling thread's nice value with `renice` (util-linux) on its thread id.
#[cfg(target_os = "linux")]
fn renice_this_thread(value: i32) {
    let tid = std::fs::read_link("/proc/thread-self")
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let status = std::process::Command::new("renice")
        .args(["-n", &value.to_string(), "-p", &tid])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}
