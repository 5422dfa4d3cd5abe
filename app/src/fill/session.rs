//! One form being filled in, shared by every widget of the screen.
//!
//! The engine's [`FormState`] is the single source of truth; it is not
//! copied into signals. Instead each rendered node has a trigger: after an
//! edit, the engine's [`Changes`] say which nodes to notify, and only their
//! widgets re-read the state. Texts that show other fields' values
//! (`${name}`) have a trigger per field, notified when a field they show
//! changes.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use fieldform_engine::compile::{CompiledForm, FieldId};
use fieldform_engine::draft::Draft;
use fieldform_engine::model::{Choice, Language};
use fieldform_engine::response::{Response, Status};
use fieldform_engine::state::{ChangeKind, Changes, FormState, InstanceId, NodeRef, StateError};
use fieldform_engine::validate::{Issue, validate, validate_node};
use leptos::prelude::*;

use crate::env::BrowserEnvironment;

/// A cheap, copyable handle on the form being filled in.
#[derive(Clone, Copy)]
pub struct Session {
    state: StoredValue<FormState>,
    env: StoredValue<BrowserEnvironment, LocalStorage>,
    nodes: StoredValue<HashMap<NodeRef, ArcTrigger>>,
    texts: StoredValue<HashMap<FieldId, ArcTrigger>>,
    /// Nodes whose problems are shown: answered, left, or checked by
    /// Next/Finish. Untouched empty questions are not shouted at.
    shown: StoredValue<HashSet<NodeRef>>,
    lang: RwSignal<String>,
    /// Something was answered, added or removed since the screen opened.
    answered: StoredValue<bool>,
    /// Called after every edit (autosave).
    on_edit: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>,
}

impl Session {
    pub fn new(form: Arc<CompiledForm>, env: BrowserEnvironment) -> Self {
        let state = FormState::new(form, &env);
        Self::from_state(state, env)
    }

    /// A session on a state restored from the device.
    pub fn from_state(state: FormState, env: BrowserEnvironment) -> Self {
        let lang = state.language().to_owned();
        Self {
            state: StoredValue::new(state),
            env: StoredValue::new_local(env),
            nodes: StoredValue::new(HashMap::new()),
            texts: StoredValue::new(HashMap::new()),
            shown: StoredValue::new(HashSet::new()),
            lang: RwSignal::new(lang),
            answered: StoredValue::new(false),
            on_edit: StoredValue::new_local(None),
        }
    }

    /// Calls `hook` after every edit from now on.
    pub fn on_edit(&self, hook: impl Fn() + 'static) {
        self.on_edit.set_value(Some(Rc::new(hook)));
    }

    /// The live state in the engine's draft format, with the form's name
    /// for it; `None` once the screen is gone.
    pub fn try_draft(&self) -> Option<(Draft, Option<String>)> {
        self.env.try_with_value(|env| {
            self.state
                .try_with_value(|s| (s.to_draft(), s.instance_name(env)))
        })?
    }

    /// The form's name for this response, if it defines one.
    pub fn instance_name(&self) -> Option<String> {
        self.env
            .with_value(|env| self.with(|s| s.instance_name(env)))
    }

    /// The submission as it stands; `None` once the screen is gone.
    pub fn try_response(&self, status: Status) -> Option<Response> {
        self.env
            .try_with_value(|env| self.state.try_with_value(|s| s.to_response(status, env)))?
    }

    /// Reads the state without subscribing to anything.
    pub fn with<R>(&self, f: impl FnOnce(&FormState) -> R) -> R {
        self.state.with_value(f)
    }

    pub fn form(&self) -> Arc<CompiledForm> {
        self.with(|s| s.form().clone())
    }

    /// Subscribes the running effect to every change of `node`.
    pub fn track(&self, node: NodeRef) {
        trigger(self.nodes, node).track();
    }

