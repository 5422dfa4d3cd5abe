//! The administration subcommands against a fresh SQLite data directory:
//! `fieldform user add`, `form publish`, `device-token create`.

#![allow(clippy::unwrap_used)]

use std::path::Path;

mod common;

fn fieldform(data: &Path, args: &[&str]) -> (bool, String, String) {
    let mut all: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    all.extend([std::ffi::OsStr::new("--data-dir"), data.as_os_str()]);
    let run = common::fieldform(all);
    (run.ok, run.stdout, run.stderr)
}

fn shipped(name: &str) -> String {
    common::forms(name).display().to_string()
}

#[test]
fn administers_accounts_forms_and_devices() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    let (ok, out, err) = fieldform(data, &["user", "add", "ana", "--role", "coordinator"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("Created coordinator `ana` with password `"),
        "{out}"
    );
    let (ok, _, err) = fieldform(data, &["user", "add", "ana"]);
    assert!(
        !ok && err.contains("username `ana` is already taken"),
        "{err}"
    );
    let (ok, _, err) = fieldform(data, &["user", "add", "a b"]);
    assert!(!ok && err.contains("username"), "{err}");

    let form = shipped("ggs_household.form.json");
    let (ok, out, err) = fieldform(data, &["form", "publish", &form]);
    assert!(
        ok && out.starts_with("Published form `ggs_household`"),
        "{out}{err}"
    );
    let (ok, out, _) = fieldform(data, &["form", "publish", &form]);
    assert!(ok && out.contains("already published"), "{out}");
    let (ok, _, err) = fieldform(data, &["form", "publish", "no-such-file.json"]);
    assert!(!ok && err.contains("no-such-file.json"), "{err}");

    let (ok, out, err) = fieldform(
        data,
        &[
            "device-token",
            "create",
            "--label",
            "tablet 12",
            "--form",
            "ggs_household",
            "--public-url",
            "https://survey.example.org/",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("token: ffd_"), "{out}");
    assert!(
        out.contains("provisioning link: https://survey.example.org/#/provision?token=ffd_"),
        "{out}"
    );
    let (ok, _, err) = fieldform(
        data,
        &["device-token", "create", "--label", "t", "--form", "nope"],
    );
    assert!(!ok && err.contains("form `nope` is not published"), "{err}");
}
