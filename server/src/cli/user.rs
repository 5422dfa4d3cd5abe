//! `fieldform user add`.

use clap::Subcommand;
use serde_json::json;
use validator::Validate;

use crate::accounts;
use crate::http::users::NewUser;
use crate::store::{AuditEntry, Role, User, now_ms};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a generated password unless FIELDFORM_PASSWORD is set.
    Add {
        username: String,
        /// admin, coordinator or enumerator.
        #[arg(long, default_value = "coordinator", value_parser = parse_role)]
        role: Role,
        #[command(flatten)]
        database: super::DatabaseArgs,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text)
        .ok_or_else(|| format!("`{text}` is not a role: admin, coordinator or enumerator"))
}

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            database,
        } => {
            // From the environment rather than a flag, so it is not in `ps`.
            let given = std::env::var("FIELDFORM_PASSWORD").ok();
            let password = given.clone().unwrap_or_else(accounts::random_password);
            let request = NewUser {
                username: username.clone(),
                password: password.clone(),
                role,
            };
            if let Err(errors) = request.validate() {
                anyhow::bail!("invalid account: {errors}");
            }
            let store = database.open().await?;
            let audit = |user: &User| AuditEntry {
                at: now_ms(),
                actor: "cli".into(),
                action: "user.create".into(),
                target: format!("user:{}", user.username),
                details: json!({ "role": role }),
            };
            let user = accounts::create_user_audited(
                store.as_ref(),
                &username,
                role,
                &password,
                Some(&audit),
            )
            .await??;
            match given {
                Some(_) => println!("Created {} `{}`.", role.as_str(), user.username),
                None => println!(
                    "Created {} `{}` with password `{password}`; it is shown only this once.",
                    role.as_str(),
                    user.username
                ),
            }
            Ok(())
        }
    }
}
