//! A precedence-climbing parser over the tokens of [`super::lex`].
//!
//! Grammar (XPath 1.0, trimmed to what XLSForms use):
//!
//! ```text
//! expr    := unary (binop unary)*          -- climbing by BinOp::precedence
//! unary   := '-' unary | primary
//! primary := number | string | ${name} | '(' expr ')' | name '(' args ')' | path
//! path    := '/' step ('/' step)* | step ('/' step)*
//! step    := name | '.' | '..'
//! ```

use std::sync::Arc;

use super::analysis::suggest;
use super::ast::{BinOp, Expr, ExprKind, InstancePath, Path, Span, Step};
use super::error::ParseError;
use super::functions::Func;
use super::lex::{Tok, Token, tokenize_in};
use super::regex::Regex;

/// Deepest syntax tree we accept. Evaluation recurses once per level, and the
/// app runs in WebAssembly with a small stack on cheap tablets; real forms
/// stay far below this (a 30-branch nested `if` is about 60 levels).
///
/// The parser's own recursion is bounded by the same number, checked
/// *before* each recursive step ([`Parser::enter`]), so no input can
/// overflow the stack while parsing. Every later pass that walks an
/// [`Expr`] recursively (evaluation, `analysis`, the compiler's resolution)
/// only ever sees trees built here, so they are bounded by this too.
pub const MAX_DEPTH: usize = 256;

/// Longest expression we accept, in characters. Real expressions are a few
/// hundred characters; this bounds the work of every pass before any starts.
pub const MAX_LENGTH: usize = 64 * 1024;

/// Parse an XLSForm expression (`relevant`, `constraint`, `calculation`, ...).
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parse_in(src, false)
}

/// Parse a `choice_filter`, where `label::English` is the choice row's
/// label in a language ([`ExprKind::ChoiceColumn`]).
pub fn parse_choice_filter(src: &str) -> Result<Expr, ParseError> {
    parse_in(src, true)
}

fn parse_in(src: &str, choice_filter: bool) -> Result<Expr, ParseError> {
    // Bytes bound characters from above: only long inputs pay for the count.
    if src.len() > MAX_LENGTH {
        let length = src.chars().count();
        if length > MAX_LENGTH {
            return Err(ParseError::TooLong {
                length,
                limit: MAX_LENGTH,
                position: MAX_LENGTH,
            });
        }
    }
    let tokens = tokenize_in(src, choice_filter)?;
    if tokens.is_empty() {
        return Err(ParseError::Empty);
    }
    let mut p = Parser {
        src: src.chars().collect(),
        tokens,
        pos: 0,
        nesting: 0,
    };
    let (expr, _) = p.expr(0).map_err(|e| *e)?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(p.unexpected(t));
    }
    Ok(expr)
}

struct Parser {
    src: Vec<char>,
    tokens: Vec<Token>,
    pos: usize,
    /// Current recursion depth, bounded like the tree depth.
    nesting: usize,
}

/// An expression with the depth of its tree, so the depth limit can be
/// checked without a (recursive) second pass.
type Parsed = (Expr, usize);