    /// Subscribes to changes of the values `field`'s texts show, and of the language.
    pub fn track_text(&self, field: FieldId) {
        self.lang.track();
        trigger(self.texts, field).track();
    }

    /// The language code, tracked.
    pub fn lang(&self) -> String {
        self.lang.get()
    }

    pub fn language(&self) -> Option<Language> {
        let code = self.lang.get();
        self.with(|s| {
            s.form()
                .form
                .languages
                .iter()
                .find(|l| l.code == code)
                .cloned()
        })
    }

    pub fn set_language(&self, code: &str) {
        let result = self.edit(|state, env| state.set_language(code, env));
        if result.is_ok() {
            self.lang.set(code.to_owned());
        }
    }

    // ----- reading, tracked -----

    pub fn value(&self, node: NodeRef) -> String {
        self.track(node);
        self.with(|s| s.value(node).to_owned())
    }

    pub fn relevant(&self, node: NodeRef) -> bool {
        self.track(node);
        self.with(|s| s.relevant(node))
    }

    pub fn required(&self, node: NodeRef) -> bool {
        self.track(node);
        self.with(|s| s.required(node))
    }

    pub fn read_only(&self, node: NodeRef) -> bool {
        self.track(node);
        self.with(|s| s.read_only(node))
    }

    pub fn label(&self, node: NodeRef) -> String {
        self.track_text(node.field);
        self.with(|s| s.label(node))
    }

    pub fn hint(&self, node: NodeRef) -> String {
        self.track_text(node.field);
        self.with(|s| s.hint(node))
    }

    pub fn guidance_hint(&self, node: NodeRef) -> String {
        self.track_text(node.field);
        self.with(|s| s.guidance_hint(node))
    }

    /// The choices the select offers now, with labels in the current
    /// language; a label showing answers (`${name1}`) is filled from the
    /// select's instance and redrawn when one of them changes.
    pub fn choices(&self, node: NodeRef) -> Vec<(String, String)> {
        self.track(node);
        self.track_text(node.field);
        let lang = self.lang.get();
        self.with(|s| {
            s.choices(node)
                .into_iter()
                .map(|c: &Choice| (c.name.clone(), s.choice_label_in(c, node, &lang)))
                .collect()
        })
    }

    /// The label of `name` in the select's whole list (filtered or not),
    /// filled as in [`Session::choices`], else `name` itself.
    pub fn any_choice_label(&self, node: NodeRef, name: &str) -> String {
        self.track_text(node.field);
        let lang = self.lang.get();
        self.with(|s| s.label_of_choice(node, name, &lang))
    }

    /// The instances of a repeat in `parent`, tracked.
    pub fn instances(&self, repeat: FieldId, parent: InstanceId) -> Vec<InstanceId> {
        self.track(NodeRef {
            field: repeat,
            instance: parent,
        });
        self.with(|s| s.instances(repeat, parent).to_vec())
    }

    /// The problem to show under `node`, if it has one and it is shown.
    pub fn issue(&self, node: NodeRef) -> Option<Issue> {
        self.track(node);
        // Messages may show other fields' values.
        self.track_text(node.field);
        let lang = self.lang.get();
        if !self.shown.with_value(|s| s.contains(&node)) {
            return None;
        }
        self.with(|s| validate_node(s, node, &lang))
    }

    // ----- edits -----

    /// Answers a question and redraws what depends on it. Its problem is
    /// shown once the enumerator leaves it ([`Session::touch`]), not at
    /// the first keystroke.
    pub fn set(&self, node: NodeRef, text: &str) {
        let text = text.to_owned();
        match self.edit(|state, env| state.set_value(node, &text, env)) {
            Ok(()) => self.answered.set_value(true),
            // Not settable (e.g. became a calculation): redraw the true value.
            Err(_) => self.notify(node),
        }
    }

    /// Whether anything was answered (or a repeat instance added or removed).
    pub fn has_answers(&self) -> bool {
        self.answered.try_get_value().unwrap_or(false)
    }

