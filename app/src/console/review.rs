//! Reviewing a submission's current revision: a status (approved, has
//! issues, rejected, or back to received) with a comment
//! (`POST /api/submissions/{id}/reviews`), and every review so far with
//! its author and time. "Has issues" sends the submission back to the
//! tablet that sent it, with the comment, at its next sync.

use gloo_net::http::Method;
use leptos::prelude::*;
use serde_json::{Value, json};

use super::Ctx;
use super::client::{Body, call, encode};
use super::date_time;
use super::sub_words::{S, s, status_word};
use super::submissions::refusal;

/// The statuses a coordinator can give, with their button's word.
const ACTIONS: [(&str, S); 4] = [
    ("approved", S::Approve),
    ("has_issues", S::HasIssues),
    ("rejected", S::Reject),
    ("received", S::MarkReceived),
];

/// Whether the status needs a comment (the server refuses it without one).
fn needs_comment(status: &str) -> bool {
    matches!(status, "has_issues" | "rejected")
}

#[component]
pub(super) fn ReviewPanel(
    ctx: Ctx,
    instance_id: String,
    reviews: Vec<Value>,
    current_revision: i64,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let lang = ctx.lang.clone();
    let comment = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let buttons = ACTIONS
        .iter()
        .map(|&(status, word)| {
            let ctx = ctx.clone();
            let path = format!("/api/submissions/{}/reviews", encode(&instance_id));
            let word = s(word, &lang);
            let lang = lang.clone();
            let click = move |_| {
                let text = comment.get_untracked();
                if needs_comment(status) && text.trim().is_empty() {
                    notice.set(Some(Err(s(S::CommentNeeded, &lang).to_owned())));
                    return;
                }
                busy.set(true);
                let (ctx, path) = (ctx.clone(), path.clone());
                leptos::task::spawn_local(async move {
                    let body = json!({ "status": status, "comment": text.trim() });
                    let shown = match call(Method::POST, &path, Body::Json(body)).await {
                        Ok(_) => {
                            comment.try_set(String::new());
                            reload.try_update(|n| *n += 1);
                            Ok(s(S::ReviewSaved, &ctx.lang).to_owned())
                        }
                        Err(failure) => Err(refusal(&ctx, &failure)),
                    };
                    notice.try_set(Some(shown));
                    busy.try_set(false);
                });
            };
            view! {
                <button type="button" class=format!("review-action {status}") data-status=status
                    disabled=move || busy.get() on:click=click>{word}</button>
            }
        })
        .collect_view();
    let history = if reviews.is_empty() {
        view! { <p class="status no-reviews">{s(S::NoReviews, &lang)}</p> }.into_any()
    } else {
        let items = reviews
            .iter()
            .rev()
            .map(|r| {
                let status = r["status"].as_str().unwrap_or("received").to_owned();
                let revision = r["revision"].as_i64().unwrap_or(1);
                view! {
                    <li class="review-entry" data-status=status.clone()>
                        <span class=format!("review-status {status}")>{status_word(&status, &lang)}</span>
                        " · " {s(S::Revision, &lang)} " " {revision}
                        " · " {r["author"].as_str().unwrap_or_default().trim_start_matches("user:").to_owned()}
                        " · " {date_time(r["created_at"].as_f64().unwrap_or(0.0))}
                        <p class="review-comment">{r["comment"].as_str().unwrap_or_default().to_owned()}</p>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="review-history">{items}</ol> }.into_any()
    };
    let notice_view = move || {
        notice.get().map(|n| match n {
            Ok(text) => view! { <p class="status published" role="status">{text}</p> }.into_any(),
            Err(text) => view! { <p class="status error" role="alert">{text}</p> }.into_any(),
        })
    };
    view! {
        <section class="review-panel" data-revision=current_revision>
            <h4>{s(S::Review, &lang)} " (" {s(S::Revision, &lang)} " " {current_revision} ")"</h4>
            <label class="review-comment-input"><span>{s(S::Comment, &lang)}</span>
                <textarea name="review-comment" rows="3" maxlength="2000"
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea></label>
            <p class="hint">{s(S::CommentNeeded, &lang)}</p>
            <div class="review-actions">{buttons}</div>
            {notice_view}
            <h4>{s(S::Reviews, &lang)}</h4>
            {history}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::needs_comment;

    #[test]
    fn issues_and_rejections_need_a_comment() {
        assert!(needs_comment("has_issues"));
        assert!(needs_comment("rejected"));
        assert!(!needs_comment("approved"));
        assert!(!needs_comment("received"));
    }
}
