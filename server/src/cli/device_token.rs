//! `fieldform device-token create`.

use clap::Subcommand;
use serde_json::json;
use validator::Validate;

use crate::http::device_tokens::{NewToken, create_token_audited};
use crate::store::{AuditEntry, DeviceToken, now_ms};

#[derive(Debug, Subcommand)]
pub enum DeviceTokenCommand {
    /// Create a device token for an enumerator tablet; prints it once with its provisioning link.
    Create {
        /// Which tablet or enumerator this is.
        #[arg(long)]
        label: String,
        /// A form the device may use (repeat for several).
        #[arg(long = "form", required = true)]
        forms: Vec<String>,
        /// The address devices reach the server at, for the link.
        #[arg(
            long,
            env = "FIELDFORM_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        #[command(flatten)]
        database: super::DatabaseArgs,
    },
}

pub async fn run(command: DeviceTokenCommand) -> anyhow::Result<()> {
    match command {
        DeviceTokenCommand::Create {
            label,
            forms,
            public_url,
            database,
        } => {
            let request = NewToken { label, forms };
            if let Err(errors) = request.validate() {
                anyhow::bail!("invalid device token: {errors}");
            }
            let store = database.open().await?;
            let audit = |device: &DeviceToken| AuditEntry {
                at: now_ms(),
                actor: "cli".into(),
                action: "device_token.create".into(),
                target: format!("device:{}", device.id),
                details: json!({ "label": device.label, "forms": device.forms }),
            };
            let created =
                create_token_audited(store.as_ref(), "cli", &request, &public_url, Some(&audit))
                    .await
                    .map_err(|e| match e {
                        crate::error::ApiError::Validation(fields) => anyhow::anyhow!(
                            "{}",
                            fields
                                .iter()
                                .map(|f| f.message.clone())
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                        other => anyhow::anyhow!("{other}"),
                    })?;
            println!(
                "Device token {} for `{}` (forms: {}); shown only this once:",
                created.device.id,
                created.device.label,
                created.device.forms.join(", ")
            );
            println!("  token: {}", created.token);
            println!("  provisioning link: {}", created.provisioning_url);
            Ok(())
        }
    }
}
