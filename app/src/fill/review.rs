//! A finalized response, read-only: every question it answers, by its
//! label in the language it was filled in, groups and repeat instances as
//! headings. Nothing here can change it.

use fieldform_engine::compile::FieldKind;
use fieldform_engine::model::QuestionType;
use fieldform_engine::state::InstanceId;
use leptos::prelude::*;

use super::interview::clock;
use super::session::Session;
use crate::i18n::{Msg, t};
use crate::store::{ResponseRecord, ResponseState};

/// One line of the review.
enum Line {
    Heading { depth: usize, text: String },
    Answer { label: String, value: String },
}

pub fn review(session: Session, record: ResponseRecord) -> impl IntoView {
    let lang = session.lang();
    let form = session.form();
    let title = form.form.title_in(&lang).to_owned();
    let name = record
        .instance_name
        .clone()
        .unwrap_or_else(|| title.clone());
    let rtl = session.language().is_some_and(|l| l.rtl);
    let lines = session.with(|s| {
        let mut lines = Vec::new();
        for node in s.nodes() {
            if !s.relevant(node) {
                continue;
            }
            let field = form.field(node.field);
            let depth = depth(s, node.instance);
            match field.kind {
                FieldKind::Group => lines.push(Line::Heading {
                    depth,
                    text: s.label(node),
                }),
                FieldKind::Repeat => lines.push(Line::Heading {
                    depth,
                    text: format!(
                        "{} ({})",
                        s.label(node),
                        s.position(node.instance).unwrap_or(0)
                    ),
                }),
                FieldKind::Question(kind) => {
                    if kind.is_metadata()
                        || kind == QuestionType::Calculate
                        || kind == QuestionType::Note
                    {
                        continue;
                    }
                    let value = s.value(node);
                    if value.is_empty() {
                        continue;
                    }
                    let shown = if kind.has_choices() {
                        value
                            .split_whitespace()
                            .map(|name| s.label_of_choice(node, name, &lang))
                            .collect::<Vec<_>>()
                            .join(", ")
                    } else {
                        value.to_owned()
                    };
                    lines.push(Line::Answer {
                        label: s.label(node),
                        value: shown,
                    });
                }
            }
        }
        lines
    });
    let state = match record.state {
        ResponseState::Sent => t(Msg::Sent, &lang),
        _ => t(Msg::WaitingToSend, &lang),
    };
    let when = record.finalized.map(clock).unwrap_or_default();
    view! {
        <article class="review" lang=lang.clone() dir=if rtl { "rtl" } else { "ltr" }
            data-instance-id=record.instance_id.clone()>
            <header>
                <a class="back-to-forms" href="#/">{t(Msg::Home, &lang)}</a>
                <h2 class="form-title">{name}</h2>
                <p class="review-state">{title} " · " {t(Msg::FinalizedAt, &lang)} " " {when} " · " {state}</p>
            </header>
            <dl class="answers">
                {lines.into_iter().map(|line| match line {
                    Line::Heading { depth, text } => view! {
                        <dt class="review-heading" data-depth=depth>{text}</dt>
                    }.into_any(),
                    Line::Answer { label, value } => view! {
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    }.into_any(),
                }).collect_view()}
            </dl>
        </article>
    }
}

fn depth(s: &fieldform_engine::state::FormState, mut inst: InstanceId) -> usize {
    let mut d = 0;
    while let Some(parent) = s.parent(inst) {
        d += 1;
        inst = parent;
    }
    d
}
