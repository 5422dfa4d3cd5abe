//! The syntax tree. Every node keeps its [`Span`] so later stages (load-time
//! checks, the dependency graph) can point authors at the exact spot.

use std::sync::Arc;

use super::functions::Func;
use super::regex::Regex;

/// A range of the source in *character* offsets (`start..end`).
///
/// Characters rather than bytes because the only consumer of positions is a
/// human reading a spreadsheet cell, and field labels are often non-ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A parsed expression: see [`super::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `'text'` or `"text"` (XPath has no escapes inside string literals).
    String(String),
    /// The literal pattern of `regex(., 'pattern')`, compiled when the
    /// expression is parsed (at load) so evaluation reuses it. Evaluates as
    /// its text, like the string it was written as.
    Pattern(Arc<Regex>),
    /// `12`, `3.5`, `.5`.
    Number(f64),
    /// `${name}`.
    Ref(String),
    /// `.`: the value of the node the expression belongs to.
    Current,
    /// `..`: the parent group; only meaningful as `position(..)`.
    Parent,
    /// An XPath location path such as `/data/group/age` or `../age`.
    Path(Path),
    /// Unary minus.
    Neg(Box<Expr>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// A call of a known function; arity was checked by the parser.
    Call { func: Func, args: Vec<Expr> },
    /// `label::English`, only in a `choice_filter`: the column of the choice
    /// row being tested, in a language (a Fieldform extension: pyxform
    /// copies it into the XForm unparsed and ODK Collect refuses it). The
    /// loader replaces its language as written (`English`) by the code.
    /// Boxed: every [`Expr`] would otherwise grow, and so every frame of
    /// the parser's and the evaluator's recursion.
    ChoiceColumn(Box<ChoiceColumn>),
    /// `instance('villages')/root/item[region = ${region}]/label`: rows of
    /// a secondary instance (an attached file or a choice list).
    Instance(Box<InstancePath>),
}

/// `column::Language` in a choice filter: see [`ExprKind::ChoiceColumn`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceColumn {
    pub column: String,
    /// As written (`English`, `English (en)`), then the language's code.
    pub lang: String,
}

/// A path into a secondary instance: `instance(id)/root/item[p1][p2]/column`.
#[derive(Debug, Clone, PartialEq)]
pub struct InstancePath {
    /// The instance id: a file name without its extension, or a choice list.
    pub id: String,
    /// The element names of the path: `root` and `item` (XML files may
    /// name them otherwise). `None` for `instance('x')` alone.
    pub steps: Option<(String, String)>,
    /// Filters on the items, in order. In them a bare name (`region`) is a
    /// column of the item being tested; a number keeps the item at that
    /// 1-based position.
    pub predicates: Vec<Expr>,
    /// The column read from each item left (`/label`); `None`: the items.
    pub column: Option<String>,
}

/// A location path (`/data/household/age`, `../age`). The loader walks it
/// through the form's tree and replaces it by a [`ExprKind::Ref`] to the
/// field's path (`/household/age`) where it designates a field; see
/// `compile::exprs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub absolute: bool,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Name(String),
    Current,
    Parent,
}

impl Path {
    /// The field the path designates: its last named step, if any.
    pub fn field_name(&self) -> Option<&str> {
        self.steps.iter().rev().find_map(|s| match s {
            Step::Name(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// A relative path of exactly one named step (`region`): in a
    /// `choice_filter`, a column of the choice row.
    pub fn is_bare_name(&self) -> bool {
        !self.absolute && matches!(self.steps.as_slice(), [Step::Name(_)])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    /// XPath 1.0 precedence, higher binds tighter. Unary minus sits above all.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Neq => 3,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Neq => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "div",
            BinOp::Mod => "mod",
        }
    }
}

impl Expr {
    pub(crate) fn new(kind: ExprKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// Calls `f` on this expression and every sub-expression (predicates
    /// of instance paths included), parents first.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Neg(x) => x.visit(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.visit(f);
                rhs.visit(f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.visit(f)),
            ExprKind::Instance(p) => p.predicates.iter().for_each(|a| a.visit(f)),
            ExprKind::String(_)
            | ExprKind::Pattern(_)
            | ExprKind::Number(_)
            | ExprKind::Ref(_)
            | ExprKind::Current
            | ExprKind::Parent
            | ExprKind::ChoiceColumn(_)
            | ExprKind::Path(_) => {}
        }
    }

    /// The field this expression names when it is a plain reference
    /// (`${x}` or a path), as required by e.g. `indexed-repeat`.
    pub fn as_field_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Ref(name) => Some(name),
            ExprKind::Path(p) => p.field_name(),
            _ => None,
        }
    }
}
