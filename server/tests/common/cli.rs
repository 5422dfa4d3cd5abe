//! Running the `fieldform` binary, for the command-line tests.

use std::path::PathBuf;
use std::process::Command;

/// What a run printed: (succeeded, stdout, stderr).
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `fieldform ARGS...`, with no database URL or password leaking in
/// from the environment.
pub fn fieldform<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_fieldform"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("FIELDFORM_PASSWORD")
        .output()
        .expect("run fieldform");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The repository's `forms/` directory, or a file in it.
pub fn forms(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../forms")
        .join(name)
}
