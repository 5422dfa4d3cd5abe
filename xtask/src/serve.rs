//! `cargo xtask serve`: everything a newcomer needs to see Fieldform running.

use crate::run::{cmd, status};
use crate::{app, install};

pub fn serve(args: &[String]) -> anyhow::Result<()> {
    let mut addr = "127.0.0.1:8080".to_owned();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--addr" => match rest.next() {
                Some(value) => addr = value.clone(),
                None => anyhow::bail!("--addr needs a value, e.g. --addr 0.0.0.0:8080"),
            },
            other => anyhow::bail!("unknown option `{other}` for serve"),
        }
    }
    let tools = install::build_tools()?;
    app::build(&tools, false)?;
    status(cmd(
        "cargo",
        &["build", "--release", "--package", "fieldform-server"],
    ))?;
    let server = crate::run::target_dir().join("release/fieldform");
    let server = server.to_string_lossy();
    status(cmd(
        &server,
        &[
            "serve",
            "--addr",
            &addr,
            "--data-dir",
            "data",
            "--forms-dir",
            "forms",
            "--app-dir",
            "dist",
        ],
    ))
}