    /// Shows the problem of a question the enumerator has left.
    pub fn touch(&self, node: NodeRef) {
        let new = self
            .shown
            .try_update_value(|s| s.insert(node))
            .unwrap_or(false);
        if new {
            self.notify(node);
        }
    }

    pub fn add_instance(&self, repeat: FieldId, parent: InstanceId) -> Result<(), StateError> {
        self.edit(|state, env| state.add_instance(repeat, parent, env).map(|(_, c)| c))?;
        self.answered.set_value(true);
        Ok(())
    }

    pub fn remove_instance(&self, id: InstanceId) -> Result<(), StateError> {
        self.edit(|state, env| state.remove_instance(id, env))?;
        self.answered.set_value(true);
        Ok(())
    }

    /// Checks `nodes` and shows their problems; returns them in order.
    pub fn check(&self, nodes: &[NodeRef]) -> Vec<Issue> {
        let lang = self.lang.get_untracked();
        let issues: Vec<Issue> = self.with(|s| {
            nodes
                .iter()
                .filter_map(|&n| validate_node(s, n, &lang))
                .collect()
        });
        self.reveal(nodes);
        issues
    }

    /// Every problem of the whole response, shown.
    pub fn check_all(&self) -> Vec<Issue> {
        let lang = self.lang.get_untracked();
        let (issues, nodes) = self.with(|s| (validate(s, &lang), s.nodes()));
        self.reveal(&nodes);
        issues
    }

    fn reveal(&self, nodes: &[NodeRef]) {
        let fresh: Vec<NodeRef> = self
            .shown
            .try_update_value(|s| nodes.iter().copied().filter(|n| s.insert(*n)).collect())
            .unwrap_or_default();
        for n in fresh {
            self.notify(n);
        }
    }

    fn edit(
        &self,
        f: impl FnOnce(&mut FormState, &BrowserEnvironment) -> Result<Changes, StateError>,
    ) -> Result<(), StateError> {
        let changes = self
            .env
            .with_value(|env| self.state.try_update_value(|state| f(state, env)))
            .unwrap_or(Ok(Changes::default()))?;
        self.redraw(&changes);
        if let Some(hook) = self.on_edit.try_get_value().flatten() {
            hook();
        }
        Ok(())
    }

    /// Notifies the triggers of what `changes` touched, each once.
    fn redraw(&self, changes: &Changes) {
        let form = self.form();
        let mut nodes = HashSet::new();
        let mut texts = HashSet::new();
        for change in &changes.items {
            nodes.insert(change.node);
            match change.kind {
                ChangeKind::Value => {
                    texts.extend(form.text_readers(change.node.field).iter().copied());
                }
                // A text showing a field of a repeat below shows its first
                // instance, which adding or removing instances can change.
                ChangeKind::Instances => {
                    let mut stack = vec![change.node.field];
                    while let Some(f) = stack.pop() {
                        texts.extend(form.text_readers(f).iter().copied());
                        stack.extend(form.field(f).children.iter().copied());
                    }
                }
                _ => {}
            }
        }
        for node in nodes {
            self.notify(node);
        }
        for field in texts {
            if let Some(t) = self.texts.with_value(|m| m.get(&field).cloned()) {
                t.notify();
            }
        }
    }

    fn notify(&self, node: NodeRef) {
        if let Some(t) = self.nodes.with_value(|m| m.get(&node).cloned()) {
            t.notify();
        }
    }
}

fn trigger<K: std::hash::Hash + Eq + Copy + Send + Sync + 'static>(
    map: StoredValue<HashMap<K, ArcTrigger>>,
    key: K,
) -> ArcTrigger {
    if let Some(t) = map.with_value(|m| m.get(&key).cloned()) {
        return t;
    }
    let t = ArcTrigger::new();
    map.update_value(|m| {
        m.insert(key, t.clone());
    });
    t
}
