//! The device's credential: a device token from a coordinator's
//! provisioning link, or an enumerator's sign-in. Kept in IndexedDB (it
//! must outlive reloads and restarts) and in memory for every request.
//! A credential the server refuses is kept, marked refused, so the device
//! can say why sync stopped; enrolling again replaces it.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{RawReply, exchange};
use crate::store;

const KEY: &str = "credential";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A coordinator's device token, scoped to some forms.
    Device,
    /// An enumerator's own account (a sign-in session).
    Person,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credential {
    /// Sent as `Authorization: Bearer`.
    pub token: String,
    pub kind: Kind,
    /// The device's label, or the person's user name.
    pub name: String,
    /// The forms a device token allows (empty for a person: every open form).
    #[serde(default)]
    pub forms: Vec<String>,
    /// Unix milliseconds.
    pub enrolled: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<f64>,
    /// The server refused it (revoked, expired): the server's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

thread_local! {
    static CURRENT: RefCell<Option<Credential>> = const { RefCell::new(None) };
}

/// The credential in memory (after [`load`]).
pub fn current() -> Option<Credential> {
    CURRENT.with(|c| c.borrow().clone())
}

/// The token to send, unless the server refused it.
pub fn token() -> Option<String> {
    current().filter(|c| c.refused.is_none()).map(|c| c.token)
}

/// Reads the stored credential into memory.
pub async fn load() -> Option<Credential> {
    let db = store::db().await.ok()?;
    let stored: Option<Credential> = db.setting(KEY).await.ok().flatten();
    CURRENT.with(|c| *c.borrow_mut() = stored.clone());
    stored
}

async fn keep(credential: Option<Credential>) -> Result<(), String> {
    let db = store::db().await.map_err(|e| e.to_string())?;
    match &credential {
        Some(c) => db.put_setting(KEY, c).await,
        None => db.delete_setting(KEY).await,
    }
    .map_err(|e| e.to_string())?;
    CURRENT.with(|c| *c.borrow_mut() = credential);
    Ok(())
}

/// Why enrolling did not work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolError {
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// The server said no (unknown, revoked or expired token; wrong
    /// password): its words.
    #[error("{0}")]
    Refused(String),
    #[error("too many attempts; wait a minute and try again")]
    Busy,
    #[error("unexpected answer from the server: {0}")]
    Unexpected(String),
    #[error("cannot keep the credential on this device: {0}")]
    Storage(String),
}

/// Enrols the device with a token from a provisioning link: checked with
/// the server, then kept.
pub async fn enrol_device(token: &str) -> Result<Credential, EnrolError> {
    let reply = exchange("GET", "/api/me", Some(token), None)
        .await
        .map_err(EnrolError::Network)?;
    let me = read_json(&reply)?;
    let device = &me["device"];
    let (Some(label), Some(forms)) = (device["label"].as_str(), device["forms"].as_array()) else {
        return Err(EnrolError::Unexpected(
            "this link is not a device enrolment link".to_owned(),
        ));
    };
    let credential = Credential {
        token: token.to_owned(),
        kind: Kind::Device,
        name: label.to_owned(),
        forms: forms
            .iter()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect(),
        enrolled: js_sys::Date::now(),
        expires: None,
        refused: None,
    };
    keep(Some(credential.clone()))
        .await
        .map_err(EnrolError::Storage)?;
    Ok(credential)
}

/// Signs an enumerator in with an account; the session is kept.
pub async fn sign_in(username: &str, password: &str) -> Result<Credential, EnrolError> {
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    let reply = exchange("POST", "/api/sessions", None, Some(body))
        .await
        .map_err(EnrolError::Network)?;
    let session = read_json(&reply)?;
    let (Some(token), Some(name)) = (
        session["token"].as_str(),
        session["user"]["username"].as_str(),
    ) else {
        return Err(EnrolError::Unexpected(
            "no session in the answer".to_owned(),
        ));
    };
    let credential = Credential {
        token: token.to_owned(),
        kind: Kind::Person,
        name: name.to_owned(),
        forms: Vec::new(),
        enrolled: js_sys::Date::now(),
        expires: session["expires_at"].as_f64(),
        refused: None,
    };
    keep(Some(credential.clone()))
        .await
        .map_err(EnrolError::Storage)?;
    Ok(credential)
}

fn read_json(reply: &RawReply) -> Result<Value, EnrolError> {
    let json = reply.is_json();
    match reply.status {
        200 | 201 if json => {
            serde_json::from_str(&reply.body).map_err(|e| EnrolError::Unexpected(e.to_string()))
        }
        401 | 403 | 404 if json => Err(EnrolError::Refused(reply.error_message())),
        429 => Err(EnrolError::Busy),
        _ if !json => Err(EnrolError::Network(
            "the network answered, not the Fieldform server".to_owned(),
        )),
        _ => Err(EnrolError::Unexpected(reply.error_message())),
    }
}

/// The server refused the credential: kept, marked, sync stops.
pub async fn mark_refused(message: &str) {
    if let Some(mut credential) = current() {
        credential.refused = Some(message.to_owned());
        let _not_kept = keep(Some(credential)).await;
    }
}

/// Forgets the credential (signing out); responses stay on the device.
pub async fn forget() -> Result<(), String> {
    if let Some(c) = current()
        && c.kind == Kind::Person
        && c.refused.is_none()
    {
        // Ends the session on the server too, when it can be reached.
        let _offline = exchange("DELETE", "/api/sessions/current", Some(&c.token), None).await;
    }
    keep(None).await
}