/// The parser's results: the error boxed, so that the `Result`s the
/// recursive functions pass up are small (in an unoptimised build every
/// `?` copies them through stack slots of their own, per nesting level).
type PResult<T> = Result<T, Box<ParseError>>;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn end_position(&self) -> usize {
        self.src.len()
    }

    fn unexpected(&self, t: &Token) -> ParseError {
        let found: String = self
            .src
            .get(t.span.start..t.span.end)
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        ParseError::UnexpectedToken {
            found,
            position: t.span.start,
        }
    }

    /// Consume the next token, or fail with "unexpected end" naming what we wanted.
    fn next(&mut self, expected: &'static str) -> Result<Token, ParseError> {
        let t = self
            .tokens
            .get(self.pos)
            .cloned()
            .ok_or(ParseError::UnexpectedEnd {
                expected,
                position: self.end_position(),
            })?;
        self.pos += 1;
        Ok(t)
    }

    /// Checks the depth of a tree just built (binary chains and negations
    /// are built in loops, so their depth is not the parser's nesting).
    fn check_depth(&self, depth: usize, span: Span) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            Err(too_deep(span.start))
        } else {
            Ok(())
        }
    }

    /// Called before every recursive descent (the only one is into
    /// [`Parser::expr`]), so the stack never grows past `MAX_DEPTH` levels:
    /// checking after the recursive call returned would be too late.
    fn enter(&mut self) -> PResult<()> {
        if self.nesting >= MAX_DEPTH {
            let position = self
                .tokens
                .get(self.pos)
                .map_or(self.end_position(), |t| t.span.start);
            return Err(too_deep(position).into());
        }
        self.nesting += 1;
        Ok(())
    }

    /// The binary operator at the cursor, if the cursor is in operator
    /// position (which it always is when this is called).
    fn peek_binop(&self) -> Option<BinOp> {
        Some(match self.peek()? {
            Tok::Eq => BinOp::Eq,
            Tok::Neq => BinOp::Neq,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::Plus => BinOp::Add,
            Tok::Minus => BinOp::Sub,
            Tok::Star => BinOp::Mul,
            // XPath 1.0 §3.7: after an operand, these names are operators.
            Tok::Name(n) => match n.as_str() {
                "or" => BinOp::Or,
                "and" => BinOp::And,
                "div" => BinOp::Div,
                "mod" => BinOp::Mod,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The only recursive entry point: parentheses, function arguments and
    /// the right operand of a tighter operator all come through here.
    fn expr(&mut self, min_prec: u8) -> PResult<Parsed> {
        self.enter()?;
        let mut lhs = self.unary()?;
        while let Some(op) = self.operator(min_prec) {
            // `prec + 1`: all binary operators are left-associative.
            let rhs = self.expr(op.precedence() + 1)?;
            lhs = self.binary(op, lhs, rhs)?;
        }
        self.nesting -= 1;
        Ok(lhs)
    }

    /// The binary operator at the cursor, consumed, if it binds at least
    /// as tightly as `min_prec`.
    #[inline(never)]
    fn operator(&mut self, min_prec: u8) -> Option<BinOp> {
        let op = self.peek_binop().filter(|op| op.precedence() >= min_prec)?;
        self.pos += 1;
        Some(op)
    }

    /// `lhs op rhs`. Apart from [`Parser::expr`], like every step that does
    /// not recurse: an unoptimised build gives each local of a function its
    /// own stack slot, and the functions on the recursive path are paid
    /// once per nesting level.
    #[inline(never)]
    fn binary(&self, op: BinOp, lhs: Parsed, rhs: Parsed) -> PResult<Parsed> {
        let span = lhs.0.span.to(rhs.0.span);
        let depth = lhs.1.max(rhs.1) + 1;
        self.check_depth(depth, span)?;
        let kind = ExprKind::Binary {
            op,
            lhs: Box::new(lhs.0),
            rhs: Box::new(rhs.0),
        };
        Ok((Expr::new(kind, span), depth))
    }

    /// A run of `-` signs, counted in a loop (not one recursion per sign)
    /// and refused as soon as it alone would pass the depth limit.
    fn unary(&mut self) -> PResult<Parsed> {
        if self.peek() != Some(&Tok::Minus) {
            return self.primary();
        }
        let signs = self.signs()?;
        let operand = self.primary()?;
        self.negate(signs, operand)
    }

    /// The `-` signs at the cursor.
    #[inline(never)]
    fn signs(&mut self) -> PResult<Vec<Span>> {
        let mut signs: Vec<Span> = Vec::new();
        while self.peek() == Some(&Tok::Minus) {
            let t = self.next("an expression")?;
            if signs.len() >= MAX_DEPTH {
                return Err(too_deep(t.span.start).into());
            }
            signs.push(t.span);
        }
        Ok(signs)
    }

    /// `operand` with the signs before it.
    #[inline(never)]
    fn negate(&self, signs: Vec<Span>, (mut operand, mut depth): Parsed) -> PResult<Parsed> {
        for sign in signs.into_iter().rev() {
            let span = sign.to(operand.span);
            depth += 1;
            self.check_depth(depth, span)?;
            operand = Expr::new(ExprKind::Neg(Box::new(operand)), span);
        }
        Ok((operand, depth))
    }

    /// Only the recursive cases here (see [`Parser::binary`]).
    fn primary(&mut self) -> PResult<Parsed> {
        let t = self.next("an expression")?;
        match &t.tok {
            Tok::LParen => {
                let inner = self.expr(0)?;
                self.close(inner, Tok::RParen, "`)`")
            }
            Tok::Name(name) if self.peek() == Some(&Tok::LParen) => {
                let name = name.clone();
                self.call(name, t.span)
            }
            _ => self.simple(&t),
        }
    }

    /// `e` followed by the closing token `close`.
    #[inline(never)]
    fn close(&mut self, e: Parsed, close: Tok, expected: &'static str) -> PResult<Parsed> {
        let t = self.next(expected)?;
        if t.tok != close {
            return Err(self.unexpected(&t).into());
        }
        Ok(e)
    }

    /// A literal or a location path, starting at `t`.
    #[inline(never)]
    fn simple(&mut self, t: &Token) -> PResult<Parsed> {
        if let Some(kind) = leaf(&t.tok) {
            return Ok((Expr::new(kind, t.span), 1));
        }
        match &t.tok {
            Tok::Slash => self.path(true, t.span),
            Tok::Name(_) | Tok::Dot | Tok::DotDot => {
                self.pos -= 1;
                self.path(false, t.span)
            }
            _ => Err(self.unexpected(t).into()),
        }
    }

    /// A location path; the leading `/` (if any) was consumed.
    fn path(&mut self, absolute: bool, start: Span) -> PResult<Parsed> {
        let mut steps = Vec::new();
        let mut span = start;
        loop {
            let t = self.next("a name after `/`")?;
            steps.push(match &t.tok {
                Tok::Name(n) => Step::Name(n.clone()),
                Tok::Dot => Step::Current,
                Tok::DotDot => Step::Parent,
                _ => return Err(self.unexpected(&t).into()),
            });
            span = span.to(t.span);
            if self.peek() == Some(&Tok::Slash) {
                self.pos += 1;
            } else {
                break;
            }
        }
        let kind = match steps.as_slice() {
            [Step::Current] if !absolute => ExprKind::Current,
            [Step::Parent] if !absolute => ExprKind::Parent,
            _ => ExprKind::Path(Path { absolute, steps }),
        };
        Ok((Expr::new(kind, span), 1))
    }

    /// `instance('id')`, optionally followed by `/root/item`, predicates on
    /// the item and `/column`; `instance` was consumed. Only the loop that
    /// recurses into predicates is here: the rest is in helpers, whose
    /// frames are not on the stack while a predicate is parsed.
    fn instance(&mut self, start: Span) -> PResult<Parsed> {
        let (mut path, mut span) = self.instance_id(start)?;
        let mut depth = 0;
        let mut names: Vec<String> = Vec::new();
        while self.peek() == Some(&Tok::Slash) {
            span = self.instance_step(&mut names, span)?;
            while self.open_predicate(names.len())? {
                let (pred, d) = self.expr(0)?;
                depth = depth.max(d);
                span = self.close_predicate(span)?;
                path.predicates.push(pred);
            }
        }
        self.finish_instance(path, names, span, depth)
    }

    /// `('id')` after `instance`.
    #[inline(never)]
    fn instance_id(&mut self, start: Span) -> PResult<(InstancePath, Span)> {
        self.pos += 1; // `(`
        let id_tok = self.next("the instance name in quotes")?;
        let Tok::Str(id) = &id_tok.tok else {
            return Err(self.unexpected(&id_tok).into());
        };
        let close = self.next("`)`")?;
        if close.tok != Tok::RParen {
            return Err(self.unexpected(&close).into());
        }
        let path = InstancePath {
            id: id.trim().to_owned(),
            steps: None,
            predicates: Vec::new(),
            column: None,
        };
        Ok((path, start.to(close.span)))
    }

    /// `/name` in an instance path, added to `names`; the span grown.
    #[inline(never)]
    fn instance_step(&mut self, names: &mut Vec<String>, span: Span) -> PResult<Span> {
        self.pos += 1;
        let t = self.next("a name after `/`")?;
        let Tok::Name(n) = &t.tok else {
            return Err(self.unexpected(&t).into());
        };
        if names.len() == 3 {
            return Err(ParseError::InvalidArgument {
                name: "instance".to_owned(),
                message: "a path into an instance is `instance('name')/root/item[filter]/column`; deeper paths are not supported".to_owned(),
                position: t.span.start,
            }
            .into());
        }
        names.push(n.clone());
        Ok(span.to(t.span))
    }

    /// Consumes a `[` if there is one (allowed on the item, the second
    /// step: `steps` steps so far).
    #[inline(never)]
    fn open_predicate(&mut self, steps: usize) -> PResult<bool> {
        if self.peek() != Some(&Tok::LBracket) {
            return Ok(false);
        }
        let open = self.next("`[`")?;
        if steps != 2 {
            return Err(ParseError::InvalidArgument {
                name: "instance".to_owned(),
                message:
                    "a filter `[...]` goes on the item step: `instance('name')/root/item[filter]`"
                        .to_owned(),
                position: open.span.start,
            }
            .into());
        }
        Ok(true)
    }

    /// The `]` after a predicate; the span grown.
    #[inline(never)]
    fn close_predicate(&mut self, span: Span) -> PResult<Span> {
        let close = self.next("`]`")?;
        if close.tok != Tok::RBracket {
            return Err(self.unexpected(&close).into());
        }
        Ok(span.to(close.span))
    }

    /// The instance path with its steps (`names`: root, item, column).
    #[inline(never)]
    fn finish_instance(
        &self,
        mut path: InstancePath,
        names: Vec<String>,
        span: Span,
        depth: usize,
    ) -> PResult<Parsed> {
        match names.len() {
            0 => {}
            1 => {
                return Err(ParseError::InvalidArgument {
                    name: "instance".to_owned(),
                    message:
                        "a path into an instance names the items: `instance('name')/root/item`"
                            .to_owned(),
                    position: span.end,
                }
                .into());
            }
            _ => {
                let mut names = names.into_iter();
                let root = names.next().unwrap_or_default();
                let item = names.next().unwrap_or_default();
                path.steps = Some((root, item));
                path.column = names.next();
            }
        }
        self.check_depth(depth + 1, span)?;
        Ok((
            Expr::new(ExprKind::Instance(Box::new(path)), span),
            depth + 1,
        ))
    }

    fn call(&mut self, name: String, name_span: Span) -> PResult<Parsed> {
        if name == "instance" {
            return self.instance(name_span);
        }
        self.pos += 1; // `(`
        let mut args = Vec::new();
        let mut depth = 0;
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
        } else {
            loop {
                let (arg, d) = self.expr(0)?;
                depth = depth.max(d);
                args.push(arg);
                if self.after_argument()? {
                    break;
                }
            }
        }
        self.finish_call(name, name_span, args, depth)
    }

    /// Consumes the `,` (false) or `)` (true) after an argument.
    #[inline(never)]
    fn after_argument(&mut self) -> PResult<bool> {
        let t = self.next("`,` or `)`")?;
        match t.tok {
            Tok::Comma => Ok(false),
            Tok::RParen => Ok(true),
            _ => Err(self.unexpected(&t).into()),
        }
    }

    /// The call of `name` with `args` (`depth`: their deepest), checked.
    #[inline(never)]
    fn finish_call(
        &self,
        name: String,
        name_span: Span,
        mut args: Vec<Expr>,
        depth: usize,
    ) -> PResult<Parsed> {
        let end = self
            .tokens
            .get(self.pos.saturating_sub(1))
            .map_or(name_span, |t| t.span);
        let span = name_span.to(end);
        let func = Func::from_name(&name).ok_or_else(|| ParseError::UnknownFunction {
            suggestion: suggest(&name, Func::ALL.iter().map(|f| f.name())).map(str::to_owned),
            name: name.clone(),
            position: name_span.start,
        })?;
        let arity = func.arity();
        if !arity.accepts(args.len()) {
            return Err(ParseError::Arity {
                name,
                expected: arity.describe(),
                got: args.len(),
                position: name_span.start,
            }
            .into());
        }
        check_arguments(func, &mut args)?;
        self.check_depth(depth + 1, span)?;
        Ok((Expr::new(ExprKind::Call { func, args }, span), depth + 1))
    }
}

/// The expression a literal token is. Apart from `primary`: in a debug
/// build each match arm has its own stack slots, and `primary`'s frame is
/// paid once per nesting level.
#[inline(never)]
fn leaf(tok: &Tok) -> Option<ExprKind> {
    Some(match tok {
        Tok::Num(n) => ExprKind::Number(*n),
        Tok::Str(s) => ExprKind::String(s.clone()),
        Tok::Ref(name) => ExprKind::Ref(name.clone()),
        Tok::Column(c) => ExprKind::ChoiceColumn(c.clone()),
        _ => return None,
    })
}

fn too_deep(position: usize) -> ParseError {
    ParseError::TooDeep {
        position,
        limit: MAX_DEPTH,
    }
}

/// Checks that need the syntax of the arguments, done now so that authors
/// hear about them when the form loads rather than when a value goes wrong.
fn check_arguments(func: Func, args: &mut [Expr]) -> Result<(), ParseError> {
    let invalid = |message: String, position: usize| ParseError::InvalidArgument {
        name: func.name().to_owned(),
        message,
        position,
    };
    super::functions::check_call(func, args)
        .map_err(|(i, message)| invalid(message, args.get(i).map_or(0, |a| a.span.start)))?;
    match func {
        Func::IndexedRepeat => {
            // Field and repeat arguments name nodes; indices are expressions.
            for (i, a) in args.iter().enumerate() {
                let is_node_arg = i == 0 || i % 2 == 1;
                if is_node_arg && a.as_field_name().is_none() {
                    let what = if i == 0 { "field" } else { "repeat" };
                    return Err(invalid(
                        format!(
                            "argument {} must be a {what} reference like ${{name}}",
                            i + 1
                        ),
                        a.span.start,
                    ));
                }
            }
        }
        // A literal pattern is compiled once, here, and kept in the tree.
        Func::Regex => {
            if let Some(arg) = args.get_mut(1)
                && let ExprKind::String(pattern) = &arg.kind
            {
                let re = Regex::new(pattern).map_err(|e| {
                    invalid(format!("invalid regular expression: {e}"), arg.span.start)
                })?;
                arg.kind = ExprKind::Pattern(Arc::new(re));
            }
        }
        Func::ChoiceName => {
            if let Some(Expr {
                kind: ExprKind::String(field),
                span: fspan,
            }) = args.get(1)
                && choice_field_name(field).is_none()
            {
                return Err(invalid(
                    format!(
                        "argument 2 must name a select question like '${{name}}', not '{field}'"
                    ),
                    fspan.start,
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The field named by the second argument of `jr:choice-name`: `'${name}'`
/// in XLSForms, or a path `'/data/name'` in converted XForms.
pub(crate) fn choice_field_name(s: &str) -> Option<&str> {
    let s = s.trim();
    let name = if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        inner
    } else {
        s.rsplit('/').next().unwrap_or(s)
    };
    super::lex::is_valid_field_name(name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn err(src: &str) -> String {
        parse(src).expect_err("should not parse").to_string()
    }

    /// A compact rendering of the tree, to check structure and precedence.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::String(s) => format!("'{s}'"),
            ExprKind::Pattern(re) => format!("/{}/", re.as_str()),
            ExprKind::Number(n) => n.to_string(),
            ExprKind::Ref(r) => format!("${{{r}}}"),
            ExprKind::Current => ".".into(),
            ExprKind::Parent => "..".into(),
            ExprKind::ChoiceColumn(c) => format!("{}::{}", c.column, c.lang),
            ExprKind::Path(p) => {
                let steps: Vec<String> = p
                    .steps
                    .iter()
                    .map(|s| match s {
                        Step::Name(n) => n.clone(),
                        Step::Current => ".".into(),
                        Step::Parent => "..".into(),
                    })
                    .collect();
                format!("{}{}", if p.absolute { "/" } else { "" }, steps.join("/"))
            }
            ExprKind::Neg(x) => format!("(-{})", show(x)),
            ExprKind::Binary { op, lhs, rhs } => {
                format!("({} {} {})", show(lhs), op.symbol(), show(rhs))
            }
            ExprKind::Call { func, args } => {
                let a: Vec<String> = args.iter().map(show).collect();
                format!("{}({})", func.name(), a.join(", "))
            }
            ExprKind::Instance(p) => {
                let mut out = format!("instance('{}')", p.id);
                if let Some((root, item)) = &p.steps {
                    out.push_str(&format!("/{root}/{item}"));
                }
                for pred in &p.predicates {
                    out.push_str(&format!("[{}]", show(pred)));
                }
                if let Some(c) = &p.column {
                    out.push_str(&format!("/{c}"));
                }
                out
            }
        }
    }

    fn tree(src: &str) -> String {
        show(&parse(src).expect("parses"))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn precedence() {
        assert_eq!(tree("1 + 2 * 3"), "(1 + (2 * 3))");
        assert_eq!(tree("-2 * 3"), "((-2) * 3)");
        assert_eq!(tree("1 < 2 = true()"), "((1 < 2) = true())");
        assert_eq!(tree("1 - 2 - 3"), "((1 - 2) - 3)");
        assert_eq!(tree("a or b and c"), "(a or (b and c))");
        assert_eq!(tree("1 = 2 and 3 != 4"), "((1 = 2) and (3 != 4))");
        assert_eq!(tree("6 div 2 mod 4 * 2"), "(((6 div 2) mod 4) * 2)");
        assert_eq!(tree("(1 + 2) * 3"), "((1 + 2) * 3)");
        assert_eq!(tree("--1"), "(-(-1))");
        assert_eq!(tree("1 <= 2 + 3"), "(1 <= (2 + 3))");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn keywords_are_names_in_operand_position() {
        assert_eq!(tree("${div} div ${mod}"), "(${div} div ${mod})");
        assert_eq!(tree("${and} and ${or}"), "(${and} and ${or})");
        assert_eq!(tree("div mod mod"), "(div mod mod)");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn paths_and_dots() {
        assert_eq!(tree("/data/group/age"), "/data/group/age");
        assert_eq!(tree("../sibling"), "../sibling");
        assert_eq!(tree("position(..)"), "position(..)");
        assert_eq!(tree(". >= 18"), "(. >= 18)");
        assert_eq!(tree(".5 + 1"), "(0.5 + 1)");
        let e = parse("/data/g/age").expect("parses");
        assert_eq!(e.as_field_name(), Some("age"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn calls() {
        assert_eq!(
            tree("jr:choice-name(${c}, '${c}')"),
            "jr:choice-name(${c}, '${c}')"
        );
        assert_eq!(tree("concat()"), "concat()");
        assert_eq!(tree("if(${a} = '', 0, 1)"), "if((${a} = ''), 0, 1)");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn instance_paths() {
        assert_eq!(
            tree("instance('people')/root/item[name = ${p}]/place"),
            "instance('people')/root/item[(name = ${p})]/place"
        );
        assert_eq!(
            tree("count(instance(\"s\")/root/item[pop > 3][2])"),
            "count(instance('s')/root/item[(pop > 3)][2])"
        );
        assert_eq!(tree("instance('x')"), "instance('x')");
        assert_eq!(
            tree("instance('c')/cities/city[n = instance('d')/root/item[a = 1]/n]"),
            "instance('c')/cities/city[(n = instance('d')/root/item[(a = 1)]/n)]"
        );
        assert_eq!(
            err("instance('x')/root"),
            "function `instance`: a path into an instance names the items: `instance('name')/root/item` (position 18)"
        );
        assert_eq!(
            err("instance('x')/root[a = 1]/item"),
            "function `instance`: a filter `[...]` goes on the item step: `instance('name')/root/item[filter]` (position 18)"
        );
        assert_eq!(
            err("instance('x')/root/item/a/b"),
            "function `instance`: a path into an instance is `instance('name')/root/item[filter]/column`; deeper paths are not supported (position 26)"
        );
        assert_eq!(
            err("instance(${x})/root/item"),
            "unexpected `${x}` at position 9"
        );
        assert_eq!(
            err("instance('x')/root/item[a = 1"),
            "unexpected end of expression at position 29; expected `]`"
        );
        // A bracket anywhere else is still an error.
        assert_eq!(err("${a}[1]"), "unexpected `[` at position 4");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn spans() {
        let e = parse("  1 + ${ab}").expect("parses");
        assert_eq!(e.span, Span::new(2, 11));
        let ExprKind::Binary { rhs, .. } = &e.kind else {
            panic!("binary expected")
        };
        assert_eq!(rhs.span, Span::new(6, 11));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn error_messages() {
        assert_eq!(err("(1 + 2))"), "unexpected `)` at position 7");
        assert_eq!(err("1 + (2 * )"), "unexpected `)` at position 9");
        assert_eq!(
            err("1 + 'abc"),
            "unterminated string starting at position 4"
        );
        assert_eq!(
            err("sumx(${a})"),
            "unknown function `sumx` at position 0; did you mean `sum`?"
        );
        assert_eq!(
            err("foobarbaz(1)"),
            "unknown function `foobarbaz` at position 0"
        );
        assert_eq!(
            err("if(${a}, 1)"),
            "function `if` takes 3 arguments, got 2 (position 0)"
        );
        assert_eq!(
            err("1 + round()"),
            "function `round` takes 1 or 2 arguments, got 0 (position 4)"
        );
        assert_eq!(
            err("today(1)"),
            "function `today` takes no arguments, got 1 (position 0)"
        );
        assert_eq!(
            err("indexed-repeat(${a}, ${r})"),
            "function `indexed-repeat` takes 3, 5, 7, 9 or 11 arguments, got 2 (position 0)"
        );
        assert_eq!(
            err("indexed-repeat('a', ${r}, 1)"),
            "function `indexed-repeat`: argument 1 must be a field reference like ${name} (position 15)"
        );
        assert_eq!(
            err("1 +"),
            "unexpected end of expression at position 3; expected an expression"
        );
        assert_eq!(
            err("concat(1, 2"),
            "unexpected end of expression at position 11; expected `,` or `)`"
        );
        assert_eq!(err("1 2"), "unexpected `2` at position 2");
        assert_eq!(err("   "), "empty expression");
        assert_eq!(
            err("/"),
            "unexpected end of expression at position 1; expected a name after `/`"
        );
        assert_eq!(err("${a} | ${b}"), "unexpected character `|` at position 5");
        assert!(err("regex(., '[a-')").starts_with("function `regex`: invalid regular expression"));
        // A literal pattern is compiled once, at parse time; others are not.
        assert_eq!(tree("regex(., '[0-9]+')"), "regex(., /[0-9]+/)");
        assert_eq!(tree("regex('[0-9]+', ${p})"), "regex('[0-9]+', ${p})");
        assert_eq!(
            err("jr:choice-name(., 'not a field')"),
            "function `jr:choice-name`: argument 2 must name a select question like '${name}', not 'not a field' (position 18)"
        );
        // Positions are characters, not bytes.
        assert_eq!(err("'ünï' = )"), "unexpected `)` at position 8");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn error_position_accessor() {
        let e = parse("1 + )").expect_err("fails");
        assert_eq!(e.position(), 4);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn depth_limit() {
        let deep = format!("{}1{}", "(".repeat(400), ")".repeat(400));
        assert!(matches!(parse(&deep), Err(ParseError::TooDeep { .. })));
        let long_sum = vec!["1"; 400].join(" + ");
        assert!(matches!(parse(&long_sum), Err(ParseError::TooDeep { .. })));
        let ok = vec!["1"; 100].join(" + ");
        assert!(parse(&ok).is_ok());
        let negs = format!("{}1", "-".repeat(400));
        assert!(matches!(parse(&negs), Err(ParseError::TooDeep { .. })));
    }

    /// Issue 12: each of these used to recurse once per level before looking
    /// at the depth, and 5,000 levels overflowed the stack (an abort, not an
    /// error). Now every recursive path is refused before it recurses.
    #[wasm_bindgen_test(unsupported = test)]
    fn hostile_nesting_is_an_error_not_a_crash() {
        const N: usize = 5_000;
        let signs = format!("{}1", "-".repeat(N));
        assert_eq!(
            err(&signs),
            format!(
                "expression too deeply nested (more than {MAX_DEPTH} levels) at position {MAX_DEPTH}"
            )
        );
        let parens = format!("{}1{}", "(".repeat(N), ")".repeat(N));
        assert!(matches!(parse(&parens), Err(ParseError::TooDeep { .. })));
        // Unclosed: refused on the way down, not at the end.
        assert!(matches!(
            parse(&"(".repeat(N)),
            Err(ParseError::TooDeep { .. })
        ));
        let calls = format!("{}1{}", "concat(1, ".repeat(N), ")".repeat(N));
        assert!(matches!(parse(&calls), Err(ParseError::TooDeep { .. })));
        let nots = format!("{}true(){}", "not(".repeat(N), ")".repeat(N));
        assert!(matches!(parse(&nots), Err(ParseError::TooDeep { .. })));
        let mixed = format!("{}1", "-(".repeat(N));
        assert!(matches!(parse(&mixed), Err(ParseError::TooDeep { .. })));
        let rhs = format!("{}1", "1 + 2 * (".repeat(N));
        assert!(matches!(parse(&rhs), Err(ParseError::TooDeep { .. })));
        // Binary chains are built in a loop; their (left-deep) tree is still
        // bounded, because evaluation recurses along it.
        let ors = vec!["${a}"; N].join(" or ");
        assert!(matches!(parse(&ors), Err(ParseError::TooDeep { .. })));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn nesting_below_the_limit_still_parses() {
        let n = MAX_DEPTH - 2;
        assert!(parse(&format!("{}1", "-".repeat(n))).is_ok());
        assert!(parse(&format!("{}1{}", "(".repeat(n), ")".repeat(n))).is_ok());
        assert!(parse(&format!("{}true(){}", "not(".repeat(n), ")".repeat(n))).is_ok());
        assert!(parse(&vec!["${a}"; 200].join(" or ")).is_ok());
        assert_eq!(tree("- - -1"), "(-(-(-1)))");
        // The deepest trees accepted also evaluate and analyse on a test
        // thread's 2 MiB stack (the size of the server's worker threads).
        let env = crate::env::FixedEnvironment::default();
        for deep in [
            format!("{}true(){}", "not(".repeat(n), ")".repeat(n)),
            format!("{}1", "-".repeat(MAX_DEPTH - 1)),
            format!("{}1{}", "-(".repeat(n / 2), ")".repeat(n / 2)),
            vec!["false()"; MAX_DEPTH].join(" or "),
        ] {
            let value = crate::state::evaluate_alone(&deep, &env);
            assert!(value.is_ok(), "{value:?}");
        }
        assert_eq!(parse("-(1 + 2)").expect("parses").span, Span::new(0, 7));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn length_limit() {
        // Flat, so only the length stops it.
        let long = format!("'{}'", "x".repeat(MAX_LENGTH));
        assert_eq!(
            err(&long),
            format!(
                "expression too long ({} characters, more than {MAX_LENGTH}) at position {MAX_LENGTH}",
                MAX_LENGTH + 2
            )
        );
        let fits = format!("'{}'", "x".repeat(MAX_LENGTH - 2));
        assert!(parse(&fits).is_ok());
        // Characters, not bytes.
        assert!(parse(&format!("'{}'", "ü".repeat(MAX_LENGTH - 2))).is_ok());
    }
}
