//! The machine the benchmark runs on, peak memory, and the process's stdout.

use std::{
    fs::File,
    io::Write,
    os::fd::FromRawFd,
    sync::{Mutex, OnceLock},
};

use serde_json::{json, Value};

/// The machine: core count, CPU model, kernel, build profile.
pub fn describe() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| field_kib(&text, "MemTotal"));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    json!({
        "load_average_at_start": load_average(),
        "nproc": nproc,
        "cpu_model": model,
        "memory_total_kib": memory_kib,
        "kernel": kernel,
        "arch": std::env::consts::ARCH,
        "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
    })
}

/// The 1, 5 and 15-minute load averages (`/proc/loadavg`): other work on the machine shows here.
pub fn load_average() -> Vec<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .filter_map(|x| x.parse().ok())
        .collect()
}

fn field_kib(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// Peak resident memory of the process so far (`VmHWM`, KiB).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| field_kib(&text, "VmHWM"))
        .unwrap_or(0)
}

/// Current resident memory of the process (`VmRSS`, KiB).
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| field_kib(&text, "VmRSS"))
        .unwrap_or(0)
}

static OUT: OnceLock<Mutex<File>> = OnceLock::new();

/// Keeps stdout for the benchmark's own lines and JSON. The programs run natively, and their
/// `msg!` lines are `println!`s (one per instruction, tens of thousands in a run): from here on
/// fd 1 goes to `/dev/null` (or to stderr when `program_logs` is set) and [`out`] writes to the
/// saved stdout.
pub fn reserve_stdout(program_logs: bool) {
    // SAFETY: plain descriptor calls at start-up, before the runtime starts any thread; on
    // failure the ordinary stdout stays in place.
    unsafe {
        let saved = libc::dup(1);
        if saved < 0 {
            return;
        }
        let target = if program_logs {
            2
        } else {
            libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY)
        };
        if target >= 0 && libc::dup2(target, 1) >= 0 {
            let _ = OUT.set(Mutex::new(File::from_raw_fd(saved)));
        } else {
            libc::close(saved);
        }
        if target > 2 {
            libc::close(target);
        }
    }
}

/// Writes one line to the benchmark's stdout.
pub fn out(text: &str) {
    match OUT.get() {
        Some(file) => {
            let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(file, "{text}");
            let _ = file.flush();
        }
        None => println!("{text}"),
    }
}

/// Prints a formatted line to the benchmark's stdout.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::machine::out(&format!($($arg)*)) };
}
