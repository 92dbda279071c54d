//! Output: human text by default, one JSON document with `--output json`.

use std::{
    fs::File,
    io::Write,
    os::fd::FromRawFd,
    sync::{Mutex, OnceLock},
};

use clap::ValueEnum;
use serde_json::{json, Value};

static OUT: OnceLock<Mutex<File>> = OnceLock::new();

/// Keeps stdout for the command's result alone. Programs compiled natively print their `msg!`
/// lines with `println!`, and the runtime logs too; from here on, anything else printed to
/// stdout goes to stderr, and [`Output::print`] writes to the saved stdout.
pub fn reserve_stdout() {
    // SAFETY: plain descriptor calls at start-up, before any other thread exists; on failure we
    // keep the ordinary stdout.
    unsafe {
        let saved = libc::dup(1);
        if saved >= 0 && libc::dup2(2, 1) >= 0 {
            let _ = OUT.set(Mutex::new(File::from_raw_fd(saved)));
        }
    }
}

/// Writes one line to the reserved stdout (streaming commands such as `watch`).
pub fn emit(text: &str) {
    match OUT.get() {
        Some(out) => {
            let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
        None => println!("{text}"),
    }
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    Display,
    /// One JSON document on stdout.
    Json,
}

/// A command's result: the JSON document and its human rendering.
pub struct Output {
    /// The machine-readable result.
    pub json: Value,
    /// The human-readable result.
    pub text: String,
    /// The process exit code (0 unless the command ran but its subject failed, such as a
    /// verification whose checks failed: 3).
    pub code: u8,
}

impl Output {
    /// A result with both forms.
    pub fn new(json: Value, text: impl Into<String>) -> Self {
        Self {
            json,
            text: text.into(),
            code: 0,
        }
    }

    /// The same result with exit code `code`.
    pub fn with_code(mut self, code: u8) -> Self {
        self.code = code;
        self
    }

    /// Prints the result in `format`.
    pub fn print(&self, format: OutputFormat) {
        match format {
            OutputFormat::Display => emit(self.text.trim_end()),
            OutputFormat::Json => {
                emit(&serde_json::to_string_pretty(&self.json).expect("JSON values serialize"))
            }
        }
    }
}

/// Prints an error: `error: ...` on stderr, or `{"error": ...}` on stdout with `--output json`.
pub fn print_error(err: &anyhow::Error, format: OutputFormat) {
    let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
    match format {
        OutputFormat::Display => eprintln!("error: {}", chain.join(": ")),
        OutputFormat::Json => emit(
            &serde_json::to_string_pretty(&json!({ "error": chain.join(": ") }))
                .expect("JSON values serialize"),
        ),
    }
}
