//! A throwaway PostgreSQL cluster for the test run, so that the server's
//! PostgreSQL backend is tested for real and not skipped.
//!
//! Installs Debian's `postgresql` when it is missing and we are root;
//! `initdb`s a fresh cluster under `target/`, with trust authentication,
//! listening only on 127.0.0.1 on a free port; hands out its URL; and stops
//! and deletes it when dropped. PostgreSQL refuses to run as root, so as
//! root it runs as the `postgres` OS user (`runuser -u postgres --`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

use crate::run::{cmd, is_root, status, target_dir};

pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub url: String,
}

/// Where `initdb` and `pg_ctl` are: Debian keeps them out of PATH.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    // Elsewhere (e.g. Homebrew): on PATH.
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn install() -> anyhow::Result<PathBuf> {
    if let Some(bin) = find_bin() {
        return Ok(bin);
    }
    if !is_root() {
        bail!(
            "PostgreSQL is not installed (needed by the server's PostgreSQL tests); install it \
             with: sudo apt-get install -y postgresql"
        );
    }
    eprintln!("xtask: installing PostgreSQL (Debian package `postgresql`)");
    let mut update = cmd("apt-get", &["update"]);
    update.env("DEBIAN_FRONTEND", "noninteractive");
    status(update)?;
    let mut apt = cmd(
        "apt-get",
        &["install", "-y", "--no-install-recommends", "postgresql"],
    );
    apt.env("DEBIAN_FRONTEND", "noninteractive");
    status(apt)?;
    find_bin().context("`apt-get install postgresql` ran but no initdb was found")
}

fn free_port() -> anyhow::Result<u16> {
    // The port is free now; the tiny window before PostgreSQL binds it is
    // acceptable for a test run.
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Cluster {
    /// A cluster for tests: `fsync` off, since its data is thrown away.
    pub fn start() -> anyhow::Result<Cluster> {
        Cluster::start_with(false)
    }

    /// `fsync`: on for benchmarks, so PostgreSQL commits cost what they cost.
    pub fn start_with(fsync: bool) -> anyhow::Result<Cluster> {
        let bin = install()?;
        let as_postgres = is_root();
        let dir = target_dir().join("postgres-test");
        if dir.exists() {
            // A previous run that was killed: stop its server if it still runs.
            let _ = Command::new(bin.join("pg_ctl"))
                .args(["-D", &dir.display().to_string(), "-m", "immediate", "stop"])
                .output();
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        if as_postgres {
            status(cmd(
                "chown",
                &["postgres:postgres", &dir.display().to_string()],
            ))?;
        }
        let port = free_port()?;
        let cluster = Cluster {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            bin,
            dir,
            as_postgres,
        };
        let data = cluster.dir.join("data");
        let data = data.display().to_string();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync={}",
            cluster.dir.display(),
            if fsync { "on" } else { "off" }
        );
        let log = cluster.dir.join("server.log").display().to_string();
        cluster
            .run(
                "pg_ctl",
                &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
            )
            .with_context(|| format!("PostgreSQL did not start; see {log}"))?;
        eprintln!("xtask: PostgreSQL test cluster on {}", cluster.url);
        Ok(cluster)
    }

    fn run(&self, tool: &str, args: &[&str]) -> anyhow::Result<()> {
        let program = self.bin.join(tool).display().to_string();
        let mut command = if self.as_postgres {
            let mut all = vec!["-u", "postgres", "--", program.as_str()];
            all.extend_from_slice(args);
            cmd("runuser", &all)
        } else {
            cmd(&program, args)
        };
        // The cluster's files must not depend on where xtask runs from.
        command.current_dir(&self.dir).env("LC_ALL", "C");
        status(command)
    }

    fn stop(&self) {
        let data = self.dir.join("data").display().to_string();
        if let Err(error) = self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]) {
            eprintln!("xtask: stopping the PostgreSQL test cluster: {error:#}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `cargo xtask test-server [ARGS]`: the server's tests only, on SQLite and
/// on a throwaway PostgreSQL (ARGS go to `cargo test`, e.g. a test name).
pub fn test_server(args: &[String]) -> anyhow::Result<()> {
    let cluster = Cluster::start()?;
    let mut all = vec!["test", "-p", "fieldform-server"];
    all.extend(args.iter().map(String::as_str));
    let mut command = cmd("cargo", &all);
    command.env("FIELDFORM_TEST_DATABASE_URL", &cluster.url);
    status(command)
}
