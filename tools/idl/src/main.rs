//! # credence-idl
//!
//! Generates the Credence programs' Anchor IDLs natively (no SBF toolchain, no `anchor` CLI) and
//! checks the committed copies under `idl/`.
//!
//! ```sh
//! cargo run -p credence-idl -- write   # regenerate idl/credence_registry.json, idl/credence_consent.json
//! cargo run -p credence-idl -- check   # fail if a committed IDL differs from the programs
//! ```
//!
//! Generation is `anchor-lang-idl`'s [`IdlBuilder`], the code `anchor idl build` runs: in each
//! program's directory it runs `cargo test __anchor_private_print_idl --features idl-build` and
//! assembles the JSON pieces that the `idl-build` test functions print. The settings follow
//! `Anchor.toml`: account resolution on, the `/// CHECK:` lint on, docs kept.
//!
//! The nested build uses its own target directory, `<target dir>/idl-build` (the target dir is
//! `CARGO_TARGET_DIR` or the workspace `target/`). The programs are `cdylib` crates, whose library
//! files carry no hash in their names, so an `idl-build` build sharing the ordinary directory would
//! overwrite the ordinary build's copies and make every later `cargo test` recompile the programs
//! and everything above them. IdlBuilder also builds with `RUSTFLAGS=-A warnings`, so nothing
//! could be shared anyway.

use std::{
    env,
    error::Error,
    fs,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
};

use anchor_lang_idl::{build::IdlBuilder, serde_json};

/// A program whose IDL is committed.
struct Program {
    /// The program's package directory, relative to the workspace root.
    dir: &'static str,
    /// The committed IDL file, relative to the workspace root.
    idl: &'static str,
}

/// The programs, in build order (the consent program depends on the registry).
const PROGRAMS: [Program; 2] = [
    Program {
        dir: "programs/credence-registry",
        idl: "idl/credence_registry.json",
    },
    Program {
        dir: "programs/credence-consent",
        idl: "idl/credence_consent.json",
    },
];

/// The command to run after changing a program.
const REGENERATE: &str = "cargo run -p credence-idl -- write";

/// What to do with the generated IDLs.
#[derive(Clone, Copy)]
enum Mode {
    /// Overwrite the committed files.
    Write,
    /// Compare with the committed files and fail on any difference.
    Check,
}

/// Where the workspace and its build live.
struct Layout {
    /// The workspace root.
    root: PathBuf,
    /// The target directory of the nested IDL builds.
    idl_target_dir: PathBuf,
}

/// Runs `write` or `check`.
fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let mode = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["write"] => Mode::Write,
        ["check"] => Mode::Check,
        _ => {
            eprintln!("usage: credence-idl <write|check>");
            return ExitCode::from(2);
        }
    };

    // `cargo run` (through rustup's proxy) sets RUSTUP_TOOLCHAIN, and anchor-lang-idl 0.1.4 then
    // runs the literal `cargo +{toolchain} test ...` (an unformatted string), which rustup rejects.
    // Without it, the nested cargo picks the toolchain from rust-toolchain.toml, as the outer one
    // did. This runs before any other thread exists.
    env::remove_var("RUSTUP_TOOLCHAIN");

    let layout = match layout() {
        Ok(layout) => layout,
        Err(e) => {
            eprintln!("error: cannot locate the workspace: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut stale = Vec::new();
    for program in &PROGRAMS {
        let json = match generate(&layout, program) {
            Ok(json) => json,
            Err(e) => {
                eprintln!(
                    "error: generating {} from {} failed: {e}\n\
                     (see the cargo output above; ANCHOR_LOG=1 also prints the tests' output)",
                    program.idl, program.dir
                );
                return ExitCode::FAILURE;
            }
        };
        let path = layout.root.join(program.idl);
        let result = match mode {
            Mode::Write => write(&path, &json).map(|()| eprintln!("wrote {}", program.idl)),
            Mode::Check => check(&path, program.idl, &json).map(|same| {
                if same {
                    eprintln!("{} matches the program", program.idl);
                } else {
                    stale.push(program.idl);
                }
            }),
        };
        if let Err(e) = result {
            eprintln!("error: {}: {e}", program.idl);
            return ExitCode::FAILURE;
        }
    }

    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "error: committed IDL differs from the programs: {}\n\
             run `{REGENERATE}` and commit the result",
            stale.join(", ")
        );
        ExitCode::FAILURE
    }
}

/// Asks `cargo metadata` for the workspace root and target directory, from the directory of this
/// package when run by `cargo run` (it sets `CARGO_MANIFEST_DIR`), else from the current one. Found
/// at run time, so a binary built from another checkout that shares the target directory never
/// reads or writes the wrong checkout's files.
fn layout() -> Result<Layout, Box<dyn Error>> {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(["metadata", "--no-deps", "--format-version", "1"]);
    if let Some(dir) = env::var_os("CARGO_MANIFEST_DIR") {
        cmd.current_dir(dir);
    }
    let output = cmd.output()?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let path = |key: &str| -> Result<PathBuf, Box<dyn Error>> {
        metadata[key]
            .as_str()
            .map(PathBuf::from)
            .ok_or_else(|| format!("cargo metadata printed no `{key}`").into())
    };
    Ok(Layout {
        root: path("workspace_root")?,
        idl_target_dir: path("target_directory")?.join("idl-build"),
    })
}

/// Builds one program's IDL and renders it as the committed file's contents: pretty-printed JSON
/// with a trailing newline.
fn generate(layout: &Layout, program: &Program) -> Result<String, Box<dyn Error>> {
    let idl = IdlBuilder::new()
        .program_path(layout.root.join(program.dir))
        .resolution(true)
        .skip_lint(false)
        .no_docs(false)
        .cargo_args(vec![
            // The print functions are unit tests of the library: skip doctests and other targets.
            "--lib".into(),
            "--target-dir".into(),
            layout.idl_target_dir.display().to_string(),
        ])
        .build()?;
    let mut json = serde_json::to_string_pretty(&idl)?;
    json.push('\n');
    Ok(json)
}

/// Writes `json` to `path`, creating `idl/` if needed.
fn write(path: &Path, json: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, json)
}

/// Compares `json` with the committed file at `path` (shown as `name`): `Ok(true)` when they are
/// identical; otherwise reports the first difference and returns `Ok(false)`.
fn check(path: &Path, name: &str, json: &str) -> std::io::Result<bool> {
    let committed = match fs::read_to_string(path) {
        Ok(committed) => committed,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("error: {name} is missing");
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    if committed == json {
        return Ok(true);
    }

    let mut committed_lines = committed.lines();
    let mut generated_lines = json.lines();
    let mut line = 1;
    loop {
        match (committed_lines.next(), generated_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (None, None) => {
                eprintln!(
                    "error: {name} differs from the program in line endings or the final newline"
                );
                return Ok(false);
            }
            (a, b) => {
                eprintln!(
                    "error: {name} differs from the program, first at line {line}:\n  \
                     committed: {}\n  generated: {}",
                    a.unwrap_or("<end of file>"),
                    b.unwrap_or("<end of file>"),
                );
                return Ok(false);
            }
        }
    }
}
