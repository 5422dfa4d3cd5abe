//! What an edit changed, so a UI redraws only those nodes.

use super::NodeRef;

/// What changed about a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The effective value (what other expressions see).
    Value,
    Relevant,
    Required,
    ReadOnly,
    /// The constraint's verdict.
    Constraint,
    /// The filtered choice list of a select.
    Choices,
    /// The instances of a repeat: `node.field` is the repeat and
    /// `node.instance` the *parent* instance whose list changed.
    Instances,
}

/// One changed property of one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Change {
    pub node: NodeRef,
    pub kind: ChangeKind,
}

/// Everything one edit changed, in evaluation order. Nodes of instances
/// created by the edit are listed too; nodes of removed instances may be
/// listed (before their removal) and should be ignored by the UI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub items: Vec<Change>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn contains(&self, node: NodeRef, kind: ChangeKind) -> bool {
        self.items.contains(&Change { node, kind })
    }

    pub(crate) fn push(&mut self, node: NodeRef, kind: ChangeKind) {
        self.items.push(Change { node, kind });
    }
}
